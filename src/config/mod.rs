//! Typed configuration: the commented default `config.toml` built in, overridden by the user's file, validated once.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::catalog::template::Template;
use crate::error::{Error, Result};

pub mod keys;

pub use keys::{Command, Keys, KeysConfig};

/// The default configuration file, which documents every key.
pub const DEFAULT_CONFIG: &str = include_str!("../../config.toml");

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
    /// The text it was parsed from, so that errors found later can name a key's line.
    text: String,
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
        let config: Config = toml::from_str(text).map_err(|e| Error::Config {
            path: shown_path(source.as_deref()),
            message: describe_toml_error(text, &e),
        })?;
        let error_at = |section: &str, key: &str, message: &str| {
            key_error(text, source.as_deref(), section, key, message)
        };
        let template = Template::parse(&config.embed.template)
            .map_err(|message| error_at("embed", "template", &message))?;
        let (embed, index) = (&config.embed, &config.index);
        let at_least_one = "expected a number of at least 1";
        for (ok, section, key, expected) in [
            (embed.batch_size > 0, "embed", "batch_size", at_least_one),
            (
                embed.query_threads > 0,
                "embed",
                "query_threads",
                at_least_one,
            ),
            (
                (2..=128).contains(&index.m),
                "index",
                "m",
                "expected a number from 2 to 128",
            ),
            (
                index.ef_construction >= 1,
                "index",
                "ef_construction",
                at_least_one,
            ),
            (index.ef_search >= 1, "index", "ef_search", at_least_one),
            (
                index.ef_search_text >= 1,
                "index",
                "ef_search_text",
                at_least_one,
            ),
        ] {
            if !ok {
                return Err(error_at(section, key, expected));
            }
        }
        Ok(Self {
            config,
            template,
            source,
            text: text.to_string(),
        })
    }

    /// An error in `[section]`'s `key`, naming the file and the line the key is set on (else line 1).
    pub fn error_at(&self, section: &str, key: &str, message: &str) -> Error {
        key_error(&self.text, self.source.as_deref(), section, key, message)
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

/// An error in `[section]`'s `key` of the configuration `text` read from `source`.
fn key_error(text: &str, source: Option<&Path>, section: &str, key: &str, message: &str) -> Error {
    let line = line_of_key(text, section, key).unwrap_or(1);
    Error::Config {
        path: shown_path(source),
        message: format!("line {line}: {section}.{key}: {message}"),
    }
}

/// How errors name a configuration's file.
fn shown_path(source: Option<&Path>) -> PathBuf {
    source.map_or_else(
        || PathBuf::from("<built-in config.toml>"),
        Path::to_path_buf,
    )
}

/// The 1-based line of a 0-based byte offset.
fn line_at(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// toml's own message with its line and column turned into our "line N, column M: ..." shape.
fn describe_toml_error(text: &str, error: &toml::de::Error) -> String {
    let message = error.message().trim();
    match error.span() {
        Some(span) => {
            let before = &text[..span.start.min(text.len())];
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            format!(
                "line {}, column {column}: {message}",
                line_at(text, span.start)
            )
        }
        None => message.to_string(),
    }
}

/// The line on which `[section]`'s `key` is set, from toml's spans.
fn line_of_key(text: &str, section: &str, key: &str) -> Option<usize> {
    let document = toml::de::DeTable::parse(text).ok()?;
    let (name, _) = document
        .get_ref()
        .get(section)?
        .get_ref()
        .as_table()?
        .get_key_value(key)?;
    Some(line_at(text, name.span().start))
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
