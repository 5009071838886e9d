//! The app's side effects outside the screen: copying an id to the clipboard (OSC 52) and writing a list to a CSV file (temp file, then rename).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;

use super::app::Table;
use crate::atomic_file::AtomicFile;

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

/// Writes the table to a new `lookalike-<name>-<time>.csv` in `dir`; returns its path.
pub fn export(dir: &Path, table: &Table) -> Result<PathBuf, String> {
    let stamp = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let name = table.name;
    let path = (1..u32::MAX)
        .map(|n| {
            let suffix = if n == 1 {
                String::new()
            } else {
                format!("-{n}")
            };
            dir.join(format!("lookalike-{name}-{stamp}{suffix}.csv"))
        })
        .find(|p| !p.exists())
        .unwrap_or_else(|| dir.join(format!("lookalike-{name}.csv")));
    let failed = |e: &dyn std::fmt::Display| format!("cannot save {}: {e}", path.display());
    let mut file = AtomicFile::create(&path).map_err(|e| failed(&e))?;
    write_csv(&mut file, table).map_err(|e| failed(&e))?;
    file.commit().map_err(|e| failed(&e))?;
    Ok(path)
}

fn write_csv(file: &mut AtomicFile, table: &Table) -> csv::Result<()> {
    let mut out = csv::Writer::from_writer(file);
    out.write_record(table.header)?;
    for row in &table.rows {
        out.write_record(row)?;
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
        let table = Table {
            name: "results",
            noun: "results",
            header: &["rank", "id", "title", "score"],
            rows: vec![vec![
                "1".into(),
                "T-1".into(),
                "Mug, steel".into(),
                "0.5000".into(),
            ]],
        };
        let first = export(dir.path(), &table).unwrap();
        let second = export(dir.path(), &table).unwrap();
        assert_ne!(first, second);
        let text = std::fs::read_to_string(first).unwrap();
        assert_eq!(text, "rank,id,title,score\n1,T-1,\"Mug, steel\",0.5000\n");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
    }
}
