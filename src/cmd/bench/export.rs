//! `lookalike bench --export DIR`: the catalog's vectors, the query vectors and our figures, for `benches/compare` to run other libraries on the same data.
//!
//! Files written: `vectors.npy` and `queries.npy` (NumPy format 1.0, little-endian float32,
//! shape (rows, 384), unit length, so inner product is cosine) and `lookalike.json` (the bench
//! report, whose `recall_at_10` rows hold our recall and queries/s on exactly `queries.npy`).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use crate::error::{Error, Result};

/// Writes rows of `dim` f32 values as a `.npy` file.
fn write_npy(path: &Path, dim: usize, flat: &[f32]) -> Result<()> {
    let rows = flat.len() / dim.max(1);
    let mut header =
        format!("{{'descr': '<f4', 'fortran_order': False, 'shape': ({rows}, {dim}), }}");
    // Magic (6) + version (2) + header length (2) + header, padded with spaces to 64 bytes, ending in a newline.
    while (10 + header.len() + 1) % 64 != 0 {
        header.push(' ');
    }
    header.push('\n');
    let write = || -> std::io::Result<()> {
        let mut out = BufWriter::with_capacity(1 << 20, File::create(path)?);
        out.write_all(b"\x93NUMPY\x01\x00")?;
        out.write_all(&(header.len() as u16).to_le_bytes())?;
        out.write_all(header.as_bytes())?;
        for value in flat {
            out.write_all(&value.to_le_bytes())?;
        }
        out.flush()
    };
    write().map_err(|e| Error::io(path, e))
}

/// Writes the three files into `dir`, creating it if needed.
pub fn write(
    dir: &Path,
    dim: usize,
    vectors: &[f32],
    queries: &[Vec<f32>],
    report: &serde_json::Value,
) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    write_npy(&dir.join("vectors.npy"), dim, vectors)?;
    write_npy(&dir.join("queries.npy"), dim, &queries.concat())?;
    let path = dir.join("lookalike.json");
    std::fs::write(&path, format!("{report:#}\n")).map_err(|e| Error::io(&path, e))
}
