//! The interactive app's key commands, declared once in [`key_commands!`]'s table (config name, what it does, default keys), and the `[keys]` section that rebinds them.
//!
//! The table lives with the configuration, not with the app, so that every command of the CLI
//! checks `[keys]` the same way, built with or without the app. Adding a command is a row here and
//! the code that runs it (`tui/app/commands.rs`); its config key, help line, default keys and
//! `lookalike keys` entry all come from the row.

use std::collections::BTreeMap;

use serde::Deserialize;

/// Declares [`Command`] from rows of `Variant "config_name" "what it does" [default keys]`.
macro_rules! key_commands {
    ($($(#[$doc:meta])* $variant:ident $name:literal $describe:literal [$($key:literal),* $(,)?],)+) => {
        /// A command a key can be bound to; its config name is its key in `[keys]`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Command {
            $($(#[$doc])* $variant,)+
        }

        impl Command {
            /// Every command, in the order the help lists them.
            pub const ALL: &'static [Self] = &[$(Self::$variant,)+];

            /// The name used as its key in `[keys]`.
            pub fn name(self) -> &'static str {
                match self {
                    $(Self::$variant => $name,)+
                }
            }

            /// What it does, for the help.
            pub fn describe(self) -> &'static str {
                match self {
                    $(Self::$variant => $describe,)+
                }
            }

            /// The keys it has unless `[keys]` says otherwise.
            pub fn default_keys(self) -> &'static [&'static str] {
                match self {
                    $(Self::$variant => &[$($key),*],)+
                }
            }
        }
    };
}

key_commands! {
    Quit "quit" "quit" ["ctrl-c"],
    /// Hand the terminal back to the shell and stop (resume with `fg`).
    Suspend "suspend" "stop (shell `fg` resumes)" ["ctrl-z"],
    /// Back one step (a pivot, or the help); quits when there is nothing to go back to.
    Back "back" "back a step / quit" ["esc"],
    Pivot "pivot" "more like this" ["enter"],
    ToggleFocus "toggle_focus" "switch pane" ["tab", "backtab"],
    SelectNext "select_next" "next product" ["down", "ctrl-n"],
    SelectPrev "select_prev" "previous product" ["up", "ctrl-p"],
    PageDown "page_down" "page down" ["pagedown"],
    PageUp "page_up" "page up" ["pageup"],
    /// The cursor while the line has text, else the selection.
    Home "home" "line start / first" ["home"],
    End "end" "line end / last" ["end"],
    SelectFirst "select_first" "first product" ["ctrl-home"],
    SelectLast "select_last" "last product" ["ctrl-end"],
    CursorLeft "cursor_left" "cursor left" ["left", "ctrl-b"],
    CursorRight "cursor_right" "cursor right" ["right"],
    CursorStart "cursor_start" "line start" ["ctrl-a"],
    CursorEnd "cursor_end" "line end" ["ctrl-e"],
    /// On an empty line, back one step.
    DeleteBack "delete_back" "delete left / back" ["backspace", "ctrl-h"],
    DeleteForward "delete_forward" "delete right" ["delete", "ctrl-d"],
    DeleteWord "delete_word" "delete word" ["ctrl-w", "alt-backspace"],
    ClearLine "clear_line" "clear the line" ["ctrl-u"],
    CopyId "copy_id" "copy id (OSC 52)" ["ctrl-y"],
    Export "export" "save results (CSV)" ["ctrl-s"],
    /// Steps the semantic ratio of hybrid search up by 0.1, towards meaning only.
    MoreMeaning "more_meaning" "weigh meaning more (ratio +0.1)" ["alt-up"],
    /// Steps the semantic ratio of hybrid search down by 0.1, towards words only.
    MoreWords "more_words" "weigh words more (ratio −0.1)" ["alt-down"],
    /// Opens the filter line: Enter applies it, Tab completes, Esc leaves it as it was.
    Filter "filter" "filter (enter apply, tab complete)" ["ctrl-f"],
    /// Keeps the selected product as an example: the list becomes products like every kept one.
    Keep "keep" "keep: more like it (toggle)" ["alt-k"],
    /// Rejects the selected product: the list steers away from it, and from products like it.
    Reject "reject" "reject: less like it (toggle)" ["alt-x"],
    /// Opens the audit lens: near-duplicate groups and miscategorised products.
    Audit "audit" "audit: dups, categories" ["f2", "alt-a"],
    Help "help" "this help" ["f1"],
}

impl Command {
    /// The command a config name stands for.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|c| c.name() == name)
    }
}

impl<'de> Deserialize<'de> for Command {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        Self::from_name(&name).ok_or_else(|| {
            let names: Vec<&str> = Self::ALL.iter().map(|c| c.name()).collect();
            serde::de::Error::custom(format!(
                "unknown command `{name}`; expected one of {} (`lookalike keys` lists them)",
                names.join(", ")
            ))
        })
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

/// The `[keys]` section: the commands the user rebound. Key names are parsed, and clashes
/// checked, by the app's keymap.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq, Default)]
#[serde(transparent)]
pub struct KeysConfig(BTreeMap<Command, Keys>);

impl KeysConfig {
    /// The keys of `command`: the user's, else its defaults.
    pub fn of(&self, command: Command) -> Vec<String> {
        self.0.get(&command).map_or_else(
            || {
                command
                    .default_keys()
                    .iter()
                    .map(|k| (*k).to_string())
                    .collect()
            },
            |keys| keys.0.clone(),
        )
    }

    /// Whether the user rebound `command`.
    pub fn is_rebound(&self, command: Command) -> bool {
        self.0.get(&command).is_some_and(|keys| {
            keys.0
                .iter()
                .map(String::as_str)
                .ne(command.default_keys().iter().copied())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_snake_case_and_found_again() {
        let mut seen = std::collections::HashSet::new();
        for &command in Command::ALL {
            let name = command.name();
            assert!(seen.insert(name), "{name} twice");
            assert!(
                name.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
                "{name}"
            );
            assert_eq!(Command::from_name(name), Some(command));
            assert!(!command.default_keys().is_empty(), "{name} has no keys");
        }
    }

    #[test]
    fn a_rebound_command_takes_its_keys_from_the_config() {
        let keys: KeysConfig =
            toml::from_str("export = [\"ctrl-y\", \"f5\"]\nhelp = \"f1\"\n").unwrap();
        assert_eq!(keys.of(Command::Export), vec!["ctrl-y", "f5"]);
        assert!(keys.is_rebound(Command::Export));
        // Set, but to its default.
        assert!(!keys.is_rebound(Command::Help));
        assert_eq!(keys.of(Command::Quit), vec!["ctrl-c"]);
        assert!(!keys.is_rebound(Command::Quit));
    }
}
