//! The query line: its text and cursor, and the readline-style edits on them. Only harmless characters get in.

/// Text being typed, with a cursor (a byte offset on a character boundary).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineEditor {
    text: String,
    cursor: usize,
}

impl LineEditor {
    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn cursor(&self) -> usize {
        self.cursor
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// Inserts text at the cursor: line breaks and tabs become spaces, other controls and invisible
    /// formatting characters are dropped. Returns whether the text changed.
    pub fn insert(&mut self, text: &str) -> bool {
        let clean: String = text
            .replace("\r\n", "\n")
            .chars()
            .map(|c| {
                if matches!(c, '\n' | '\r' | '\t') {
                    ' '
                } else {
                    c
                }
            })
            .filter(|c| crate::safe_text::display(c.encode_utf8(&mut [0; 4])).starts_with(*c))
            .collect();
        self.text.insert_str(self.cursor, &clean);
        self.cursor += clean.len();
        !clean.is_empty()
    }

    pub fn delete_back(&mut self) -> bool {
        let Some(c) = self.text[..self.cursor].chars().next_back() else {
            return false;
        };
        self.cursor -= c.len_utf8();
        self.text.remove(self.cursor);
        true
    }

    pub fn delete_forward(&mut self) -> bool {
        if self.cursor == self.text.len() {
            return false;
        }
        self.text.remove(self.cursor);
        true
    }

    /// Deletes the word before the cursor, and the spaces after it (as Ctrl-W does in a shell).
    pub fn delete_word(&mut self) -> bool {
        let before = &self.text[..self.cursor];
        let trimmed = before.trim_end();
        let start = trimmed
            .char_indices()
            .rev()
            .find(|(_, c)| c.is_whitespace())
            .map_or(0, |(i, c)| i + c.len_utf8());
        if start == self.cursor {
            return false;
        }
        self.text.replace_range(start..self.cursor, "");
        self.cursor = start;
        true
    }

    pub fn clear(&mut self) -> bool {
        let changed = !self.text.is_empty();
        self.text.clear();
        self.cursor = 0;
        changed
    }

    pub fn left(&mut self) {
        if let Some(c) = self.text[..self.cursor].chars().next_back() {
            self.cursor -= c.len_utf8();
        }
    }

    pub fn right(&mut self) {
        if let Some(c) = self.text[self.cursor..].chars().next() {
            self.cursor += c.len_utf8();
        }
    }

    pub fn start(&mut self) {
        self.cursor = 0;
    }

    pub fn end(&mut self) {
        self.cursor = self.text.len();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(text: &str) -> LineEditor {
        let mut line = LineEditor::default();
        line.insert(text);
        line
    }

    #[test]
    fn edits_at_the_cursor() {
        let mut l = line("héllo wörld");
        l.left();
        l.left();
        assert!(l.delete_back());
        assert_eq!(l.text(), "héllo wöld");
        l.start();
        l.right();
        l.insert("x");
        assert_eq!((l.text(), l.cursor()), ("hxéllo wöld", 2));
        assert!(l.delete_forward());
        assert_eq!(l.text(), "hxllo wöld");
    }

    #[test]
    fn delete_word_takes_the_word_before_the_cursor() {
        let mut l = line("keep my coffee  ");
        assert!(l.delete_word());
        assert_eq!(l.text(), "keep my ");
        assert!(l.delete_word());
        assert!(l.delete_word());
        assert_eq!(l.text(), "");
        assert!(!l.delete_word());
    }

    #[test]
    fn pastes_become_one_harmless_line() {
        let l = line("a\r\nb\tc\u{1b}[31m\u{202e}d");
        assert_eq!(l.text(), "a b c[31md");
    }
}
