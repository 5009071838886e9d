//! Product text is data, not terminal commands: control characters, escapes and bidi overrides made visible and harmless.

use std::fmt::Write;

/// Text safe to write to a terminal: C0/C1 controls and DEL become visible symbols (ESC shows as `␛`),
/// bidi controls and other invisible format characters become `<U+XXXX>`, newlines and tabs become spaces.
pub fn display(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' | '\r' | '\t' => out.push(' '),
            '\u{0}'..='\u{1f}' => out.push(char::from_u32(0x2400 + c as u32).unwrap_or('?')),
            '\u{7f}' => out.push('␡'),
            '\u{80}'..='\u{9f}'
            | '\u{200b}'..='\u{200f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2060}'..='\u{2069}'
            | '\u{feff}' => {
                let _ = write!(out, "<U+{:04X}>", c as u32);
            }
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_controls_become_visible() {
        let hostile = "red\u{1b}[31m \u{1b}]52;c;aGk=\u{7} \u{202e}txt\u{0}\u{9b}";
        let shown = display(hostile);
        assert!(!shown.chars().any(char::is_control), "{shown:?}");
        assert_eq!(shown, "red␛[31m ␛]52;c;aGk=␇ <U+202E>txt␀<U+009B>");
    }

    #[test]
    fn ordinary_text_is_unchanged() {
        assert_eq!(display("Café – 48\" desk, 日本"), "Café – 48\" desk, 日本");
    }
}
