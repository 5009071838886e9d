//! Field mapping: finds id, title and the other fields in a raw row (by configured path or common names) and checks them.

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::{Product, RowResult};
use crate::config::FieldMapping;
use crate::error::RowError;

/// Names tried, in order, when the configuration does not map a field.
const ID_NAMES: &[&str] = &["id", "sku", "product_id"];
const TITLE_NAMES: &[&str] = &["title", "name", "product_name"];
const DESCRIPTION_NAMES: &[&str] = &["description", "desc", "body", "product_description"];
const CATEGORY_NAMES: &[&str] = &["category", "category_name", "product_class"];
const BRAND_NAMES: &[&str] = &["brand", "manufacturer"];
const PRICE_NAMES: &[&str] = &["price"];
const TAGS_NAMES: &[&str] = &["tags", "keywords"];

/// Where to look for one field: the configured path, or the common names.
struct Lookup<'a> {
    configured: Option<&'a str>,
    defaults: &'static [&'static str],
}

impl<'a> Lookup<'a> {
    fn new(configured: Option<&'a String>, defaults: &'static [&'static str]) -> Self {
        Self {
            configured: configured.map(String::as_str),
            defaults,
        }
    }

    /// The field's name and value, if the row has it.
    fn find<'x, 'v: 'x>(&self, fields: &'v Map<String, Value>) -> Option<(&'x str, &'v Value)>
    where
        'a: 'x,
    {
        match self.configured {
            Some(path) => get_path(fields, path).map(|v| (path, v)),
            None => self.defaults.iter().find_map(|name| {
                fields
                    .iter()
                    .find(|(key, _)| key.eq_ignore_ascii_case(name))
                    .map(|(key, value)| (key.as_str(), value))
            }),
        }
    }

    fn names(&self) -> String {
        match self.configured {
            Some(path) => format!("`{path}` (from config)"),
            None => self
                .defaults
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", "),
        }
    }
}

/// A key, or a dotted path into nested objects (`meta.sku`); a literal key with a dot wins.
fn get_path<'v>(fields: &'v Map<String, Value>, path: &str) -> Option<&'v Value> {
    if let Some(value) = fields.get(path) {
        return Some(value);
    }
    let mut parts = path.split('.');
    let mut value = fields.get(parts.next()?)?;
    for part in parts {
        value = value.as_object()?.get(part)?;
    }
    Some(value)
}

/// Text of a scalar or an array of scalars (joined with ", "); None for objects.
fn as_text(value: &Value) -> Option<String> {
    match value {
        Value::Null => Some(String::new()),
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Array(items) => items
            .iter()
            .map(as_text)
            .collect::<Option<Vec<_>>>()
            .map(|parts| {
                parts
                    .into_iter()
                    .filter(|p| !p.is_empty())
                    .collect::<Vec<_>>()
                    .join(", ")
            }),
        Value::Object(_) => None,
    }
}

/// The text without surrounding whitespace, reusing its buffer when there is none.
fn trimmed(text: String) -> String {
    if text.trim().len() == text.len() {
        text
    } else {
        text.trim().to_string()
    }
}

fn parse_price(value: &Value) -> Result<Option<f64>, String> {
    let price = match value {
        Value::Null => return Ok(None),
        Value::Number(n) => n.as_f64(),
        Value::String(s) if s.trim().is_empty() => return Ok(None),
        Value::String(s) => s
            .trim()
            .trim_start_matches(['$', '€', '£', '¥'])
            .trim_end_matches(['$', '€', '£', '¥'])
            .trim()
            .replace(',', "")
            .parse::<f64>()
            .ok(),
        _ => None,
    };
    match price {
        Some(p) if p.is_finite() && p >= 0.0 => Ok(Some(p)),
        _ => Err(format!(
            "price: expected a non-negative number, found {value}"
        )),
    }
}

fn parse_tags(value: &Value) -> Option<Vec<String>> {
    let clean = |parts: Vec<String>| {
        parts
            .into_iter()
            .map(trimmed)
            .filter(|t| !t.is_empty())
            .collect()
    };
    match value {
        Value::Array(items) => items
            .iter()
            .map(as_text)
            .collect::<Option<Vec<_>>>()
            .map(clean),
        Value::String(s) => Some(clean(
            s.split([',', '|', ';']).map(str::to_string).collect(),
        )),
        other => as_text(other).map(|t| clean(vec![t])),
    }
}

/// Maps one raw row to a product, or says what is wrong with it.
fn to_product<'v>(
    line: usize,
    fields: &'v Map<String, Value>,
    lookups: &Lookups<'v>,
) -> Result<Product, String> {
    let text = |lookup: &Lookup<'v>, what: &str| -> Result<(Option<&'v str>, String), String> {
        match lookup.find(fields) {
            None => Ok((None, String::new())),
            Some((name, value)) => as_text(value)
                .map(|t| (Some(name), trimmed(t)))
                .ok_or_else(|| format!("{what} field `{name}` is an object; expected text")),
        }
    };
    let (id_key, id) = text(&lookups.id, "id")?;
    let (title_key, title) = text(&lookups.title, "title")?;
    if title.is_empty() {
        return Err(format!(
            "missing title; expected a non-empty field {}",
            lookups.title.names()
        ));
    }
    let (description_key, description) = text(&lookups.description, "description")?;
    let (category_key, category) = text(&lookups.category, "category")?;
    let (brand_key, brand) = text(&lookups.brand, "brand")?;
    let (price_key, price) = match lookups.price.find(fields) {
        Some((name, value)) => (Some(name), parse_price(value)?),
        None => (None, None),
    };
    let (tags_key, tags) = match lookups.tags.find(fields) {
        Some((name, value)) => {
            let tags = parse_tags(value).ok_or_else(|| {
                format!("tags field `{name}` is an object; expected text or a list")
            })?;
            (Some(name), tags)
        }
        None => (None, Vec::new()),
    };
    let used = [
        id_key,
        title_key,
        description_key,
        category_key,
        brand_key,
        price_key,
        tags_key,
    ];
    let extra = fields
        .iter()
        .filter(|(key, _)| {
            !used.iter().flatten().any(|u| {
                u.strip_prefix(key.as_str())
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
            })
        })
        .filter_map(|(key, value)| {
            as_text(value)
                .filter(|t| !t.is_empty())
                .map(|t| (key.clone(), t))
        })
        .collect();
    Ok(Product {
        id: if id.is_empty() { line.to_string() } else { id },
        title,
        description,
        category,
        brand,
        price,
        tags,
        extra,
        line,
    })
}

struct Lookups<'a> {
    id: Lookup<'a>,
    title: Lookup<'a>,
    description: Lookup<'a>,
    category: Lookup<'a>,
    brand: Lookup<'a>,
    price: Lookup<'a>,
    tags: Lookup<'a>,
}

/// Turns raw rows into products by one field mapping. Readers call it on each row as they parse
/// it, so a row's JSON map is dropped as soon as its product exists.
pub(crate) struct Mapper<'m> {
    lookups: Lookups<'m>,
}

impl<'m> Mapper<'m> {
    pub(crate) fn new(mapping: &'m FieldMapping) -> Self {
        Self {
            lookups: Lookups {
                id: Lookup::new(mapping.id.as_ref(), ID_NAMES),
                title: Lookup::new(mapping.title.as_ref(), TITLE_NAMES),
                description: Lookup::new(mapping.description.as_ref(), DESCRIPTION_NAMES),
                category: Lookup::new(mapping.category.as_ref(), CATEGORY_NAMES),
                brand: Lookup::new(mapping.brand.as_ref(), BRAND_NAMES),
                price: Lookup::new(mapping.price.as_ref(), PRICE_NAMES),
                tags: Lookup::new(mapping.tags.as_ref(), TAGS_NAMES),
            },
        }
    }

    /// The row's product, or why there is none (the reader's error, or a field's).
    pub(crate) fn product(&self, row: RowResult) -> Result<Product, RowError> {
        let row = row?;
        to_product(row.line, &row.fields, &self.lookups).map_err(|message| RowError {
            line: row.line,
            column: None,
            message,
        })
    }
}

/// Products in file order and the row errors; a repeated id is a row error naming both lines.
pub(crate) fn without_duplicate_ids(
    mapped: Vec<Result<Product, RowError>>,
) -> (Vec<Product>, Vec<RowError>) {
    let mut products = Vec::with_capacity(mapped.len());
    let mut errors = Vec::new();
    let mut first_line_of_id: HashMap<String, usize> = HashMap::with_capacity(mapped.len());
    for product in mapped {
        match product {
            Ok(product) => {
                if let Some(first) = first_line_of_id.get(&product.id) {
                    errors.push(RowError {
                        line: product.line,
                        column: None,
                        message: format!(
                            "duplicate id {:?}: already used on line {first}",
                            product.id
                        ),
                    });
                } else {
                    first_line_of_id.insert(product.id.clone(), product.line);
                    products.push(product);
                }
            }
            Err(e) => errors.push(e),
        }
    }
    (products, errors)
}
