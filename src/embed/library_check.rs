//! A shared library checked before it is loaded: an ELF file whose loadable segments run past its end (a download or copy cut short) is mapped anyway, and the process dies of SIGBUS when the loader touches the missing pages. Other formats are left to the loader.

use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

const ELF_MAGIC: [u8; 4] = *b"\x7fELF";
/// `EI_CLASS` of a 64-bit file and `EI_DATA` of a little-endian one.
const ELF_64: u8 = 2;
const LITTLE_ENDIAN: u8 = 1;
const PT_LOAD: u32 = 1;
/// Size of the ELF64 file header and of one program header.
const HEADER_LEN: usize = 64;
const PROGRAM_HEADER_LEN: usize = 56;

/// Why the library at `path` cannot be loaded safely, if it cannot. A 64-bit little-endian ELF
/// file must hold every segment its program headers ask to be mapped; anything else passes.
pub fn cut_short(path: &Path) -> std::io::Result<Option<String>> {
    let mut file = std::fs::File::open(path)?;
    let len = file.metadata()?.len();
    let mut header = [0u8; HEADER_LEN];
    if file.read_exact(&mut header).is_err() {
        return Ok(Some(format!("it is {len} bytes, too short for a library")));
    }
    if header[..4] != ELF_MAGIC || header[4] != ELF_64 || header[5] != LITTLE_ENDIAN {
        return Ok(None);
    }
    let u64_at = |bytes: &[u8], at: usize| {
        u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap_or_default())
    };
    let program_headers = u64_at(&header, 0x20);
    let count = usize::from(u16::from_le_bytes([header[0x38], header[0x39]]));
    let mut table = vec![0u8; count * PROGRAM_HEADER_LEN];
    file.seek(SeekFrom::Start(program_headers))?;
    if file.read_exact(&mut table).is_err() {
        return Ok(Some(format!(
            "it is {len} bytes and ends inside its own headers"
        )));
    }
    let needed = table
        .chunks_exact(PROGRAM_HEADER_LEN)
        .filter(|entry| u32::from_le_bytes([entry[0], entry[1], entry[2], entry[3]]) == PT_LOAD)
        .map(|entry| u64_at(entry, 8).saturating_add(u64_at(entry, 32)))
        .max()
        .unwrap_or(0);
    Ok((needed > len).then(|| format!("it is {len} bytes, its contents need {needed}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A minimal ELF64 header with one loadable segment of `segment_end` bytes from the start.
    fn elf(segment_end: u64, file_len: usize) -> Vec<u8> {
        let mut bytes = vec![0u8; file_len.max(HEADER_LEN + PROGRAM_HEADER_LEN)];
        bytes[..4].copy_from_slice(&ELF_MAGIC);
        bytes[4] = ELF_64;
        bytes[5] = LITTLE_ENDIAN;
        bytes[0x20..0x28].copy_from_slice(&(HEADER_LEN as u64).to_le_bytes());
        bytes[0x38..0x3a].copy_from_slice(&1u16.to_le_bytes());
        let entry = HEADER_LEN;
        bytes[entry..entry + 4].copy_from_slice(&PT_LOAD.to_le_bytes());
        bytes[entry + 32..entry + 40].copy_from_slice(&segment_end.to_le_bytes());
        bytes.truncate(file_len);
        bytes
    }

    fn check(bytes: &[u8]) -> Option<String> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lib.so");
        std::fs::write(&path, bytes).unwrap();
        cut_short(&path).unwrap()
    }

    #[test]
    fn a_library_is_cut_short_when_its_segments_run_past_its_end() {
        assert_eq!(check(&elf(200, 200)), None);
        assert_eq!(
            check(&elf(5000, 200)).as_deref(),
            Some("it is 200 bytes, its contents need 5000")
        );
        assert!(
            check(&elf(200, 100))
                .unwrap()
                .contains("inside its own headers")
        );
        assert!(check(b"\x7fEL").unwrap().contains("too short"));
        assert_eq!(check(&[b'M'; 100]), None, "not ELF: left to the loader");
    }
}
