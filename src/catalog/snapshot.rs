//! A parsed catalog as compact bytes, so that an unchanged catalog file opens without parsing its text again.
//!
//! The bytes are only a faster form of what parsing the file gives: [`key`] covers the file's
//! bytes, its format and every load option, and a snapshot under any other key is never read.

use std::path::Path;

use xxhash_rust::xxh3::Xxh3;

use super::{Catalog, LoadOptions, Product, Source};
use crate::error::RowError;

/// Bumped whenever the layout below, or what parsing makes of a file, changes.
const VERSION: u64 = 1;

/// What a snapshot of this source under these options is filed under.
pub fn key(source: &Source, options: &LoadOptions) -> u128 {
    let mut hasher = Xxh3::new();
    hasher.update(&VERSION.to_le_bytes());
    hasher.update(env!("CARGO_PKG_VERSION").as_bytes());
    // Debug output names every field and option, so a new option cannot be left out of the key.
    hasher.update(format!("{:?} {options:?}\0", source.format).as_bytes());
    hasher.update(&source.bytes);
    hasher.digest128()
}

/// The catalog's products and skipped rows as bytes, for [`decode`].
pub fn encode(catalog: &Catalog) -> Vec<u8> {
    let mut out = Writer(Vec::with_capacity(256 * catalog.products.len()));
    out.number(catalog.products.len());
    for p in &catalog.products {
        for text in [&p.id, &p.title, &p.description, &p.category, &p.brand] {
            out.text(text);
        }
        out.0.push(u8::from(p.price.is_some()));
        out.0
            .extend_from_slice(&p.price.unwrap_or_default().to_le_bytes());
        out.number(p.tags.len());
        for tag in &p.tags {
            out.text(tag);
        }
        out.number(p.extra.len());
        for (name, value) in &p.extra {
            out.text(name);
            out.text(value);
        }
        out.number(p.line);
    }
    out.number(catalog.skipped.len());
    for row in &catalog.skipped {
        out.number(row.line);
        out.number(row.column.map_or(0, |c| c + 1));
        out.text(&row.message);
    }
    out.0
}

/// The catalog [`encode`] made these bytes of, or why they are not one.
pub fn decode(path: &Path, bytes: &[u8]) -> Result<Catalog, String> {
    let mut input = Reader(bytes);
    // Fields are read in the order written: a struct literal evaluates its fields in order.
    let products = input.list(|input| {
        Ok(Product {
            id: input.text()?,
            title: input.text()?,
            description: input.text()?,
            category: input.text()?,
            brand: input.text()?,
            price: {
                let has_price = input.take(1)?[0] == 1;
                let price = f64::from_le_bytes(input.array()?);
                has_price.then_some(price)
            },
            tags: input.list(Reader::text)?,
            extra: input.list(|input| Ok((input.text()?, input.text()?)))?,
            line: input.number()?,
        })
    })?;
    let skipped = input.list(|input| {
        Ok(RowError {
            line: input.number()?,
            column: input.number()?.checked_sub(1),
            message: input.text()?,
        })
    })?;
    if !input.0.is_empty() {
        return Err("it has bytes after its last product".into());
    }
    Ok(Catalog {
        path: path.to_path_buf(),
        products,
        skipped,
    })
}

struct Writer(Vec<u8>);

impl Writer {
    fn number(&mut self, n: usize) {
        self.0.extend_from_slice(&(n as u64).to_le_bytes());
    }

    fn text(&mut self, text: &str) {
        self.number(text.len());
        self.0.extend_from_slice(text.as_bytes());
    }
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        if n > self.0.len() {
            return Err("it ends in the middle of a product".into());
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], String> {
        let mut out = [0; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    fn number(&mut self) -> Result<usize, String> {
        usize::try_from(u64::from_le_bytes(self.array()?))
            .map_err(|_| "it holds a number too large for this machine".into())
    }

    /// A count of items or bytes that follow: each takes at least a byte, so a count larger than
    /// the bytes left is damage, and cannot ask for a huge allocation.
    fn count(&mut self) -> Result<usize, String> {
        Some(self.number()?)
            .filter(|&n| n <= self.0.len())
            .ok_or_else(|| "it holds a count larger than what follows".to_string())
    }

    /// A count, then that many items.
    fn list<T>(&mut self, item: impl Fn(&mut Self) -> Result<T, String>) -> Result<Vec<T>, String> {
        let n = self.count()?;
        let mut items = Vec::with_capacity(n);
        for _ in 0..n {
            items.push(item(self)?);
        }
        Ok(items)
    }

    fn text(&mut self) -> Result<String, String> {
        let len = self.count()?;
        let bytes = self.take(len)?;
        String::from_utf8(bytes.to_vec()).map_err(|_| "it holds text that is not UTF-8".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog() -> Catalog {
        Catalog {
            path: "products.jsonl".into(),
            products: vec![
                Product {
                    id: "A-1".into(),
                    title: "Steel mug".into(),
                    description: "Keeps coffee hot — 12 oz".into(),
                    category: "Kitchen".into(),
                    brand: "Acme".into(),
                    price: Some(12.5),
                    tags: vec!["mug".into(), "steel".into()],
                    extra: vec![("colour".into(), "red".into())],
                    line: 1,
                },
                Product {
                    id: "B".into(),
                    line: 3,
                    ..Product::default()
                },
            ],
            skipped: vec![
                RowError {
                    line: 2,
                    column: Some(0),
                    message: "expected a JSON object".into(),
                },
                RowError {
                    line: 4,
                    column: None,
                    message: "no id".into(),
                },
            ],
        }
    }

    #[test]
    fn a_decoded_snapshot_is_the_catalog_that_was_encoded() {
        let original = catalog();
        let decoded = decode(&original.path, &encode(&original)).unwrap();
        assert_eq!(decoded.products, original.products);
        assert_eq!(decoded.skipped, original.skipped);
    }

    #[test]
    fn damaged_bytes_are_an_error_not_a_panic() {
        let bytes = encode(&catalog());
        for cut in 0..bytes.len() {
            assert!(
                decode(Path::new("p"), &bytes[..cut]).is_err(),
                "cut at {cut}"
            );
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(decode(Path::new("p"), &longer).is_err());
        let mut huge = bytes;
        huge[..8].copy_from_slice(&u64::MAX.to_le_bytes());
        assert!(decode(Path::new("p"), &huge).is_err());
    }

    #[test]
    fn the_key_changes_with_the_file_and_with_the_options() {
        let source = |bytes: &[u8]| Source {
            format: super::super::Format::Jsonl,
            bytes: bytes.to_vec(),
        };
        let plain = LoadOptions::default();
        let skipping = LoadOptions {
            skip_invalid: true,
            ..LoadOptions::default()
        };
        let base = key(&source(b"{\"id\": 1}"), &plain);
        assert_eq!(base, key(&source(b"{\"id\": 1}"), &plain));
        assert_ne!(base, key(&source(b"{\"id\": 2}"), &plain));
        assert_ne!(base, key(&source(b"{\"id\": 1}"), &skipping));
    }
}
