//! Products and catalogs: what a product is, and loading a catalog file of any supported format.

mod delimited;
mod fields;
mod json;
pub mod snapshot;
pub mod synthetic;
pub mod template;

use std::path::{Path, PathBuf};

use crate::config::FieldMapping;
use crate::error::{Error, Location, Result, RowError};

/// One product, its fields as text (numbers kept as written), and the line it came from.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Product {
    pub id: String,
    pub title: String,
    pub description: String,
    pub category: String,
    pub brand: String,
    pub price: Option<f64>,
    pub tags: Vec<String>,
    /// Other scalar fields of the row, in file order, for display.
    pub extra: Vec<(String, String)>,
    /// 1-based line in the catalog file where the product starts.
    pub line: usize,
}

impl Product {
    /// The title without a leading brand name ("Acme Steel Mug" of brand "Acme" is "Steel Mug").
    /// A brand shared by unrelated products otherwise pulls them together as look-alikes.
    pub fn title_without_brand(&self) -> &str {
        let brand = self.brand.trim();
        let Some(rest) = self.title.get(brand.len()..) else {
            return &self.title;
        };
        let whole_word = rest.starts_with(|c: char| !c.is_alphanumeric());
        let rest = rest
            .trim_start_matches(|c: char| c.is_whitespace() || matches!(c, '-' | ':' | ',' | '|'));
        if brand.is_empty()
            || !whole_word
            || rest.is_empty()
            || !self.title[..brand.len()].eq_ignore_ascii_case(brand)
        {
            &self.title
        } else {
            rest
        }
    }

    /// The value of the catalog's other field `name` (exactly as named), if the product has it.
    pub fn extra(&self, name: &str) -> Option<&str> {
        self.extra
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The text of a named field, as a template sees it.
    pub fn field_text(&self, name: &str) -> String {
        match name {
            "id" => self.id.clone(),
            "title" => self.title.clone(),
            "title_without_brand" => self.title_without_brand().to_string(),
            "description" => self.description.clone(),
            "category" => self.category.clone(),
            "brand" => self.brand.clone(),
            "price" => self.price.map(format_price).unwrap_or_default(),
            "tags" => self.tags.join(", "),
            _ => String::new(),
        }
    }
}

/// The names of the other fields any of `products` has, sorted, each once.
pub fn extra_names<'p>(products: &[&'p Product]) -> Vec<&'p str> {
    let mut names: Vec<&str> = products
        .iter()
        .flat_map(|p| p.extra.iter().map(|(name, _)| name.as_str()))
        .collect();
    names.sort_unstable();
    names.dedup();
    names
}

/// A price as shown to people: two decimals.
pub fn format_price(price: f64) -> String {
    format!("{price:.2}")
}

/// The catalog file formats lookalike reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A JSON array of product objects.
    Json,
    /// One JSON product object per line.
    Jsonl,
    /// Comma-separated values with a header row.
    Csv,
    /// Tab-separated values with a header row, no quoting.
    Tsv,
}

impl Format {
    /// The format a file name implies, if any.
    pub fn from_path(path: &Path) -> Option<Self> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "json" => Some(Self::Json),
            "jsonl" | "ndjson" => Some(Self::Jsonl),
            "csv" => Some(Self::Csv),
            "tsv" | "tab" => Some(Self::Tsv),
            _ => None,
        }
    }
}

/// How a catalog is read.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    pub format: Option<Format>,
    pub fields: FieldMapping,
    /// Load the good rows and report the bad ones instead of failing.
    pub skip_invalid: bool,
}

/// A catalog file's bytes, and the format they are read in.
#[derive(Debug, Clone)]
pub struct Source {
    pub format: Format,
    pub bytes: Vec<u8>,
}

impl Source {
    /// Reads a catalog file, after checking that it is a file and that its format is known.
    pub fn read(path: &Path, options: &LoadOptions) -> Result<Self> {
        let metadata = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
        if metadata.is_dir() {
            return Err(Error::Usage(format!(
                "{}: is a directory; expected a catalog file (.json, .jsonl, .csv or .tsv)",
                path.display()
            )));
        }
        let Some(format) = options.format.or_else(|| Format::from_path(path)) else {
            return Err(Error::Usage(format!(
                "{}: cannot tell the format from the file name; expected .json, .jsonl, .csv or .tsv, or pass --format",
                path.display()
            )));
        };
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        Ok(Self { format, bytes })
    }
}

/// A loaded catalog: its products in file order, and the rows that were skipped.
#[derive(Debug, Clone)]
pub struct Catalog {
    pub path: PathBuf,
    pub products: Vec<Product>,
    pub skipped: Vec<RowError>,
}

/// A catalog file as status lines name it: its file name, or the whole path when it has none.
pub fn shown_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

impl Catalog {
    pub fn len(&self) -> usize {
        self.products.len()
    }

    pub fn is_empty(&self) -> bool {
        self.products.is_empty()
    }

    /// The position of the product with this id.
    pub fn position(&self, id: &str) -> Option<usize> {
        self.products.iter().position(|p| p.id == id)
    }

    /// Reads and validates a catalog file.
    pub fn load(path: &Path, options: &LoadOptions) -> Result<Self> {
        let source = Source::read(path, options)?;
        Self::parse(path, source.format, &source.bytes, options)
    }

    /// Reads and validates a catalog's bytes in `format`; `path` is what errors and the catalog name.
    pub fn parse(path: &Path, format: Format, bytes: &[u8], options: &LoadOptions) -> Result<Self> {
        let text = decode_utf8(path, bytes)?;
        let mapper = fields::Mapper::new(&options.fields);
        let product = |row| mapper.product(row);
        let rows = match format {
            Format::Json => json::read_array(path, text, product)?,
            Format::Jsonl => json::read_lines(text, product),
            Format::Csv => delimited::read(text, b',', true, product),
            Format::Tsv => delimited::read(text, b'\t', false, product),
        };
        let (products, errors) = fields::without_duplicate_ids(rows);
        if !errors.is_empty() && !options.skip_invalid {
            return Err(Error::CatalogRows {
                path: path.to_path_buf(),
                rows: errors,
            });
        }
        if products.is_empty() {
            return Err(Error::EmptyCatalog {
                path: path.to_path_buf(),
            });
        }
        Ok(Self {
            path: path.to_path_buf(),
            products,
            skipped: errors,
        })
    }
}

/// The file's text without a byte-order mark, or an error at the first byte that is not UTF-8.
fn decode_utf8<'a>(path: &Path, bytes: &'a [u8]) -> Result<&'a str> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| {
        let good = &bytes[..e.valid_up_to()];
        let line = good.split(|b| *b == b'\n').count();
        let line_start = good.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
        let column = String::from_utf8_lossy(&good[line_start..]).chars().count() + 1;
        Error::CatalogSyntax {
            at: Location {
                path: path.to_path_buf(),
                line,
                column: Some(column),
            },
            message: format!(
                "not valid UTF-8 (byte 0x{:02X}); expected UTF-8 text: re-save the file as UTF-8 (it may be Latin-1 or Windows-1252)",
                bytes[e.valid_up_to()]
            ),
        }
    })
}

/// Byte offsets of line starts, to turn an offset into a line and column.
pub(crate) struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub(crate) fn new(text: &str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Self { starts }
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub(crate) fn locate(&self, text: &str, offset: usize) -> (usize, usize) {
        let line = self.starts.partition_point(|start| *start <= offset);
        let start = self.starts[line - 1];
        let column = text[start..offset.min(text.len())].chars().count() + 1;
        (line, column)
    }
}

/// One row as read from a file, before its fields are mapped.
#[derive(Debug)]
pub(crate) struct RawRow {
    pub line: usize,
    pub fields: serde_json::Map<String, serde_json::Value>,
}

/// Readers yield rows or row errors, in file order.
pub(crate) type RowResult = std::result::Result<RawRow, RowError>;

#[cfg(test)]
mod tests;
