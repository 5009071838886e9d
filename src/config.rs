//! Typed configuration: the commented default `config.toml` built in, overridden by the user's file, validated once.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::catalog::template::Template;
use crate::error::{Error, Result};

/// The default configuration file, which documents every key.
pub const DEFAULT_CONFIG: &str = include_str!("../config.toml");

#[derive(Debug, Clone, Deserialize, PartialEq, Default)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub catalog: CatalogConfig,
    pub embed: EmbedConfig,
    pub index: IndexConfig,
    pub keys: KeysConfig,
    pub theme: ThemeConfig,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Default)]
#[serde(deny_unknown_fields, default)]
pub struct CatalogConfig {
    pub path: Option<PathBuf>,
    pub fields: FieldMapping,
}

/// Field names (or dotted paths) that override the built-in guesses.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq, Default)]
#[serde(deny_unknown_fields, default)]
pub struct FieldMapping {
    pub id: Option<String>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub category: Option<String>,
    pub brand: Option<String>,
    pub price: Option<String>,
    pub tags: Option<String>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct EmbedConfig {
    pub template: String,
    pub batch_size: usize,
    pub query_threads: usize,
}

impl Default for EmbedConfig {
    fn default() -> Self {
        Self {
            template: "{title_without_brand}. {description} {tags}".into(),
            batch_size: 32,
            query_threads: 2,
        }
    }
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct IndexConfig {
    pub m: usize,
    pub ef_construction: usize,
    pub ef_search: usize,
    pub ef_search_text: usize,
}

impl Default for IndexConfig {
    fn default() -> Self {
        Self {
            m: 16,
            ef_construction: 200,
            ef_search: 64,
            ef_search_text: 384,
        }
    }
}

/// One key or several, written `"ctrl-y"` or `["down", "ctrl-n"]`.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(from = "OneOrMany")]
pub struct Keys(pub Vec<String>);

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl From<OneOrMany> for Keys {
    fn from(value: OneOrMany) -> Self {
        match value {
            OneOrMany::One(key) => Self(vec![key]),
            OneOrMany::Many(keys) => Self(keys),
        }
    }
}

impl Keys {
    fn of(keys: &[&str]) -> Self {
        Self(keys.iter().map(|k| (*k).to_string()).collect())
    }
}

/// The keys of the interactive app, one field per action (the field name is the action's name).
/// Key names are parsed, and clashes checked, when the app starts.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct KeysConfig {
    pub quit: Keys,
    pub suspend: Keys,
    pub back: Keys,
    pub pivot: Keys,
    pub toggle_focus: Keys,
    pub select_next: Keys,
    pub select_prev: Keys,
    pub page_down: Keys,
    pub page_up: Keys,
    pub home: Keys,
    pub end: Keys,
    pub select_first: Keys,
    pub select_last: Keys,
    pub cursor_left: Keys,
    pub cursor_right: Keys,
    pub cursor_start: Keys,
    pub cursor_end: Keys,
    pub delete_back: Keys,
    pub delete_forward: Keys,
    pub delete_word: Keys,
    pub clear_line: Keys,
    pub copy_id: Keys,
    pub export: Keys,
    pub help: Keys,
}

impl Default for KeysConfig {
    fn default() -> Self {
        Self {
            quit: Keys::of(&["ctrl-c"]),
            suspend: Keys::of(&["ctrl-z"]),
            back: Keys::of(&["esc"]),
            pivot: Keys::of(&["enter"]),
            toggle_focus: Keys::of(&["tab", "backtab"]),
            select_next: Keys::of(&["down", "ctrl-n"]),
            select_prev: Keys::of(&["up", "ctrl-p"]),
            page_down: Keys::of(&["pagedown"]),
            page_up: Keys::of(&["pageup"]),
            home: Keys::of(&["home"]),
            end: Keys::of(&["end"]),
            select_first: Keys::of(&["ctrl-home"]),
            select_last: Keys::of(&["ctrl-end"]),
            cursor_left: Keys::of(&["left", "ctrl-b"]),
            cursor_right: Keys::of(&["right", "ctrl-f"]),
            cursor_start: Keys::of(&["ctrl-a"]),
            cursor_end: Keys::of(&["ctrl-e"]),
            delete_back: Keys::of(&["backspace", "ctrl-h"]),
            delete_forward: Keys::of(&["delete", "ctrl-d"]),
            delete_word: Keys::of(&["ctrl-w", "alt-backspace"]),
            clear_line: Keys::of(&["ctrl-u"]),
            copy_id: Keys::of(&["ctrl-y"]),
            export: Keys::of(&["ctrl-s"]),
            help: Keys::of(&["f1"]),
        }
    }
}

/// Colours of the interactive app: names (`red`, `lightblue`, `darkgray`), `#rrggbb`, or a 0-255 index.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct ThemeConfig {
    pub accent: String,
    pub selection: String,
    pub chip: String,
    pub muted: String,
    pub bar: String,
    pub error: String,
}

impl Default for ThemeConfig {
    fn default() -> Self {
        Self {
            accent: "cyan".into(),
            selection: "blue".into(),
            chip: "magenta".into(),
            muted: "darkgray".into(),
            bar: "green".into(),
            error: "red".into(),
        }
    }
}

/// A configuration together with what was derived from it once.
#[derive(Debug, Clone)]
pub struct Settings {
    pub config: Config,
    pub template: Template,
    /// The file the configuration came from, if any (relative catalog paths start there).
    pub source: Option<PathBuf>,
}

impl Settings {
    /// Reads `path` if given, else the platform config file if it exists, else the defaults.
    pub fn load(explicit: Option<&Path>, platform: Option<&Path>) -> Result<Self> {
        let path = match explicit {
            Some(path) => Some(path.to_path_buf()),
            None => platform.filter(|p| p.is_file()).map(Path::to_path_buf),
        };
        let Some(path) = path else {
            return Self::parse(DEFAULT_CONFIG, None);
        };
        let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
        Self::parse(&text, Some(path))
    }

    /// Parses and validates configuration text; `source` names it in errors.
    pub fn parse(text: &str, source: Option<PathBuf>) -> Result<Self> {
        let shown = source
            .clone()
            .unwrap_or_else(|| PathBuf::from("<built-in config.toml>"));
        let config_error = |message: String| Error::Config {
            path: shown.clone(),
            message,
        };
        let config: Config =
            toml::from_str(text).map_err(|e| config_error(describe_toml_error(text, &e)))?;
        let template = Template::parse(&config.embed.template).map_err(|message| {
            config_error(format!(
                "line {}: embed.template: {message}",
                line_of_key(text, "template").unwrap_or(1)
            ))
        })?;
        let check = |ok: bool, key: &str, expected: &str| {
            if ok {
                Ok(())
            } else {
                Err(config_error(format!(
                    "line {}: {key}: expected {expected}",
                    line_of_key(text, key.rsplit('.').next().unwrap_or(key)).unwrap_or(1)
                )))
            }
        };
        check(
            config.embed.batch_size > 0,
            "embed.batch_size",
            "a number of at least 1",
        )?;
        check(
            config.embed.query_threads > 0,
            "embed.query_threads",
            "a number of at least 1",
        )?;
        check(
            (2..=128).contains(&config.index.m),
            "index.m",
            "a number from 2 to 128",
        )?;
        check(
            config.index.ef_construction >= 1,
            "index.ef_construction",
            "a number of at least 1",
        )?;
        check(
            config.index.ef_search >= 1,
            "index.ef_search",
            "a number of at least 1",
        )?;
        check(
            config.index.ef_search_text >= 1,
            "index.ef_search_text",
            "a number of at least 1",
        )?;
        Ok(Self {
            config,
            template,
            source,
        })
    }

    /// The catalog named by the configuration, resolved against the config file's directory.
    pub fn catalog_path(&self) -> Option<PathBuf> {
        let path = self.config.catalog.path.as_ref()?;
        let base = self.source.as_deref().and_then(Path::parent);
        Some(match base {
            Some(base) if path.is_relative() => base.join(path),
            _ => path.clone(),
        })
    }
}

/// toml's own message with its line and column turned into our "line N, column M: ..." shape.
fn describe_toml_error(text: &str, error: &toml::de::Error) -> String {
    let message = error.message().trim();
    match error.span() {
        Some(span) => {
            let before = &text[..span.start.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            format!("line {line}, column {column}: {message}")
        }
        None => message.to_string(),
    }
}

/// The 1-based line on which `key = ...` is set, for errors found after parsing.
pub(crate) fn line_of_key(text: &str, key: &str) -> Option<usize> {
    text.lines()
        .position(|line| {
            let line = line.trim_start();
            !line.starts_with('#')
                && line
                    .strip_prefix(key)
                    .is_some_and(|rest| rest.trim_start().starts_with('='))
        })
        .map(|i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_file_matches_the_defaults() {
        let settings = Settings::parse(DEFAULT_CONFIG, None).unwrap();
        assert_eq!(settings.config, Config::default());
    }

    #[test]
    fn unknown_key_names_key_and_line() {
        let err = Settings::parse("[embed]\nbatch_size = 8\ntemplat = \"{title}\"\n", None)
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 3"), "{err}");
        assert!(err.contains("templat"), "{err}");
    }

    #[test]
    fn wrong_type_names_line() {
        let err = Settings::parse("[index]\nm = \"sixteen\"\n", None)
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 2"), "{err}");
    }

    #[test]
    fn bad_template_placeholder_is_an_error() {
        let err = Settings::parse("[embed]\ntemplate = \"{titel}. {description}\"\n", None)
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 2") && err.contains("titel"), "{err}");
    }

    #[test]
    fn out_of_range_parameter_is_an_error() {
        let err = Settings::parse("[index]\nm = 1\n", None)
            .unwrap_err()
            .to_string();
        assert!(err.contains("index.m") && err.contains("line 2"), "{err}");
        let err = Settings::parse("[embed]\nbatch_size = 8\nquery_threads = 0\n", None)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("embed.query_threads") && err.contains("line 3"),
            "{err}"
        );
    }

    #[test]
    fn relative_catalog_path_starts_at_the_config_file() {
        let settings = Settings::parse(
            "[catalog]\npath = \"p.json\"\n",
            Some("/etc/x/config.toml".into()),
        )
        .unwrap();
        assert_eq!(
            settings.catalog_path(),
            Some(PathBuf::from("/etc/x/p.json"))
        );
    }
}
