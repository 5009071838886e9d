//! One lookalike at a time per catalog cache: an advisory lock on `lock` in the catalog's cache dir, held while its caches are read, rebuilt and written.
//!
//! A second process on the same catalog waits for the first rather than working alongside it:
//! the first one's vectors and index are then ready, so the second reuses them instead of
//! embedding the whole catalog again on the same cores. The lock is the kernel's (`flock`), so a
//! process that dies for any reason, SIGKILL included, releases it.

use std::fs::{File, TryLockError};
use std::path::Path;

use crate::atomic_file;

/// Held for as long as the caches of a catalog are in use; dropping it lets the next process in.
#[derive(Debug)]
pub struct CacheLock {
    _file: File,
}

/// Takes the lock of the cache dir `dir`, calling `waiting` once first if another process holds it,
/// then removes the temporary files a killed writer left there (no one else can be writing).
/// None when the lock cannot be had (a read-only cache dir, a filesystem without locks): the
/// caller goes on without it, and without a cache if it cannot write one either.
pub fn acquire(dir: &Path, waiting: &mut dyn FnMut()) -> Option<CacheLock> {
    std::fs::create_dir_all(dir).ok()?;
    let file = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(dir.join("lock"))
        .ok()?;
    match file.try_lock() {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => {
            waiting();
            file.lock().ok()?;
        }
        Err(TryLockError::Error(_)) => return None,
    }
    atomic_file::remove_temp_files(dir);
    Some(CacheLock { _file: file })
}
