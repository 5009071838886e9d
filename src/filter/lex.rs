//! Lexing the filter language: a cursor that reads field names, operators, keywords and values, and the quoting rules shared by Display and completion.
//!
//! A bare field name is a run of characters other than whitespace, `,` `[` `]` `(` `)` `=` `!`
//! `<` `>` `"`; a bare value is a run of characters other than whitespace, `,` `[` `]` `(` `)`
//! that does not start with `"`. Either may instead be double-quoted, with `\"` and `\\` as
//! escapes (any other backslash is kept as written). The bare words `AND`, `OR`, `NOT` and `IN`
//! (in any case) are keywords, never field names or values; quoted, they are ordinary text.

use std::borrow::Cow;

use super::parse::CompareOp;

/// A half-open byte range of the filter text.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Span {
    pub(crate) start: usize,
    pub(crate) end: usize,
}

impl Span {
    /// An empty span at `at`: where something was expected.
    pub(crate) fn at(at: usize) -> Span {
        Span { start: at, end: at }
    }

    /// The text this span covers (empty if it does not fit `text`).
    pub(crate) fn of(self, text: &str) -> &str {
        text.get(self.start..self.end).unwrap_or("")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Keyword {
    And,
    Or,
    Not,
    In,
}

impl Keyword {
    fn of(word: &str) -> Option<Keyword> {
        [
            ("AND", Keyword::And),
            ("OR", Keyword::Or),
            ("NOT", Keyword::Not),
            ("IN", Keyword::In),
        ]
        .into_iter()
        .find_map(|(name, keyword)| word.eq_ignore_ascii_case(name).then_some(keyword))
    }
}

/// A field name or value as read: its text (escapes resolved), where it was, and whether it was
/// quoted (and if so, whether its closing quote was there).
#[derive(Debug, Clone)]
pub(crate) struct Word {
    pub(crate) text: String,
    pub(crate) span: Span,
    pub(crate) quoted: bool,
    pub(crate) closed: bool,
}

impl Word {
    /// The keyword this word is, if it is a bare one.
    pub(crate) fn keyword(&self) -> Option<Keyword> {
        if self.quoted {
            None
        } else {
            Keyword::of(&self.text)
        }
    }

    /// A bare keyword, which cannot stand for a field name or a value.
    pub(crate) fn is_keyword(&self) -> bool {
        self.keyword().is_some()
    }
}

fn ends_value(c: char) -> bool {
    c.is_whitespace() || matches!(c, ',' | '[' | ']' | '(' | ')')
}

fn ends_field(c: char) -> bool {
    ends_value(c) || matches!(c, '=' | '!' | '<' | '>' | '"')
}

/// A position in the filter text; cheap to copy, so callers try a read on a copy and keep it
/// only if it succeeded.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Cursor<'t> {
    text: &'t str,
    pos: usize,
}

impl<'t> Cursor<'t> {
    pub(crate) fn new(text: &'t str) -> Cursor<'t> {
        Cursor { text, pos: 0 }
    }

    pub(crate) fn pos(&self) -> usize {
        self.pos
    }

    fn rest(&self) -> &'t str {
        self.text.get(self.pos..).unwrap_or("")
    }

    pub(crate) fn at_end(&self) -> bool {
        self.rest().is_empty()
    }

    pub(crate) fn skip_ws(&mut self) {
        let rest = self.rest();
        self.pos += rest.len() - rest.trim_start().len();
    }

    /// Consumes `c` if it is next.
    pub(crate) fn eat(&mut self, c: char) -> bool {
        let next = self.rest().starts_with(c);
        if next {
            self.pos += c.len_utf8();
        }
        next
    }

    /// Consumes characters up to the first that `ends` (or the end of the text).
    fn run(&mut self, ends: fn(char) -> bool) -> Span {
        let start = self.pos;
        let rest = self.rest();
        self.pos += rest.find(ends).unwrap_or(rest.len());
        Span {
            start,
            end: self.pos,
        }
    }

    fn word(&mut self, ends: fn(char) -> bool) -> Option<Word> {
        if self.rest().starts_with('"') {
            return Some(self.quoted());
        }
        let span = self.run(ends);
        (span.start < span.end).then(|| Word {
            text: span.of(self.text).to_owned(),
            span,
            quoted: false,
            closed: true,
        })
    }

    /// A field name, bare or quoted; `None` if none starts here.
    pub(crate) fn field(&mut self) -> Option<Word> {
        self.word(ends_field)
    }

    /// A value, bare or quoted; `None` if none starts here.
    pub(crate) fn value(&mut self) -> Option<Word> {
        self.word(ends_value)
    }

    /// A quoted string starting at the `"` here; unclosed, it runs to the end of the text.
    fn quoted(&mut self) -> Word {
        let start = self.pos;
        let body = self.text.get(start + 1..).unwrap_or("");
        let mut text = String::new();
        let mut chars = body.char_indices();
        let mut closed_at = None;
        while let Some((i, c)) = chars.next() {
            match c {
                '"' => {
                    closed_at = Some(i + 1);
                    break;
                }
                '\\' => match chars.clone().next() {
                    Some((_, escaped @ ('"' | '\\'))) => {
                        text.push(escaped);
                        chars.next();
                    }
                    _ => text.push('\\'),
                },
                _ => text.push(c),
            }
        }
        self.pos = closed_at.map_or(self.text.len(), |end| start + 1 + end);
        Word {
            text,
            span: Span {
                start,
                end: self.pos,
            },
            quoted: true,
            closed: closed_at.is_some(),
        }
    }

    /// A comparison operator, the longest that matches.
    pub(crate) fn operator(&mut self) -> Option<(CompareOp, Span)> {
        let rest = self.rest();
        let op = CompareOp::LONGEST_FIRST
            .into_iter()
            .find(|op| rest.starts_with(op.symbol()))?;
        let start = self.pos;
        self.pos += op.symbol().len();
        Some((
            op,
            Span {
                start,
                end: self.pos,
            },
        ))
    }

    /// A bare keyword, consumed only if the word here is one.
    pub(crate) fn keyword(&mut self) -> Option<(Keyword, Span)> {
        let mut probe = *self;
        let span = probe.run(ends_field);
        let keyword = Keyword::of(span.of(self.text))?;
        *self = probe;
        Some((keyword, span))
    }

    /// What comes next, for an error message ("end of input" or the token in backticks), and
    /// where it is.
    pub(crate) fn found(&self) -> (String, Span) {
        let mut probe = *self;
        probe.skip_ws();
        let start = probe.pos;
        let Some(c) = probe.rest().chars().next() else {
            return ("end of input".to_owned(), Span::at(start));
        };
        if matches!(c, '(' | ')' | '[' | ']' | ',') {
            probe.pos += c.len_utf8();
        } else if c == '"' {
            probe.quoted();
        } else if probe.operator().is_none() {
            probe.run(ends_value);
        }
        let span = Span {
            start,
            end: probe.pos,
        };
        (format!("`{}`", shorten(span.of(self.text))), span)
    }
}

/// At most 30 characters of `text`, for messages.
fn shorten(text: &str) -> Cow<'_, str> {
    const MAX: usize = 30;
    if text.chars().nth(MAX).is_none() {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(text.chars().take(MAX - 1).chain(['…']).collect())
    }
}

/// `name` as it must be written in a filter: bare if it reads back as itself, else quoted.
pub(crate) fn field_token(name: &str) -> Cow<'_, str> {
    token(name, ends_field)
}

/// `value` as it must be written in a filter: bare if it reads back as itself, else quoted.
pub(crate) fn value_token(value: &str) -> Cow<'_, str> {
    token(value, ends_value)
}

fn token(text: &str, ends: fn(char) -> bool) -> Cow<'_, str> {
    if text.is_empty()
        || text.starts_with('"')
        || text.contains(ends)
        || Keyword::of(text).is_some()
    {
        let mut quoted = String::with_capacity(text.len() + 2);
        quoted.push('"');
        for c in text.chars() {
            if matches!(c, '"' | '\\') {
                quoted.push('\\');
            }
            quoted.push(c);
        }
        quoted.push('"');
        Cow::Owned(quoted)
    } else {
        Cow::Borrowed(text)
    }
}
