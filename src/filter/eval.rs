//! The schema (which fields a catalog has, and their types), compiling an expression against it, and matching products with the compiled form.
//!
//! Text compares case-insensitively (Unicode lowercase, character by character) with the whole
//! value, both sides trimmed; a tags field matches when any tag does; numbers compare as
//! numbers. A product without the field (empty text, no price, no tags, an extra field absent,
//! empty or not a number) fails every comparison, so it matches only `!=` and `NOT`, which are
//! compiled as the negation of `=` and of their operand.

use std::collections::HashMap;
use std::fmt;

use super::lex::Span;
use super::parse::{CompareOp, Expr, Leaf};
use super::{FilterError, FilterErrorKind};
use crate::catalog::Product;

/// What a field holds, which decides how it compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FieldType {
    Text,
    Number,
    Tags,
}

impl fmt::Display for FieldType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FieldType::Text => "text",
            FieldType::Number => "number",
            FieldType::Tags => "tags",
        })
    }
}

/// The built-in text fields of a product.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TextField {
    Id,
    Title,
    Description,
    Category,
    Brand,
}

impl TextField {
    fn of(self, product: &Product) -> &str {
        match self {
            TextField::Id => &product.id,
            TextField::Title => &product.title,
            TextField::Description => &product.description,
            TextField::Category => &product.category,
            TextField::Brand => &product.brand,
        }
    }

    /// Identifiers and prose: nearly every value distinct, so not worth counting as facets.
    pub(crate) fn is_free_text(self) -> bool {
        matches!(
            self,
            TextField::Id | TextField::Title | TextField::Description
        )
    }
}

/// Where a text or tags field's values come from.
#[derive(Debug, Clone)]
pub(crate) enum TextSource {
    Field(TextField),
    Tags,
    /// An extra field, by its name in lowercase.
    Extra(String),
}

impl TextSource {
    /// The product's values of this field, trimmed, empty ones left out.
    pub(crate) fn texts<'p>(&self, product: &'p Product) -> impl Iterator<Item = &'p str> {
        let (single, tags): (Option<&'p str>, &'p [String]) = match self {
            TextSource::Field(field) => (present(field.of(product)), &[]),
            TextSource::Tags => (None, &product.tags),
            TextSource::Extra(key) => (extra(product, key), &[]),
        };
        single
            .into_iter()
            .chain(tags.iter().filter_map(|tag| present(tag)))
    }
}

/// Where a number field's value comes from.
#[derive(Debug, Clone)]
pub(crate) enum NumberSource {
    Price,
    /// An extra field, by its name in lowercase.
    Extra(String),
}

impl NumberSource {
    /// The product's value of this field, if it has a finite one.
    pub(crate) fn number(&self, product: &Product) -> Option<f64> {
        match self {
            NumberSource::Price => product.price.filter(|price| price.is_finite()),
            NumberSource::Extra(key) => extra(product, key).and_then(number),
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) enum Source {
    Text(TextSource),
    Number(NumberSource),
}

impl Source {
    fn kind(&self) -> FieldType {
        match self {
            Source::Text(TextSource::Tags) => FieldType::Tags,
            Source::Text(_) => FieldType::Text,
            Source::Number(_) => FieldType::Number,
        }
    }
}

/// `text` trimmed, if anything is left.
fn present(text: &str) -> Option<&str> {
    Some(text.trim()).filter(|text| !text.is_empty())
}

/// `text` as a finite number.
fn number(text: &str) -> Option<f64> {
    text.trim().parse().ok().filter(|n: &f64| n.is_finite())
}

/// The first non-empty value of the product's extra field named `key` (in lowercase) in any case.
fn extra<'p>(product: &'p Product, key: &str) -> Option<&'p str> {
    product
        .extra
        .iter()
        .filter(|(name, _)| folds_to(name, key))
        .find_map(|(_, value)| present(value))
}

/// `text` in lowercase, character by character (so the same as [`folds_to`] compares).
pub(crate) fn fold(text: &str) -> String {
    text.chars().flat_map(char::to_lowercase).collect()
}

/// Whether `text` in lowercase is `folded`.
pub(crate) fn folds_to(text: &str, folded: &str) -> bool {
    text.chars().flat_map(char::to_lowercase).eq(folded.chars())
}

/// One field of a schema.
#[derive(Debug, Clone)]
pub(crate) struct SchemaField {
    pub(crate) name: String,
    /// `name` in lowercase, for matching names as written in a filter.
    pub(crate) key: String,
    pub(crate) source: Source,
}

impl SchemaField {
    pub(crate) fn kind(&self) -> FieldType {
        self.source.kind()
    }
}

/// The fields a filter may name: the built-ins, then every extra field of the catalog in the
/// order first seen (an extra field named like a built-in, in any case, is the built-in).
#[derive(Debug, Clone)]
pub struct Schema {
    fields: Vec<SchemaField>,
}

/// How one extra field's non-empty values read.
struct ExtraStats {
    name: String,
    key: String,
    numbers: usize,
    texts: usize,
}

impl Schema {
    /// The schema of a catalog: an extra field is a number if all its non-empty values (and at
    /// least one) are finite numbers, else text.
    pub fn of(products: &[Product]) -> Schema {
        let text = |name: &'static str, field| (name, Source::Text(TextSource::Field(field)));
        let builtins = [
            text("id", TextField::Id),
            text("title", TextField::Title),
            text("description", TextField::Description),
            text("category", TextField::Category),
            text("brand", TextField::Brand),
            ("price", Source::Number(NumberSource::Price)),
            ("tags", Source::Text(TextSource::Tags)),
        ];
        let mut fields: Vec<SchemaField> = builtins
            .into_iter()
            .map(|(name, source)| SchemaField {
                name: name.to_owned(),
                key: name.to_owned(),
                source,
            })
            .collect();

        let mut extras: Vec<ExtraStats> = Vec::new();
        // Each spelling of a name, to its entry in `extras` (`None`: shadowed or empty).
        let mut spellings: HashMap<&str, Option<usize>> = HashMap::new();
        for product in products {
            for (name, value) in &product.extra {
                let slot = *spellings.entry(name).or_insert_with(|| {
                    let key = fold(name);
                    if name.trim().is_empty() || fields.iter().any(|field| field.key == key) {
                        return None;
                    }
                    Some(
                        extras
                            .iter()
                            .position(|stats| stats.key == key)
                            .unwrap_or_else(|| {
                                extras.push(ExtraStats {
                                    name: name.clone(),
                                    key,
                                    numbers: 0,
                                    texts: 0,
                                });
                                extras.len() - 1
                            }),
                    )
                });
                let (Some(stats), Some(value)) =
                    (slot.and_then(|s| extras.get_mut(s)), present(value))
                else {
                    continue;
                };
                if number(value).is_some() {
                    stats.numbers += 1;
                } else {
                    stats.texts += 1;
                }
            }
        }
        fields.extend(extras.into_iter().map(|stats| SchemaField {
            source: if stats.texts == 0 && stats.numbers > 0 {
                Source::Number(NumberSource::Extra(stats.key.clone()))
            } else {
                Source::Text(TextSource::Extra(stats.key.clone()))
            },
            name: stats.name,
            key: stats.key,
        }));
        Schema { fields }
    }

    /// Every field's name and type, built-ins first.
    pub fn fields(&self) -> impl Iterator<Item = (&str, FieldType)> {
        self.fields
            .iter()
            .map(|field| (field.name.as_str(), field.kind()))
    }

    pub(crate) fn all(&self) -> &[SchemaField] {
        &self.fields
    }

    /// The field named `name`, in any case.
    pub(crate) fn field(&self, name: &str) -> Option<&SchemaField> {
        self.fields.iter().find(|field| folds_to(name, &field.key))
    }
}

/// Which side of a bound an ordered comparison accepts.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Bound {
    Below,
    AtMost,
    Above,
    AtLeast,
}

impl Bound {
    fn of(op: CompareOp) -> Option<Bound> {
        match op {
            CompareOp::Lt => Some(Bound::Below),
            CompareOp::Le => Some(Bound::AtMost),
            CompareOp::Gt => Some(Bound::Above),
            CompareOp::Ge => Some(Bound::AtLeast),
            CompareOp::Eq | CompareOp::Ne => None,
        }
    }

    fn holds(self, value: f64, bound: f64) -> bool {
        match self {
            Bound::Below => value < bound,
            Bound::AtMost => value <= bound,
            Bound::Above => value > bound,
            Bound::AtLeast => value >= bound,
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) enum NumberTest {
    AnyOf(Vec<f64>),
    Ordered(Bound, f64),
}

impl NumberTest {
    fn holds(&self, value: f64) -> bool {
        match self {
            NumberTest::AnyOf(numbers) => numbers.contains(&value),
            NumberTest::Ordered(bound, number) => bound.holds(value, *number),
        }
    }
}

/// A compiled filter.
#[derive(Debug, Clone)]
pub(crate) enum Node {
    All(Vec<Node>),
    Any(Vec<Node>),
    Not(Box<Node>),
    /// Some value of the field is one of these (in lowercase, trimmed).
    Text {
        source: TextSource,
        values: Vec<String>,
    },
    Number {
        source: NumberSource,
        test: NumberTest,
    },
}

impl Node {
    pub(crate) fn matches(&self, product: &Product) -> bool {
        match self {
            Node::All(nodes) => nodes.iter().all(|node| node.matches(product)),
            Node::Any(nodes) => nodes.iter().any(|node| node.matches(product)),
            Node::Not(node) => !node.matches(product),
            Node::Text { source, values } => source
                .texts(product)
                .any(|text| values.iter().any(|value| folds_to(text, value))),
            Node::Number { source, test } => source
                .number(product)
                .is_some_and(|value| test.holds(value)),
        }
    }
}

/// Compiles `expr` (whose conditions were at `leaves` in `text`) against `schema`.
pub(crate) fn compile(
    expr: &Expr,
    leaves: &[Leaf],
    schema: &Schema,
    text: &str,
) -> Result<Node, FilterError> {
    Compiler {
        schema,
        text,
        leaves: leaves.iter(),
    }
    .node(expr)
}

struct Compiler<'a> {
    schema: &'a Schema,
    text: &'a str,
    leaves: std::slice::Iter<'a, Leaf>,
}

impl Compiler<'_> {
    fn node(&mut self, expr: &Expr) -> Result<Node, FilterError> {
        Ok(match expr {
            Expr::And(items) => Node::All(self.nodes(items)?),
            Expr::Or(items) => Node::Any(self.nodes(items)?),
            Expr::Not(inner) => Node::Not(Box::new(self.node(inner)?)),
            Expr::Compare { field, op, value } => {
                let leaf = self.leaves.next().cloned().unwrap_or_default();
                let field = self.field(field, &leaf)?;
                let value_span = leaf.values.first().copied().unwrap_or_default();
                match (Bound::of(*op), &field.source) {
                    (Some(_), Source::Text(_)) => {
                        return Err(self.error(
                            leaf.operator,
                            FilterErrorKind::NotOrdered {
                                field: field.name.clone(),
                                operator: op.to_string(),
                                found: field.kind(),
                            },
                        ));
                    }
                    (Some(bound), Source::Number(source)) => Node::Number {
                        source: source.clone(),
                        test: NumberTest::Ordered(bound, self.number(field, value, value_span)?),
                    },
                    (None, _) => {
                        let equals = self.equals(field, std::slice::from_ref(value), &leaf)?;
                        if *op == CompareOp::Ne {
                            Node::Not(Box::new(equals))
                        } else {
                            equals
                        }
                    }
                }
            }
            Expr::In { field, values } => {
                let leaf = self.leaves.next().cloned().unwrap_or_default();
                let field = self.field(field, &leaf)?;
                self.equals(field, values, &leaf)?
            }
        })
    }

    fn nodes(&mut self, items: &[Expr]) -> Result<Vec<Node>, FilterError> {
        items.iter().map(|item| self.node(item)).collect()
    }

    fn error(&self, span: Span, kind: FilterErrorKind) -> FilterError {
        FilterError::at(self.text, span, kind)
    }

    fn field(&self, name: &str, leaf: &Leaf) -> Result<&SchemaField, FilterError> {
        self.schema.field(name).ok_or_else(|| {
            self.error(
                leaf.field,
                FilterErrorKind::UnknownField {
                    field: name.to_owned(),
                    known: self
                        .schema
                        .all()
                        .iter()
                        .map(|field| field.name.clone())
                        .collect(),
                },
            )
        })
    }

    /// The field is one of `values`.
    fn equals(
        &self,
        field: &SchemaField,
        values: &[String],
        leaf: &Leaf,
    ) -> Result<Node, FilterError> {
        Ok(match &field.source {
            Source::Text(source) => Node::Text {
                source: source.clone(),
                values: values.iter().map(|value| fold(value.trim())).collect(),
            },
            Source::Number(source) => Node::Number {
                source: source.clone(),
                test: NumberTest::AnyOf(
                    values
                        .iter()
                        .enumerate()
                        .map(|(i, value)| {
                            let span = leaf.values.get(i).copied().unwrap_or_default();
                            self.number(field, value, span)
                        })
                        .collect::<Result<_, _>>()?,
                ),
            },
        })
    }

    /// `value` of the number field `field`, as a number.
    fn number(&self, field: &SchemaField, value: &str, span: Span) -> Result<f64, FilterError> {
        number(value).ok_or_else(|| {
            self.error(
                span,
                FilterErrorKind::TypeMismatch {
                    field: field.name.clone(),
                    expected: FieldType::Number,
                    value: value.to_owned(),
                },
            )
        })
    }
}
