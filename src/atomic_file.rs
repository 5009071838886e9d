//! Files and directories written whole or not at all: a temporary one beside the target, synced, renamed over it, and the rename synced.
//!
//! Every file lookalike writes (cache files, the bundled catalog, CSV exports) goes through
//! [`AtomicFile`], and the lexical index's directory through [`AtomicDir`], so that a crash, a
//! full disk or a SIGKILL leaves the old one or the new one, never a part. Temporaries are named
//! `.<target>.tmp-<random>`, which [`remove_temp_files`] recognises.

use std::io::{Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use tempfile::{NamedTempFile, TempDir};

/// In the name of every temporary file, between the target's name and the random part.
const TEMP_MARK: &str = ".tmp-";

/// A file being written in place of `target`; dropped before [`AtomicFile::commit`], it is
/// removed and the target is untouched.
pub struct AtomicFile {
    temp: NamedTempFile,
    target: PathBuf,
}

impl AtomicFile {
    /// Creates the temporary file in the target's directory (created if missing), so that the
    /// final rename stays on one file system.
    pub fn create(target: &Path) -> std::io::Result<Self> {
        let temp = tempfile::Builder::new()
            .prefix(&temp_prefix(target)?)
            .tempfile_in(parent(target))?;
        Ok(Self {
            temp,
            target: target.to_path_buf(),
        })
    }

    /// The file the contents go to.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Syncs the contents, renames the file over the target and syncs the directory, so that
    /// the rename itself survives a power cut.
    pub fn commit(mut self) -> std::io::Result<()> {
        self.temp.flush()?;
        self.temp.as_file().sync_all()?;
        self.temp.persist(&self.target).map_err(|e| e.error)?;
        sync_dir(parent(&self.target))
    }
}

impl Write for AtomicFile {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.temp.write(bytes)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.temp.flush()
    }
}

impl Seek for AtomicFile {
    fn seek(&mut self, to: SeekFrom) -> std::io::Result<u64> {
        self.temp.seek(to)
    }
}

/// A directory being filled in place of `target`; dropped before [`AtomicDir::commit`], it is
/// removed and the target is untouched. Whoever fills it syncs what it writes there.
pub struct AtomicDir {
    temp: TempDir,
    target: PathBuf,
}

impl AtomicDir {
    /// Creates the temporary directory beside the target (its parent created if missing).
    pub fn create(target: &Path) -> std::io::Result<Self> {
        let temp = tempfile::Builder::new()
            .prefix(&temp_prefix(target)?)
            .tempdir_in(parent(target))?;
        Ok(Self {
            temp,
            target: target.to_path_buf(),
        })
    }

    /// The directory to fill.
    pub fn path(&self) -> &Path {
        self.temp.path()
    }

    /// Renames the directory over the target (a directory already there is removed first) and
    /// syncs the parent, so that the rename survives a power cut.
    pub fn commit(self) -> std::io::Result<PathBuf> {
        sync_dir(self.temp.path())?;
        if self.target.exists() {
            std::fs::remove_dir_all(&self.target)?;
        }
        let filled = self.temp.keep();
        if let Err(e) = std::fs::rename(&filled, &self.target) {
            let _ = std::fs::remove_dir_all(&filled);
            return Err(e);
        }
        sync_dir(parent(&self.target))?;
        Ok(self.target)
    }
}

/// The prefix of temporaries for `target`, `.<target>.tmp-`, after creating the target's directory.
fn temp_prefix(target: &Path) -> std::io::Result<String> {
    std::fs::create_dir_all(parent(target))?;
    let name = target
        .file_name()
        .map_or_else(|| "file".into(), |n| n.to_string_lossy());
    Ok(format!(".{name}{TEMP_MARK}"))
}

/// Writes `bytes` as the whole of `target`.
pub fn write(target: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut file = AtomicFile::create(target)?;
    file.write_all(bytes)?;
    file.commit()
}

fn parent(target: &Path) -> &Path {
    match target.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

#[cfg(unix)]
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::File::open(dir)?.sync_all()
}

/// Elsewhere a directory cannot be opened as a file; the rename is as durable as the system makes it.
#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> std::io::Result<()> {
    Ok(())
}

/// Removes the temporary files and directories left in `dir` by writers that died before
/// committing (a SIGKILL, a power cut). Only safe while no other process can be writing there:
/// the caller holds the directory's lock. What cannot be removed is left; it is never read.
pub fn remove_temp_files(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') && name.contains(TEMP_MARK) {
            let path = entry.path();
            let _ = if path.is_dir() {
                std::fs::remove_dir_all(path)
            } else {
                std::fs::remove_file(path)
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn commit_replaces_the_target_and_leaves_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("data.bin");
        std::fs::write(&target, b"old").unwrap();
        write(&target, b"new contents").unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"new contents");
        assert_eq!(names(dir.path()), ["data.bin"]);
    }

    #[test]
    fn a_file_dropped_before_commit_leaves_the_target_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("data.bin");
        std::fs::write(&target, b"old").unwrap();
        let mut file = AtomicFile::create(&target).unwrap();
        file.write_all(b"half").unwrap();
        drop(file);
        assert_eq!(std::fs::read(&target).unwrap(), b"old");
        assert_eq!(names(dir.path()), ["data.bin"]);
    }

    #[test]
    fn leftovers_of_dead_writers_are_recognised_and_removed() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("data.bin");
        let file = AtomicFile::create(&target).unwrap();
        // What a SIGKILL leaves: the temporary file, never renamed nor removed.
        file.temp.into_temp_path().keep().unwrap();
        let filling = AtomicDir::create(&dir.path().join("index")).unwrap();
        std::fs::write(filling.path().join("part"), b"x").unwrap();
        let _ = filling.temp.keep();
        std::fs::write(dir.path().join("kept.bin"), b"x").unwrap();
        assert_eq!(names(dir.path()).len(), 3);
        remove_temp_files(dir.path());
        assert_eq!(names(dir.path()), ["kept.bin"]);
    }

    #[test]
    fn a_committed_directory_replaces_the_one_before_it() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("index");
        std::fs::create_dir(&target).unwrap();
        std::fs::write(target.join("old"), b"x").unwrap();
        let filling = AtomicDir::create(&target).unwrap();
        std::fs::write(filling.path().join("new"), b"y").unwrap();
        filling.commit().unwrap();
        assert_eq!(names(dir.path()), ["index"]);
        assert_eq!(names(&target), ["new"]);
        let dropped = AtomicDir::create(&target).unwrap();
        drop(dropped);
        assert_eq!(names(dir.path()), ["index"]);
    }
}
