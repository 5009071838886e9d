//! Styles the views draw with: from the `[theme]` colours, or without any colour when `NO_COLOR` is set.

use std::str::FromStr;

use ratatui::style::{Color, Modifier, Style};

use crate::config::{Settings, ThemeConfig};
use crate::error::Error;

/// The styles of every part of the screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Theme {
    pub accent: Style,
    pub selected: Style,
    /// The selected row of a pane without the focus.
    pub selected_unfocused: Style,
    pub chip: Style,
    /// The chip of a rejected example.
    pub rejected: Style,
    pub muted: Style,
    pub bar: Style,
    pub error: Style,
    pub title: Style,
}

impl Default for Theme {
    fn default() -> Self {
        Self::from_config(&ThemeConfig::default()).expect("the default colours are valid")
    }
}

impl Theme {
    /// Styles without colour: bold, reverse and dim only.
    pub fn monochrome() -> Self {
        let bold = Style::new().add_modifier(Modifier::BOLD);
        Self {
            accent: bold,
            selected: Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD),
            selected_unfocused: Style::new().add_modifier(Modifier::UNDERLINED),
            chip: Style::new().add_modifier(Modifier::REVERSED),
            rejected: Style::new().add_modifier(Modifier::REVERSED | Modifier::CROSSED_OUT),
            muted: Style::new().add_modifier(Modifier::DIM),
            bar: Style::new(),
            error: bold,
            title: bold,
        }
    }

    /// The configured theme, or [`Theme::monochrome`] when `no_color`.
    pub fn from_settings(settings: &Settings, no_color: bool) -> Result<Self, Error> {
        let theme = Self::from_config(&settings.config.theme)
            .map_err(|(key, message)| settings.error_at("theme", key, &message))?;
        Ok(if no_color { Self::monochrome() } else { theme })
    }

    pub fn from_config(config: &ThemeConfig) -> Result<Self, (&'static str, String)> {
        let color = |key: &'static str, value: &str| {
            Color::from_str(value).map_err(|_| {
                (
                    key,
                    format!("{value:?} is not a colour; expected a name like \"cyan\", \"#rrggbb\" or 0-255"),
                )
            })
        };
        let accent = color("accent", &config.accent)?;
        let selection = color("selection", &config.selection)?;
        let chip = color("chip", &config.chip)?;
        let muted = color("muted", &config.muted)?;
        let bar = color("bar", &config.bar)?;
        let error = color("error", &config.error)?;
        Ok(Self {
            accent: Style::new().fg(accent),
            selected: Style::new().bg(selection).add_modifier(Modifier::BOLD),
            selected_unfocused: Style::new().add_modifier(Modifier::REVERSED),
            chip: Style::new().fg(Color::Black).bg(chip),
            rejected: Style::new().fg(Color::Black).bg(error),
            muted: Style::new().fg(muted),
            bar: Style::new().fg(bar),
            error: Style::new().fg(error).add_modifier(Modifier::BOLD),
            title: Style::new().fg(accent).add_modifier(Modifier::BOLD),
        })
    }
}

/// Whether the `NO_COLOR` convention asks for no colours (set and not empty).
pub fn no_color_requested() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_colour_names_its_key() {
        let settings = Settings::parse("[theme]\naccent = \"chartreuse-ish\"\n", None).unwrap();
        let err = Theme::from_settings(&settings, false)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("theme.accent") && err.contains("chartreuse-ish"),
            "{err}"
        );
    }

    #[test]
    fn no_color_uses_no_colour() {
        let theme = Theme::from_settings(&Settings::parse("", None).unwrap(), true).unwrap();
        for style in [
            theme.accent,
            theme.selected,
            theme.chip,
            theme.rejected,
            theme.muted,
            theme.bar,
        ] {
            assert_eq!((style.fg, style.bg), (None, None));
        }
    }
}
