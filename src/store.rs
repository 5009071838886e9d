//! Checked cache files: a header (format, byte order, model, key, length, checksum) in front of the payload, written to a temporary file and renamed into place, read through a memory map.
//!
//! A cache is never trusted blindly: [`open`] returns the reason a file cannot be used (wrong
//! version, model or key, short, checksum mismatch), and the caller rebuilds and says so.

use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use xxhash_rust::xxh3::Xxh3;

use crate::atomic_file::AtomicFile;
use crate::error::{Error, Result};
use crate::mapped::MappedBytes;

const MAGIC: [u8; 8] = *b"LOOKALIK";
/// Bumped whenever any payload layout changes.
pub const FORMAT_VERSION: u32 = 1;
/// Written in native order: a reader on a machine of the other byte order sees a mismatch.
const BYTE_ORDER: u32 = 0x0102_0304;
const HEADER_LEN: usize = 8 + 4 + 4 + 4 + 64 + 16 + 8 + 8;

/// What a cache file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub enum Kind {
    Vectors = 1,
    Graph = 2,
    Catalog = 3,
}

/// Identifies a cache's content: the model's sha256 (hex) and a 128-bit key over its inputs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    pub kind: Kind,
    pub model_id: String,
    pub key: u128,
}

impl Stamp {
    fn model_bytes(&self) -> [u8; 64] {
        let mut out = [b'0'; 64];
        let bytes = self.model_id.as_bytes();
        let n = bytes.len().min(64);
        out[..n].copy_from_slice(&bytes[..n]);
        out
    }
}

/// The header of a payload of `len` bytes with checksum `checksum`.
fn header(stamp: &Stamp, len: u64, checksum: u64) -> Vec<u8> {
    let mut header = Vec::with_capacity(HEADER_LEN);
    header.extend_from_slice(&MAGIC);
    header.extend_from_slice(&FORMAT_VERSION.to_ne_bytes());
    header.extend_from_slice(&BYTE_ORDER.to_ne_bytes());
    header.extend_from_slice(&(stamp.kind as u32).to_ne_bytes());
    header.extend_from_slice(&stamp.model_bytes());
    header.extend_from_slice(&stamp.key.to_ne_bytes());
    header.extend_from_slice(&len.to_ne_bytes());
    header.extend_from_slice(&checksum.to_ne_bytes());
    header
}

/// A whole cache file's bytes for `payload`, as [`SealedWriter`] would write them, without
/// touching the disk (for tests and fuzzing of the readers).
pub fn sealed(stamp: &Stamp, payload: &[u8]) -> Vec<u8> {
    let mut bytes = header(
        stamp,
        payload.len() as u64,
        xxhash_rust::xxh3::xxh3_64(payload),
    );
    bytes.extend_from_slice(payload);
    bytes
}

/// Writes a payload piece by piece; [`SealedWriter::commit`] seals it and moves it into place.
/// Dropped before that, it leaves the target as it was.
pub struct SealedWriter {
    file: std::io::BufWriter<AtomicFile>,
    target: PathBuf,
    stamp: Stamp,
    hasher: Xxh3,
    len: u64,
}

impl SealedWriter {
    pub fn create(target: &Path, stamp: Stamp) -> Result<Self> {
        let file = AtomicFile::create(target).map_err(|e| Error::io(target, e))?;
        let mut writer = Self {
            file: std::io::BufWriter::with_capacity(1 << 20, file),
            target: target.to_path_buf(),
            stamp,
            hasher: Xxh3::new(),
            len: 0,
        };
        writer.raw(&[0u8; HEADER_LEN])?;
        Ok(writer)
    }

    /// Errors name the target, the file the user knows of (the temporary one is removed).
    fn raw(&mut self, bytes: &[u8]) -> Result<()> {
        self.file
            .write_all(bytes)
            .map_err(|e| Error::io(&self.target, e))
    }

    pub fn write(&mut self, bytes: &[u8]) -> Result<()> {
        self.hasher.update(bytes);
        self.len += bytes.len() as u64;
        self.raw(bytes)
    }

    pub fn write_u64(&mut self, value: u64) -> Result<()> {
        self.write(&value.to_ne_bytes())
    }

    /// Writes the header in front, then commits the file (synced, renamed over the target).
    pub fn commit(self) -> Result<()> {
        let header = header(&self.stamp, self.len, self.hasher.digest());
        let io = |e| Error::io(&self.target, e);
        let mut file = self.file.into_inner().map_err(|e| io(e.into_error()))?;
        file.seek(SeekFrom::Start(0)).map_err(io)?;
        file.write_all(&header).map_err(io)?;
        file.commit().map_err(io)
    }
}

/// Why a cache file was not used; its text completes "the cache is not used: ...".
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unusable {
    /// Whole, but made from other inputs: expected whenever they change.
    Stale,
    /// The file system refused to read it.
    Unreadable(String),
    /// Shorter than a header.
    NoHeader,
    /// Not a lookalike cache file at all.
    Foreign,
    /// Written by another version of the cache format.
    Format(u32),
    /// A lookalike cache of another kind (vectors where a graph was expected).
    OtherKind,
    /// Made with another embedding model.
    OtherModel,
    /// Its length disagrees with its header: a write cut short, or bytes added.
    Length { actual: u64, expected: u64 },
    /// Its payload ends before its contents do.
    Truncated,
    /// Its payload goes on after its contents end.
    Trailing,
    /// Its checksum does not match its bytes.
    Checksum,
    /// Its checksum matches, but what it holds fails a check of its own.
    Invalid(String),
}

impl Unusable {
    /// The file is whole, but was made from other inputs: expected whenever they change.
    pub fn is_stale(&self) -> bool {
        *self == Self::Stale
    }
}

impl std::fmt::Display for Unusable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Stale => f.write_str("its inputs changed"),
            Self::Unreadable(why) => write!(f, "cannot read it: {why}"),
            Self::NoHeader => f.write_str("it is shorter than its header"),
            Self::Foreign => f.write_str("it is not a lookalike cache file"),
            Self::Format(found) => {
                write!(f, "it has cache format {found}, expected {FORMAT_VERSION}")
            }
            Self::OtherKind => f.write_str("it holds another kind of data"),
            Self::OtherModel => f.write_str("it was made with another model"),
            Self::Length { actual, expected } => {
                write!(f, "it is {actual} bytes, its header says {expected}")
            }
            Self::Truncated => f.write_str("its payload is shorter than its contents need"),
            Self::Trailing => f.write_str("it has more data than its contents need"),
            Self::Checksum => f.write_str("its checksum does not match (the file is damaged)"),
            Self::Invalid(why) => f.write_str(why),
        }
    }
}

/// Reads a sealed payload piece by piece from a map of its file; [`SealedReader::finish`]
/// checks length and checksum.
pub struct SealedReader {
    payload: MappedBytes,
    at: usize,
    hasher: Xxh3,
    checksum: u64,
}

/// Opens a cache file if it exists and its header matches `stamp`; Ok(None) when there is none.
pub fn open(path: &Path, stamp: &Stamp) -> std::result::Result<Option<SealedReader>, Unusable> {
    let file = match std::fs::File::open(path) {
        Ok(file) => file,
        // Not there, or a cache dir that is not a directory: no cache (writing it says why).
        Err(e)
            if matches!(
                e.kind(),
                std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory
            ) =>
        {
            return Ok(None);
        }
        Err(e) => return Err(Unusable::Unreadable(e.to_string())),
    };
    // The header is checked before the file is mapped, as mapping reads in the whole file: a
    // stale or foreign cache would be read only to be thrown away.
    let mut header = [0u8; HEADER_LEN];
    (&file)
        .read_exact(&mut header)
        .map_err(|_| Unusable::NoHeader)?;
    let u32_at = |at: usize| u32::from_ne_bytes(header[at..at + 4].try_into().unwrap_or_default());
    let u64_at = |at: usize| u64::from_ne_bytes(header[at..at + 8].try_into().unwrap_or_default());
    if header[..8] != MAGIC {
        return Err(Unusable::Foreign);
    }
    if u32_at(8) != FORMAT_VERSION || u32_at(12) != BYTE_ORDER {
        return Err(Unusable::Format(u32_at(8)));
    }
    if u32_at(16) != stamp.kind as u32 {
        return Err(Unusable::OtherKind);
    }
    if header[20..84] != stamp.model_bytes() {
        return Err(Unusable::OtherModel);
    }
    if u128::from_ne_bytes(header[84..100].try_into().unwrap_or_default()) != stamp.key {
        return Err(Unusable::Stale);
    }
    let len = u64_at(100);
    let whole = MappedBytes::map(&file).map_err(|e| Unusable::Unreadable(e.to_string()))?;
    let payload = whole
        .slice(HEADER_LEN..whole.len())
        .filter(|payload| payload.len() as u64 == len)
        .ok_or_else(|| Unusable::Length {
            actual: whole.len() as u64,
            expected: len.saturating_add(HEADER_LEN as u64),
        })?;
    Ok(Some(SealedReader {
        payload,
        at: 0,
        hasher: Xxh3::new(),
        checksum: u64_at(108),
    }))
}

impl SealedReader {
    /// The next `len` payload bytes, as a range of the file's map.
    pub fn take(&mut self, len: usize) -> std::result::Result<MappedBytes, Unusable> {
        let bytes = self
            .at
            .checked_add(len)
            .and_then(|end| self.payload.slice(self.at..end))
            .ok_or(Unusable::Truncated)?;
        self.hasher.update(bytes.bytes());
        self.at += len;
        Ok(bytes)
    }

    /// Fills `into` with the next payload bytes.
    pub fn read(&mut self, into: &mut [u8]) -> std::result::Result<(), Unusable> {
        into.copy_from_slice(self.take(into.len())?.bytes());
        Ok(())
    }

    /// Payload bytes not read yet.
    pub fn remaining(&self) -> usize {
        self.payload.len() - self.at
    }

    pub fn read_u64(&mut self) -> std::result::Result<u64, Unusable> {
        let mut bytes = [0u8; 8];
        self.read(&mut bytes)?;
        Ok(u64::from_ne_bytes(bytes))
    }

    /// Checks that the whole payload was read and its checksum matches.
    pub fn finish(self) -> std::result::Result<(), Unusable> {
        if self.remaining() != 0 {
            return Err(Unusable::Trailing);
        }
        if self.hasher.digest() != self.checksum {
            return Err(Unusable::Checksum);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stamp(key: u128) -> Stamp {
        Stamp {
            kind: Kind::Vectors,
            model_id: "abc".into(),
            key,
        }
    }

    fn write(path: &Path, key: u128, payload: &[u8]) {
        let mut w = SealedWriter::create(path, stamp(key)).unwrap();
        w.write(payload).unwrap();
        w.commit().unwrap();
    }

    fn read_all(
        path: &Path,
        key: u128,
        len: usize,
    ) -> std::result::Result<Option<Vec<u8>>, Unusable> {
        let Some(mut r) = open(path, &stamp(key))? else {
            return Ok(None);
        };
        let mut buf = vec![0; len];
        r.read(&mut buf)?;
        r.finish()?;
        Ok(Some(buf))
    }

    #[test]
    fn round_trip_and_every_check() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.bin");
        assert_eq!(read_all(&path, 1, 5), Ok(None));
        write(&path, 1, b"hello");
        assert_eq!(read_all(&path, 1, 5), Ok(Some(b"hello".to_vec())));
        assert_eq!(read_all(&path, 2, 5), Err(Unusable::Stale));
        assert_eq!(read_all(&path, 1, 4), Err(Unusable::Trailing));
        let mut bytes = std::fs::read(&path).unwrap();
        *bytes.last_mut().unwrap() ^= 1;
        std::fs::write(&path, &bytes).unwrap();
        assert_eq!(read_all(&path, 1, 5), Err(Unusable::Checksum));
        std::fs::write(&path, &bytes[..bytes.len() - 1]).unwrap();
        assert!(matches!(
            read_all(&path, 1, 5),
            Err(Unusable::Length { .. })
        ));
        std::fs::write(&path, b"junk").unwrap();
        assert!(read_all(&path, 1, 5).is_err());
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 1, "no temporary files left: {names:?}");
    }

    #[test]
    fn sealed_bytes_are_what_the_writer_writes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.bin");
        write(&path, 3, b"some payload");
        assert_eq!(
            std::fs::read(&path).unwrap(),
            sealed(&stamp(3), b"some payload")
        );
    }
}
