//! Filtering products by their fields: the public API (a compiled [`Filter`], the [`Selection`] it makes, typed errors) of a small language modelled on Meilisearch's filter syntax.
//!
//! ```text
//! brand = Acme AND price < 20
//! category IN ["Kitchen & Dining", garden] OR NOT tags = sale
//! color NOT IN [red, blue] AND (weight >= 1.5 OR brand != "AND")
//! ```
//!
//! - Comparisons `=` `!=` `<` `<=` `>` `>=`, lists `field IN [a, b]` and `field NOT IN [a, b]`
//!   (the same as `NOT field IN [a, b]`); `AND`, `OR`, `NOT` and parentheses, `NOT` binding
//!   tightest and `OR` loosest. Keywords and field names are case-insensitive; whitespace is
//!   needed only between words (`price<20` is fine).
//! - A bare value is a run of characters other than whitespace and `,` `[` `]` `(` `)` (so
//!   `mens-watches`, `19.99`); a bare field name also stops at `=` `!` `<` `>` `"`. Either may be
//!   double-quoted instead (`"Kitchen & Dining"`, `""`), with escapes `\"` and `\\`. The bare
//!   words `AND` `OR` `NOT` `IN` are keywords; quoted, they are text (`brand = "AND"`).
//! - The fields are those of a [`Schema`]: `id`, `title`, `description`, `category`, `brand`
//!   (text), `price` (number), `tags` (tags), and the catalog's extra fields (number or text).
//!   Ordered comparisons need a number field, and a number field's values must be numbers.
//! - Text compares case-insensitively with the whole (trimmed) value; a tags field matches when
//!   any tag does; numbers compare as numbers. A product without the field matches only `!=`
//!   and `NOT ..` (`a != v` is `NOT a = v`).
//!
//! [`Facets`] counts the values of each field and completes a half-typed filter from them.

mod eval;
mod facets;
mod lex;
mod parse;
#[cfg(test)]
mod tests;

pub use eval::{FieldType, Schema};
pub use facets::{Completion, Facets, MAX_COMPLETIONS, MAX_FACET_VALUES};
pub use parse::{CompareOp, Expr, MAX_NESTING, parse_expr};

use crate::catalog::Product;
use lex::Span;

/// A filter, parsed and checked against a schema, ready to match products.
#[derive(Debug, Clone)]
pub struct Filter {
    text: String,
    root: eval::Node,
}

impl Filter {
    /// Parses `text` and compiles it against `schema`. Error columns count characters of `text`
    /// as given; an empty or all-whitespace `text` is a syntax error.
    pub fn parse(text: &str, schema: &Schema) -> Result<Filter, FilterError> {
        let (expr, leaves) = parse::parse_spanned(text)?;
        let root = eval::compile(&expr, &leaves, schema, text)?;
        Ok(Filter {
            text: text.trim().to_owned(),
            root,
        })
    }

    pub fn matches(&self, product: &Product) -> bool {
        self.root.matches(product)
    }

    /// Which of `products` match, by position.
    pub fn select(&self, products: &[Product]) -> Selection {
        let mut selection = Selection {
            words: vec![0; products.len().div_ceil(64)],
            len: products.len(),
            count: 0,
        };
        for (position, product) in products.iter().enumerate() {
            if self.matches(product) {
                selection.words[position / 64] |= 1 << (position % 64);
                selection.count += 1;
            }
        }
        selection
    }

    /// The filter's text as given, trimmed.
    pub fn text(&self) -> &str {
        &self.text
    }
}

/// Which positions of a product list a filter allows: one bit per position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selection {
    words: Vec<u64>,
    len: usize,
    count: usize,
}

impl Selection {
    /// Whether the product at `position` matched (`false` past the end).
    pub fn allows(&self, position: usize) -> bool {
        self.words
            .get(position / 64)
            .is_some_and(|word| word & (1 << (position % 64)) != 0)
    }

    /// How many positions matched.
    pub fn count(&self) -> usize {
        self.count
    }

    /// How many positions there are, matched or not.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether no position matched: `count() == 0`, which holds when `len() == 0` but also when
    /// there are positions and none matched (so `len() == 0` is not the same test).
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The positions that matched, ascending.
    pub fn positions(&self) -> impl Iterator<Item = usize> + '_ {
        self.words.iter().enumerate().flat_map(|(index, &word)| {
            let mut rest = word;
            std::iter::from_fn(move || {
                (rest != 0).then(|| {
                    let bit = rest.trailing_zeros() as usize;
                    rest &= rest - 1;
                    index * 64 + bit
                })
            })
        })
    }
}

/// A filter that does not parse, or names fields wrongly: what, and where.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("column {column}: {kind}")]
pub struct FilterError {
    /// 1-based, in characters of the filter text; one past its end for "end of input".
    pub column: usize,
    /// Characters of the offending text, at least 1.
    pub len: usize,
    pub kind: FilterErrorKind,
}

impl FilterError {
    /// An error about `span` of `text`.
    pub(crate) fn at(text: &str, span: Span, kind: FilterErrorKind) -> FilterError {
        let before = text.get(..span.start).unwrap_or(text);
        FilterError {
            column: before.chars().count() + 1,
            len: span.of(text).chars().count().max(1),
            kind,
        }
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FilterErrorKind {
    /// `expected` and `found` are phrases: "a value after `=`", "end of input".
    #[error("expected {expected}, found {found}")]
    Syntax { expected: String, found: String },
    #[error("unknown field `{field}`; the fields are {}", .known.join(", "))]
    UnknownField { field: String, known: Vec<String> },
    #[error("`{field}` is a {expected} field; `{value}` is not a {expected}")]
    TypeMismatch {
        field: String,
        expected: FieldType,
        value: String,
    },
    /// `found` is the type of `field`.
    #[error("`{operator}` needs a number field; `{field}` is a {found} field")]
    NotOrdered {
        field: String,
        operator: String,
        found: FieldType,
    },
}
