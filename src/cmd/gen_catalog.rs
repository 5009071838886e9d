//! `lookalike gen-catalog`: write a deterministic synthetic catalog of N products (JSON or JSON Lines) for scale tests.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use serde::Serialize;

use crate::catalog::{Format, Product, synthetic};
use crate::cli::GenCatalogArgs;
use crate::error::{Error, Result};

/// A product as the catalog readers expect it.
#[derive(Serialize)]
struct Row<'a> {
    id: &'a str,
    title: &'a str,
    description: &'a str,
    category: &'a str,
    brand: &'a str,
    price: Option<f64>,
    tags: &'a [String],
}

impl<'a> From<&'a Product> for Row<'a> {
    fn from(p: &'a Product) -> Self {
        Self {
            id: &p.id,
            title: &p.title,
            description: &p.description,
            category: &p.category,
            brand: &p.brand,
            price: p.price,
            tags: &p.tags,
        }
    }
}

fn write_rows(out: &mut impl Write, args: &GenCatalogArgs, lines: bool) -> std::io::Result<()> {
    let (open, separator, close) = if lines {
        ("", "\n", "\n")
    } else {
        ("[\n", ",\n", "\n]\n")
    };
    out.write_all(open.as_bytes())?;
    for index in 0..args.n {
        if index > 0 {
            out.write_all(separator.as_bytes())?;
        }
        let product = synthetic::product(args.seed, index);
        serde_json::to_writer(&mut *out, &Row::from(&product))?;
    }
    out.write_all(close.as_bytes())
}

pub fn run(args: &GenCatalogArgs, quiet: bool, out: &mut dyn Write) -> Result<()> {
    let lines = match Format::from_path(&args.out) {
        Some(Format::Jsonl) => true,
        Some(Format::Json) => false,
        _ => {
            return Err(Error::Usage(format!(
                "{}: gen-catalog writes .json or .jsonl files",
                args.out.display()
            )));
        }
    };
    let dir = args
        .out
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = args
        .out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let written = File::create(&temp).and_then(|file| {
        let mut writer = BufWriter::with_capacity(1 << 20, file);
        write_rows(&mut writer, args, lines)?;
        writer
            .into_inner()
            .map_err(std::io::IntoInnerError::into_error)?
            .sync_all()
    });
    if let Err(e) = written.and_then(|()| std::fs::rename(&temp, &args.out)) {
        let _ = std::fs::remove_file(&temp);
        return Err(Error::io(&args.out, e));
    }
    if !quiet {
        eprintln!("gen-catalog: {} products (seed {})", args.n, args.seed);
    }
    super::write_out(writeln!(out, "{}", args.out.display()))
}
