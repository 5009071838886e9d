//! Facets (each field's values with their product counts, or a number field's range) and completing a half-typed filter from them, for the TUI's filter line.

use std::collections::HashMap;

use super::FieldType;
use super::eval::{NumberSource, Schema, SchemaField, Source, TextSource, fold, folds_to};
use super::lex::{Cursor, Keyword, Word, field_token, value_token};
use crate::catalog::Product;

/// The most values kept per field, the most common.
pub const MAX_FACET_VALUES: usize = 1000;
/// A field with more distinct spellings than this is not counted at all (ids, URLs, prose):
/// counting them would hold as many strings, and no one picks from that many.
pub(crate) const MAX_DISTINCT_VALUES: usize = 200_000;
/// The most values one completion offers.
pub const MAX_COMPLETIONS: usize = 50;

/// Value counts and number ranges of a catalog's fields.
#[derive(Debug, Clone, Default)]
pub struct Facets {
    fields: Vec<FieldFacets>,
}

#[derive(Debug, Clone)]
struct FieldFacets {
    key: String,
    summary: Summary,
}

#[derive(Debug, Clone)]
enum Summary {
    /// Most common first, then alphabetical (in lowercase).
    Values(Vec<(String, usize)>),
    Range(f64, f64),
}

/// One way to go on from a half-typed filter: replace `text[replace_from..]` with `insert`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    /// Byte offset in the text where the replaced (half-typed) token starts.
    pub replace_from: usize,
    /// The field name or value, quoted if it must be.
    pub insert: String,
    /// For a menu: "Kitchen & Dining (12)", "price (number 4.99–129.00)".
    pub label: String,
}

impl Facets {
    /// Counts every text and tags field's values (merged case-insensitively, each shown in its
    /// most common spelling; a product counts once per value) and every number field's range.
    /// `id`, `title` and `description` are not counted.
    pub fn of(products: &[Product], schema: &Schema) -> Facets {
        let fields = schema
            .all()
            .iter()
            .filter_map(|field| {
                let summary = match &field.source {
                    Source::Text(TextSource::Field(text)) if text.is_free_text() => None,
                    Source::Text(source) => tally(products, source).map(Summary::Values),
                    Source::Number(source) => {
                        range(products, source).map(|(low, high)| Summary::Range(low, high))
                    }
                }?;
                Some(FieldFacets {
                    key: field.key.clone(),
                    summary,
                })
            })
            .collect();
        Facets { fields }
    }

    fn summary(&self, field: &str) -> Option<&Summary> {
        self.fields
            .iter()
            .find(|facets| folds_to(field, &facets.key))
            .map(|facets| &facets.summary)
    }

    /// The values of the text or tags field `field` (any case) with their product counts, most
    /// common first, then alphabetical; empty for number fields and fields not counted.
    pub fn values(&self, field: &str) -> &[(String, usize)] {
        match self.summary(field) {
            Some(Summary::Values(values)) => values,
            _ => &[],
        }
    }

    /// The lowest and highest value of the number field `field` (any case).
    pub fn range(&self, field: &str) -> Option<(f64, f64)> {
        match self.summary(field) {
            Some(Summary::Range(low, high)) => Some((*low, *high)),
            _ => None,
        }
    }

    /// Ways to complete `text` at its end: field names (in schema order) where a field name
    /// goes, or the field's most common values (at most [`MAX_COMPLETIONS`]) where a value of a
    /// text or tags field goes; nothing elsewhere.
    pub fn complete(&self, schema: &Schema, text: &str) -> Vec<Completion> {
        match context(text) {
            Some(Context::Field { from, partial }) => {
                let prefix = fold(&partial);
                schema
                    .all()
                    .iter()
                    .filter(|field| field.key.starts_with(&prefix))
                    .map(|field| Completion {
                        replace_from: from,
                        insert: field_token(&field.name).into_owned(),
                        label: self.describe(field),
                    })
                    .collect()
            }
            Some(Context::Value {
                field,
                from,
                partial,
            }) => {
                let prefix = fold(partial.trim_start());
                self.values(&field)
                    .iter()
                    .filter(|(value, _)| fold(value).starts_with(&prefix))
                    .take(MAX_COMPLETIONS)
                    .map(|(value, count)| Completion {
                        replace_from: from,
                        insert: value_token(value).into_owned(),
                        label: format!("{value} ({count})"),
                    })
                    .collect()
            }
            None => Vec::new(),
        }
    }

    /// "brand (text)", "price (number 4.99–129.00)".
    fn describe(&self, field: &SchemaField) -> String {
        let kind = field.kind();
        match (kind, self.range(&field.key)) {
            (FieldType::Number, Some((low, high))) => {
                format!("{} ({kind} {low:.2}–{high:.2})", field.name)
            }
            _ => format!("{} ({kind})", field.name),
        }
    }
}

/// The lowest and highest value of a number field, if any product has one.
fn range(products: &[Product], source: &NumberSource) -> Option<(f64, f64)> {
    products
        .iter()
        .filter_map(|product| source.number(product))
        .fold(None, |range, value| {
            Some(range.map_or((value, value), |(low, high): (f64, f64)| {
                (low.min(value), high.max(value))
            }))
        })
}

/// A text or tags field's values, merged case-insensitively, with how many products have each;
/// `None` if it has more than [`MAX_DISTINCT_VALUES`] spellings.
fn tally(products: &[Product], source: &TextSource) -> Option<Vec<(String, usize)>> {
    // Products per spelling, each product counted once per value in any spelling.
    let mut spellings: HashMap<&str, usize> = HashMap::new();
    let mut seen: Vec<&str> = Vec::new();
    for product in products {
        seen.clear();
        for text in source.texts(product) {
            if !seen.is_empty() {
                let folded = fold(text);
                if seen.iter().any(|earlier| folds_to(earlier, &folded)) {
                    continue;
                }
            }
            seen.push(text);
            *spellings.entry(text).or_default() += 1;
            if spellings.len() > MAX_DISTINCT_VALUES {
                return None;
            }
        }
    }
    // Lowercase value to (products, most common spelling, its products).
    let mut merged: HashMap<String, (usize, &str, usize)> = HashMap::new();
    for (spelling, count) in spellings {
        let entry = merged.entry(fold(spelling)).or_insert((0, spelling, 0));
        entry.0 += count;
        if count > entry.2 || (count == entry.2 && spelling < entry.1) {
            entry.1 = spelling;
            entry.2 = count;
        }
    }
    let mut values: Vec<(String, &str, usize)> = merged
        .into_iter()
        .map(|(folded, (count, spelling, _))| (folded, spelling, count))
        .collect();
    values.sort_unstable_by(|a, b| b.2.cmp(&a.2).then_with(|| a.0.cmp(&b.0)));
    values.truncate(MAX_FACET_VALUES);
    Some(
        values
            .into_iter()
            .map(|(_, spelling, count)| (spelling.to_owned(), count))
            .collect(),
    )
}

/// What goes at the end of a half-typed filter, and the half-typed token there.
#[derive(Debug, PartialEq)]
enum Context {
    Field {
        from: usize,
        partial: String,
    },
    Value {
        field: String,
        from: usize,
        partial: String,
    },
}

/// Where a reading of the filter is: what it expects next.
enum State {
    Field,
    Operator(String),
    NotIn(String),
    Bracket(String),
    Value(String),
    ListValue(String),
    ListNext(String),
    After,
}

/// Reads a value of `field`: Ok(field) to go on, or Err with the context when the value is the
/// half-typed end of `text`; None when there is no value.
fn value_or_context(
    cursor: &mut Cursor,
    field: String,
    text: &str,
) -> Option<Result<String, Context>> {
    let word = cursor.value()?;
    Some(if half_typed(&word, text) {
        Err(Context::Value {
            field,
            from: word.span.start,
            partial: word.text,
        })
    } else {
        Ok(field)
    })
}

/// Reads `text` as far as it goes (any syntax error ends the reading with `None`) to find what
/// its end is.
fn context(text: &str) -> Option<Context> {
    let mut cursor = Cursor::new(text);
    let mut state = State::Field;
    loop {
        cursor.skip_ws();
        if cursor.at_end() {
            let from = text.len();
            let partial = String::new();
            return match state {
                State::Field => Some(Context::Field { from, partial }),
                State::Value(field) | State::ListValue(field) => Some(Context::Value {
                    field,
                    from,
                    partial,
                }),
                _ => None,
            };
        }
        state = match state {
            State::Field => {
                if cursor.eat('(') {
                    State::Field
                } else {
                    let word = cursor.field()?;
                    if half_typed(&word, text) {
                        return Some(Context::Field {
                            from: word.span.start,
                            partial: word.text,
                        });
                    }
                    match word.keyword() {
                        Some(Keyword::Not) => State::Field,
                        Some(_) => return None,
                        None => State::Operator(word.text),
                    }
                }
            }
            State::Operator(field) => {
                if cursor.operator().is_some() {
                    State::Value(field)
                } else {
                    match cursor.keyword()?.0 {
                        Keyword::In => State::Bracket(field),
                        Keyword::Not => State::NotIn(field),
                        Keyword::And | Keyword::Or => return None,
                    }
                }
            }
            State::NotIn(field) => match cursor.keyword()?.0 {
                Keyword::In => State::Bracket(field),
                _ => return None,
            },
            State::Bracket(field) => cursor.eat('[').then_some(State::ListValue(field))?,
            State::Value(field) => match value_or_context(&mut cursor, field, text)? {
                Ok(_) => State::After,
                Err(context) => return Some(context),
            },
            State::ListValue(field) => {
                if cursor.eat(']') {
                    State::After
                } else {
                    match value_or_context(&mut cursor, field, text)? {
                        Ok(field) => State::ListNext(field),
                        Err(context) => return Some(context),
                    }
                }
            }
            State::ListNext(field) => {
                if cursor.eat(',') {
                    State::ListValue(field)
                } else {
                    cursor.eat(']').then_some(State::After)?
                }
            }
            State::After => {
                if cursor.eat(')') {
                    State::After
                } else {
                    match cursor.keyword()?.0 {
                        Keyword::And | Keyword::Or => State::Field,
                        Keyword::Not | Keyword::In => return None,
                    }
                }
            }
        };
    }
}

/// Whether `word` is still being typed: it runs to the end of `text`, and is not a closed quote.
fn half_typed(word: &Word, text: &str) -> bool {
    word.span.end == text.len() && !(word.quoted && word.closed)
}
