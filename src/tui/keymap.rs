//! The `[keys]` config turned into a map from key presses to commands: key names parsed, clashes resolved or reported, and key events looked up.

use std::collections::HashMap;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::action::Command;
use crate::config::{KeysConfig, Settings};
use crate::error::Error;

/// A key and its modifiers, normalised so that a config name and a key event compare equal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Chord {
    pub code: KeyCode,
    pub modifiers: KeyModifiers,
}

impl Chord {
    fn new(code: KeyCode, modifiers: KeyModifiers) -> Self {
        // Shift is part of the character itself ('A', '?'), and of BackTab.
        let modifiers = match code {
            KeyCode::Char(_) | KeyCode::BackTab => modifiers - KeyModifiers::SHIFT,
            _ => modifiers,
        };
        let code = match code {
            KeyCode::Char(c) if modifiers.contains(KeyModifiers::CONTROL) => {
                KeyCode::Char(c.to_ascii_lowercase())
            }
            other => other,
        };
        Self { code, modifiers }
    }

    pub fn from_event(event: &KeyEvent) -> Self {
        Self::new(event.code, event.modifiers)
    }

    /// Parses names like `ctrl-y`, `alt-backspace`, `f1`, `?`, `pagedown`.
    pub fn parse(name: &str) -> Result<Self, String> {
        let mut modifiers = KeyModifiers::NONE;
        let mut rest = name;
        loop {
            let lower = rest.to_ascii_lowercase();
            let (flag, len) = if lower.starts_with("ctrl-") {
                (KeyModifiers::CONTROL, 5)
            } else if lower.starts_with("alt-") {
                (KeyModifiers::ALT, 4)
            } else if lower.starts_with("shift-") {
                (KeyModifiers::SHIFT, 6)
            } else {
                break;
            };
            modifiers |= flag;
            rest = &rest[len..];
        }
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (Some(c), None) => KeyCode::Char(c),
            _ => named_key(&rest.to_ascii_lowercase())
                .ok_or_else(|| format!("{name:?} is not a key name"))?,
        };
        Ok(Self::new(code, modifiers))
    }

    /// How the help shows it: `ctrl-y`, `enter`.
    pub fn label(self) -> String {
        let mut out = String::new();
        for (flag, text) in [
            (KeyModifiers::CONTROL, "ctrl-"),
            (KeyModifiers::ALT, "alt-"),
            (KeyModifiers::SHIFT, "shift-"),
        ] {
            if self.modifiers.contains(flag) {
                out.push_str(text);
            }
        }
        match self.code {
            KeyCode::Char(' ') => out.push_str("space"),
            KeyCode::Char(c) => out.push(c),
            KeyCode::F(n) => {
                out.push('f');
                out.push_str(&n.to_string());
            }
            code => out.push_str(
                NAMED
                    .iter()
                    .find(|(_, k)| *k == code)
                    .map_or("?", |(n, _)| n),
            ),
        }
        out
    }
}

const NAMED: [(&str, KeyCode); 16] = [
    ("enter", KeyCode::Enter),
    ("esc", KeyCode::Esc),
    ("tab", KeyCode::Tab),
    ("backtab", KeyCode::BackTab),
    ("backspace", KeyCode::Backspace),
    ("delete", KeyCode::Delete),
    ("insert", KeyCode::Insert),
    ("home", KeyCode::Home),
    ("end", KeyCode::End),
    ("pageup", KeyCode::PageUp),
    ("pagedown", KeyCode::PageDown),
    ("up", KeyCode::Up),
    ("down", KeyCode::Down),
    ("left", KeyCode::Left),
    ("right", KeyCode::Right),
    ("space", KeyCode::Char(' ')),
];

fn named_key(name: &str) -> Option<KeyCode> {
    if let Some(n) = name.strip_prefix('f').and_then(|n| n.parse::<u8>().ok()) {
        return (1..=12).contains(&n).then_some(KeyCode::F(n));
    }
    NAMED.iter().find(|(n, _)| *n == name).map(|(_, k)| *k)
}

/// Key presses to commands.
#[derive(Debug, Clone)]
pub struct Keymap {
    map: HashMap<Chord, Command>,
    /// Every binding in config order, for the help.
    order: Vec<(Command, Chord)>,
}

impl Default for Keymap {
    fn default() -> Self {
        Self::from_config(&KeysConfig::default()).expect("the default keys are valid")
    }
}

impl Keymap {
    /// The keymap of a configuration; a bad key name or a clash is an error naming the file, line and key.
    pub fn from_settings(settings: &Settings) -> Result<Self, Error> {
        Self::from_config(&settings.config.keys)
            .map_err(|(key, message)| settings.error_at("keys", key, &message))
    }

    /// Builds the map; on error, the action's name and what is wrong.
    pub fn from_config(keys: &KeysConfig) -> Result<Self, (&'static str, String)> {
        let mut map: HashMap<Chord, (Command, bool)> = HashMap::new();
        let mut order = Vec::new();
        // Commands left at their defaults first, so that keys the user bound take their keys over.
        let mut entries: Vec<(Command, Vec<String>, bool)> = Command::ALL
            .iter()
            .map(|&command| (command, keys.of(command), keys.is_rebound(command)))
            .collect();
        entries.sort_by_key(|(_, _, custom)| *custom);
        for (command, keys, custom) in entries {
            for name in &keys {
                let chord = Chord::parse(name).map_err(|e| {
                    (
                        command.name(),
                        format!(
                            "{e}; expected e.g. \"ctrl-y\", \"f1\", \"enter\", \"alt-backspace\""
                        ),
                    )
                })?;
                if let Some((other, true)) = map.get(&chord)
                    && custom
                    && *other != command
                {
                    return Err((
                        command.name(),
                        format!(
                            "{name:?} is also bound to {}; expected a key of its own",
                            other.name()
                        ),
                    ));
                }
                map.insert(chord, (command, custom));
                order.push((command, chord));
            }
        }
        let map: HashMap<Chord, Command> = map.into_iter().map(|(k, (c, _))| (k, c)).collect();
        order.retain(|(command, chord)| map.get(chord) == Some(command));
        order.sort_by_key(|(command, _)| *command);
        Ok(Self { map, order })
    }

    pub fn command(&self, event: &KeyEvent) -> Option<Command> {
        self.map.get(&Chord::from_event(event)).copied()
    }

    /// The keys bound to a command, in the order the config lists them.
    pub fn keys_of(&self, command: Command) -> Vec<Chord> {
        self.order
            .iter()
            .filter(|(c, _)| *c == command)
            .map(|(_, k)| *k)
            .collect()
    }

    /// The first key of a command, for hints.
    pub fn hint(&self, command: Command) -> String {
        self.keys_of(command)
            .first()
            .map_or_else(|| "(unbound)".into(), |k| k.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyEventKind;

    fn press(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        let mut event = KeyEvent::new(code, modifiers);
        event.kind = KeyEventKind::Press;
        event
    }

    #[test]
    fn every_command_name_is_a_config_key() {
        for &command in Command::ALL {
            let text = format!("[keys]\n{} = \"f12\"\n", command.name());
            let settings = Settings::parse(&text, None).unwrap();
            assert_eq!(settings.config.keys.of(command), vec!["f12"]);
        }
    }

    #[test]
    fn defaults_map_the_usual_keys() {
        let keymap = Keymap::default();
        let ctrl = KeyModifiers::CONTROL;
        assert_eq!(
            keymap.command(&press(KeyCode::Char('c'), ctrl)),
            Some(Command::Quit)
        );
        assert_eq!(
            keymap.command(&press(KeyCode::Char('Y'), ctrl)),
            Some(Command::CopyId)
        );
        assert_eq!(
            keymap.command(&press(KeyCode::BackTab, KeyModifiers::SHIFT)),
            Some(Command::ToggleFocus)
        );
        assert_eq!(
            keymap.command(&press(KeyCode::Enter, KeyModifiers::NONE)),
            Some(Command::Pivot)
        );
        assert_eq!(
            keymap.command(&press(KeyCode::Char('y'), KeyModifiers::NONE)),
            None
        );
        assert_eq!(keymap.hint(Command::Help), "f1");
    }

    #[test]
    fn a_rebound_key_leaves_its_default_action() {
        let settings = Settings::parse("[keys]\nexport = \"ctrl-y\"\n", None).unwrap();
        let keymap = Keymap::from_settings(&settings).unwrap();
        let event = press(KeyCode::Char('y'), KeyModifiers::CONTROL);
        assert_eq!(keymap.command(&event), Some(Command::Export));
        assert!(keymap.keys_of(Command::CopyId).is_empty());
    }

    #[test]
    fn bad_names_and_clashes_are_errors_naming_the_key() {
        let settings = Settings::parse("[keys]\nquit = \"ctrl-\"\n", None).unwrap();
        let err = Keymap::from_settings(&settings).unwrap_err().to_string();
        assert!(
            err.contains("keys.quit") && err.contains("not a key name"),
            "{err}"
        );
        let clash = "[keys]\nquit = \"f2\"\nhelp = \"f2\"\n";
        let err = Keymap::from_settings(&Settings::parse(clash, None).unwrap())
            .unwrap_err()
            .to_string();
        assert!(err.contains("also bound to"), "{err}");
        let unknown = Settings::parse("[keys]\nqiut = \"f2\"\n", None)
            .unwrap_err()
            .to_string();
        assert!(
            unknown.contains("qiut") && unknown.contains("line 2"),
            "{unknown}"
        );
    }

    #[test]
    fn labels_round_trip() {
        for name in [
            "ctrl-y",
            "f1",
            "enter",
            "alt-backspace",
            "?",
            "space",
            "ctrl-home",
        ] {
            assert_eq!(Chord::parse(name).unwrap().label(), name);
        }
    }
}
