//! Vectors in one contiguous buffer, owned or mapped from a cache file.

use crate::mapped::MappedBytes;

/// `len` vectors of `dim` f32 values each, stored row after row.
#[derive(Clone, Default)]
pub struct Vectors {
    dim: usize,
    rows: Rows,
}

/// Where the row-major values live.
#[derive(Clone)]
enum Rows {
    Owned(Vec<f32>),
    /// Native-order f32 values, 4-byte aligned, in a cache file's map.
    Mapped(MappedBytes),
}

impl Default for Rows {
    fn default() -> Self {
        Self::Owned(Vec::new())
    }
}

impl Vectors {
    /// Wraps a row-major buffer; `data.len()` must be a multiple of `dim`.
    pub fn from_flat(dim: usize, data: Vec<f32>) -> Self {
        assert!(
            dim > 0 && data.len().is_multiple_of(dim),
            "buffer is not a whole number of {dim}-d rows"
        );
        Self {
            dim,
            rows: Rows::Owned(data),
        }
    }

    /// Rows of native-order f32 values in a map, used in place where they are aligned (as
    /// lookalike's cache files lay them out), else copied; None unless they are whole rows.
    pub fn from_mapped(dim: usize, bytes: MappedBytes) -> Option<Self> {
        if dim == 0 || !bytes.len().is_multiple_of(dim * size_of::<f32>()) {
            return None;
        }
        let rows = match bytemuck::try_cast_slice::<u8, f32>(bytes.bytes()) {
            Ok(_) => Rows::Mapped(bytes),
            Err(_) => Rows::Owned(
                bytes
                    .bytes()
                    .as_chunks::<4>()
                    .0
                    .iter()
                    .map(|b| f32::from_ne_bytes(*b))
                    .collect(),
            ),
        };
        Some(Self { dim, rows })
    }

    pub fn from_rows(dim: usize, rows: &[Vec<f32>]) -> Self {
        let mut data = Vec::with_capacity(rows.len() * dim);
        for row in rows {
            assert_eq!(row.len(), dim, "vector of the wrong dimension");
            data.extend_from_slice(row);
        }
        Self::from_flat(dim, data)
    }

    pub fn dim(&self) -> usize {
        self.dim
    }

    pub fn len(&self) -> usize {
        self.as_flat().len() / self.dim.max(1)
    }

    pub fn is_empty(&self) -> bool {
        self.as_flat().is_empty()
    }

    pub fn row(&self, i: usize) -> &[f32] {
        &self.as_flat()[i * self.dim..(i + 1) * self.dim]
    }

    pub fn as_flat(&self) -> &[f32] {
        match &self.rows {
            Rows::Owned(data) => data,
            // Checked aligned and whole when made.
            Rows::Mapped(bytes) => bytemuck::cast_slice(bytes.bytes()),
        }
    }
}

impl PartialEq for Vectors {
    fn eq(&self, other: &Self) -> bool {
        self.dim == other.dim && self.as_flat() == other.as_flat()
    }
}

impl std::fmt::Debug for Vectors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let place = match self.rows {
            Rows::Owned(_) => "owned",
            Rows::Mapped(_) => "mapped",
        };
        write!(f, "Vectors({} x {}, {place})", self.len(), self.dim)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mapped_rows_read_as_the_values_written_aligned_or_not() {
        let values: Vec<f32> = (0..12).map(|i| i as f32 * 0.5 - 2.0).collect();
        let expected = Vectors::from_flat(3, values.clone());
        let dir = tempfile::tempdir().unwrap();
        // At offset 4 the rows are aligned and used in place; at offset 1 they are copied.
        for offset in [4, 1] {
            let path = dir.path().join(format!("at-{offset}"));
            let mut bytes = vec![0u8; offset];
            bytes.extend_from_slice(bytemuck::cast_slice(&values));
            std::fs::write(&path, &bytes).unwrap();
            let map = MappedBytes::map(&std::fs::File::open(&path).unwrap()).unwrap();
            let rows = map.slice(offset..bytes.len()).unwrap();
            let mapped = Vectors::from_mapped(3, rows).unwrap();
            assert_eq!(mapped, expected, "offset {offset}");
            assert_eq!(mapped.row(2), &values[6..9]);
            let place = if offset == 4 { "mapped" } else { "owned" };
            assert!(format!("{mapped:?}").contains(place), "{mapped:?}");
            let ragged = map.slice(offset..bytes.len() - 4).unwrap();
            assert!(Vectors::from_mapped(3, ragged).is_none());
        }
    }
}
