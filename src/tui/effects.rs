//! The app's side effects outside the screen: copying an id to the clipboard (OSC 52) and writing a result list to a CSV file (temp file, then rename).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;

use super::app::ExportRow;
use crate::atomic_file::AtomicFile;
use crate::catalog::format_price;

/// Where a copied text goes.
pub trait Clipboard {
    fn copy(&mut self, text: &str) -> std::io::Result<()>;
}

/// The terminal's clipboard through the OSC 52 escape sequence; terminals that do not allow it ignore it.
pub struct Osc52<W: Write>(pub W);

impl<W: Write> Clipboard for Osc52<W> {
    fn copy(&mut self, text: &str) -> std::io::Result<()> {
        let encoded = base64::engine::general_purpose::STANDARD.encode(text);
        write!(self.0, "\x1b]52;c;{encoded}\x07")?;
        self.0.flush()
    }
}

/// Writes the rows to a new `lookalike-results-<time>.csv` in `dir`; returns its path.
pub fn export(dir: &Path, rows: &[ExportRow]) -> Result<PathBuf, String> {
    let stamp = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let path = (1..u32::MAX)
        .map(|n| {
            let suffix = if n == 1 {
                String::new()
            } else {
                format!("-{n}")
            };
            dir.join(format!("lookalike-results-{stamp}{suffix}.csv"))
        })
        .find(|p| !p.exists())
        .unwrap_or_else(|| dir.join("lookalike-results.csv"));
    let failed = |e: &dyn std::fmt::Display| format!("cannot save {}: {e}", path.display());
    let mut file = AtomicFile::create(&path).map_err(|e| failed(&e))?;
    write_csv(&mut file, rows).map_err(|e| failed(&e))?;
    file.commit().map_err(|e| failed(&e))?;
    Ok(path)
}

fn write_csv(file: &mut AtomicFile, rows: &[ExportRow]) -> csv::Result<()> {
    let mut out = csv::Writer::from_writer(file);
    out.write_record(["rank", "id", "title", "category", "brand", "price", "score"])?;
    for row in rows {
        out.write_record([
            row.rank.to_string(),
            row.id.clone(),
            row.title.clone(),
            row.category.clone(),
            row.brand.clone(),
            row.price.map(format_price).unwrap_or_default(),
            row.score.map(|s| format!("{s:.4}")).unwrap_or_default(),
        ])?;
    }
    out.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn osc52_carries_the_text_in_base64() {
        let mut out = Osc52(Vec::new());
        out.copy("KD-1001").unwrap();
        assert_eq!(out.0, b"\x1b]52;c;S0QtMTAwMQ==\x07");
    }

    #[test]
    fn export_writes_a_new_csv_each_time() {
        let dir = tempfile::tempdir().unwrap();
        let row = ExportRow {
            rank: 1,
            id: "T-1".into(),
            title: "Mug, steel".into(),
            category: "Kitchen".into(),
            brand: String::new(),
            price: Some(24.0),
            score: Some(0.5),
        };
        let first = export(dir.path(), std::slice::from_ref(&row)).unwrap();
        let second = export(dir.path(), &[row]).unwrap();
        assert_ne!(first, second);
        let text = std::fs::read_to_string(first).unwrap();
        assert_eq!(
            text,
            "rank,id,title,category,brand,price,score\n1,T-1,\"Mug, steel\",Kitchen,,24.00,0.5000\n"
        );
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
    }
}
