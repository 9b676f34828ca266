//! Lock files: one build at a time writes an output folder (and one uses a build cache).
//!
//! The lock is an advisory lock of the operating system (`flock` on Unix, `LockFileEx` on
//! Windows) on a small file that also holds the holder's process id, for the message a second
//! build prints. The system releases the lock when its process dies, even by `SIGKILL`, so a
//! lock file left behind by a killed build is stale by construction: the next build locks it
//! and takes it over. Where the file system cannot lock files, the process id decides: a lock
//! whose holder is no longer running is stale and taken over.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, Write};
use std::path::{Path, PathBuf};

/// Why a lock could not be taken.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// Another running process holds it.
    #[error("held by {}", holder_text(*.holder))]
    Held {
        /// The holder's process id, when its lock file says.
        holder: Option<u32>,
    },
    /// The lock file cannot be made or read.
    #[error("cannot use the lock file `{path}`: {source}")]
    Io {
        /// The lock file.
        path: PathBuf,
        /// What the system said.
        source: io::Error,
    },
}

fn holder_text(holder: Option<u32>) -> String {
    match holder {
        Some(pid) => format!("another lode process (pid {pid})"),
        None => "another lode process".to_string(),
    }
}

/// A held lock; dropping it releases the lock and removes the file.
#[derive(Debug)]
pub struct LockFile {
    path: PathBuf,
    file: File,
    /// The process id written in the lock file when this process took it over from a holder
    /// that is no longer running (a build that was killed), if there was one.
    pub taken_over_from: Option<u32>,
}

/// How many times to retry when the lock file was removed between opening and locking it (its
/// holder released it just then): a retry finds a fresh file.
const ATTEMPTS: usize = 5;

/// Takes the lock `path` (creating the file), or says who holds it. Never waits.
pub fn acquire(path: &Path) -> Result<LockFile, LockError> {
    let io_error = |source| LockError::Io {
        path: path.to_path_buf(),
        source,
    };
    for _ in 0..ATTEMPTS {
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)
            .map_err(io_error)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(LockError::Held {
                    holder: read_pid(&mut file),
                });
            }
            Err(std::fs::TryLockError::Error(error))
                if error.kind() == io::ErrorKind::Unsupported =>
            {
                return acquire_by_process_id(path);
            }
            Err(std::fs::TryLockError::Error(error)) => return Err(io_error(error)),
        }
        // The holder removes the file just before releasing the lock: a file locked after its
        // removal is not the lock any more, and the next attempt opens the new one.
        if !is_the_file_at(&file, path) {
            continue;
        }
        let previous = read_pid(&mut file).filter(|pid| *pid != std::process::id());
        write_pid(&mut file).map_err(io_error)?;
        return Ok(LockFile {
            path: path.to_path_buf(),
            file,
            taken_over_from: previous,
        });
    }
    Err(LockError::Held { holder: None })
}

/// The lock for file systems that cannot lock files: the file is created exclusively, and one
/// whose process is no longer running is stale, removed and created again.
fn acquire_by_process_id(path: &Path) -> Result<LockFile, LockError> {
    let io_error = |source| LockError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut taken_over_from = None;
    for _ in 0..ATTEMPTS {
        match OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(path)
        {
            Ok(mut file) => {
                write_pid(&mut file).map_err(io_error)?;
                return Ok(LockFile {
                    path: path.to_path_buf(),
                    file,
                    taken_over_from,
                });
            }
            Err(error) if error.kind() == io::ErrorKind::AlreadyExists => {
                let holder = File::open(path)
                    .ok()
                    .and_then(|mut existing| read_pid(&mut existing));
                match holder {
                    Some(pid) if !process_is_running(pid) => {
                        taken_over_from = Some(pid);
                        match std::fs::remove_file(path) {
                            Ok(()) => continue,
                            Err(error) if error.kind() == io::ErrorKind::NotFound => continue,
                            Err(error) => return Err(io_error(error)),
                        }
                    }
                    holder => return Err(LockError::Held { holder }),
                }
            }
            Err(error) => return Err(io_error(error)),
        }
    }
    Err(LockError::Held { holder: None })
}

impl Drop for LockFile {
    fn drop(&mut self) {
        // Remove the file first, then release the lock (when `file` is dropped): a build
        // waiting to lock this file then finds it gone and opens a new one. Best effort: a
        // file left behind is a stale lock, which the next build takes over.
        if is_the_file_at(&self.file, &self.path) {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// The process id the lock file holds, if it holds one.
fn read_pid(file: &mut File) -> Option<u32> {
    let mut text = String::new();
    file.rewind().ok()?;
    file.take(64).read_to_string(&mut text).ok()?;
    text.trim().parse().ok()
}

fn write_pid(file: &mut File) -> io::Result<()> {
    file.set_len(0)?;
    file.rewind()?;
    writeln!(file, "{}", std::process::id())?;
    file.flush()
}

/// Whether `file` (open) is the file now at `path`, not one removed from there since.
#[cfg(unix)]
fn is_the_file_at(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::symlink_metadata(path)) {
        (Ok(open), Ok(there)) => open.dev() == there.dev() && open.ino() == there.ino(),
        _ => false,
    }
}

/// Whether `file` (open) is the file now at `path`. Without inode numbers to compare, only
/// whether a file is there at all.
#[cfg(not(unix))]
fn is_the_file_at(_file: &File, path: &Path) -> bool {
    path.is_file()
}

/// Whether a process with id `pid` is running (a process of another user counts).
#[cfg(unix)]
fn process_is_running(pid: u32) -> bool {
    let Ok(raw) = i32::try_from(pid) else {
        return false;
    };
    let Some(pid) = rustix::process::Pid::from_raw(raw) else {
        return false;
    };
    match rustix::process::test_kill_process(pid) {
        Ok(()) => true,
        Err(error) => error == rustix::io::Errno::PERM,
    }
}

/// Without a way to ask, every holder is taken to be running: a lock is never stolen.
#[cfg(not(unix))]
fn process_is_running(_pid: u32) -> bool {
    true
}

// The tests spawn `true` and read Unix process ids.
#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn a_held_lock_is_refused_naming_its_holder_and_freed_when_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lock");
        let held = acquire(&path).unwrap();
        assert_eq!(held.taken_over_from, None);
        // A second open file description of the same file is refused, as another process is.
        match acquire(&path) {
            Err(LockError::Held { holder }) => assert_eq!(holder, Some(std::process::id())),
            other => panic!("{other:?}"),
        }
        drop(held);
        assert!(!path.exists(), "the lock file is removed on release");
        acquire(&path).unwrap();
    }

    /// The process id of a process that has exited (and been waited for).
    fn a_finished_process() -> u32 {
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id();
        child.wait().unwrap();
        pid
    }

    #[test]
    fn a_lock_file_left_by_a_dead_process_is_taken_over() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lock");
        let dead = a_finished_process();
        std::fs::write(&path, format!("{dead}\n")).unwrap();
        let held = acquire(&path).unwrap();
        assert_eq!(held.taken_over_from, Some(dead));
        assert_eq!(
            std::fs::read_to_string(&path).unwrap().trim(),
            std::process::id().to_string()
        );
    }

    #[test]
    fn without_file_locks_the_process_id_decides() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lock");
        std::fs::write(&path, format!("{}\n", std::process::id())).unwrap();
        assert!(matches!(
            acquire_by_process_id(&path),
            Err(LockError::Held { holder: Some(pid) }) if pid == std::process::id()
        ));
        let dead = a_finished_process();
        std::fs::write(&path, format!("{dead}\n")).unwrap();
        let held = acquire_by_process_id(&path).unwrap();
        assert_eq!(held.taken_over_from, Some(dead));
        drop(held);
        assert!(!path.exists());
    }
}
