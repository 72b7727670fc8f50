//! An output folder a command owns: locked for the command's duration, filled in a
//! staging folder beside it, and moved into place whole when complete.
//!
//! * **Lock.** [`OutputDir::claim`] takes an exclusive lock on `.NAME.lock` beside the
//!   folder `NAME`; a second command on the same folder is refused at once. The lock is
//!   the operating system's (it goes when the process does, even killed), so a crash
//!   never leaves the folder locked.
//! * **Ownership.** A folder is claimed only when it does not exist, is empty, or holds
//!   sresim output (a `manifest.json`, or an interrupted sweep's `.partial/`): a folder
//!   of other files is refused, never replaced.
//! * **Whole replacement.** Files go into `.NAME.staging-PID` beside the folder;
//!   [`OutputDir::commit`] renames the old folder aside, renames the staging folder into
//!   its place and deletes the old one. An earlier output's files (another command's
//!   charts, an `incidents.csv` a new run does not write) never survive into the new
//!   folder, and a command that fails leaves the old folder as it was.

use std::fs::{self, File, OpenOptions};
use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};

use super::write::ReportError;

/// The folder inside an output folder where a sweep keeps its unfinished points.
pub const PARTIAL: &str = ".partial";

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> ReportError + '_ {
    move |source| ReportError::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn refuse(path: &Path, message: impl Into<String>) -> ReportError {
    ReportError::Encode {
        path: path.to_path_buf(),
        message: message.into(),
    }
}

/// An exclusive lock on a file, released (and the file removed) on drop.
#[derive(Debug)]
struct Lock {
    path: PathBuf,
    file: File,
}

impl Lock {
    /// Takes the lock on `path` (created when missing), or says who holds it.
    fn take(path: &Path, what: &Path) -> Result<Lock, ReportError> {
        for _ in 0..16 {
            let mut file = OpenOptions::new()
                .create(true)
                .truncate(false)
                .read(true)
                .write(true)
                .open(path)
                .map_err(io(path))?;
            match file.try_lock() {
                Ok(()) => {}
                Err(fs::TryLockError::WouldBlock) => {
                    let mut holder = String::new();
                    let _ = file.read_to_string(&mut holder);
                    let holder = holder.trim();
                    let by = if holder.is_empty() {
                        String::new()
                    } else {
                        format!(" (process {holder})")
                    };
                    return Err(refuse(
                        what,
                        format!("is in use by another sresim command{by}; wait for it to finish or choose another --out"),
                    ));
                }
                Err(fs::TryLockError::Error(e)) => return Err(io(path)(e)),
            }
            // The holder before us may have removed the file after we opened it: the
            // lock is only ours if the name still leads to the file we locked.
            if same_file(&file, path) {
                let _ = file.set_len(0);
                let _ = write!(file, "{}", std::process::id());
                return Ok(Lock {
                    path: path.to_path_buf(),
                    file,
                });
            }
        }
        Err(refuse(
            what,
            "its lock file keeps changing; another sresim command is using the folder",
        ))
    }
}

#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt as _;
    match (file.metadata(), fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_file: &File, path: &Path) -> bool {
    path.exists()
}

impl Drop for Lock {
    fn drop(&mut self) {
        // Removed while still held, so no one can lock this file after we let go.
        let _ = fs::remove_file(&self.path);
        let _ = self.file.unlock();
    }
}

/// What a command does with the folder it claims.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim {
    /// Replaces it whole (a run, a comparison, a merge): refuses a folder holding an
    /// interrupted sweep, which only that sweep's `--resume` may continue or replace.
    Replace,
    /// A sweep: keeps its unfinished points in `.partial/` inside the folder, then
    /// replaces the folder whole.
    Sweep,
    /// Writes into the folder as it is (charts redrawn by `plot`): the folder must
    /// exist; only the lock is taken.
    InPlace,
}

/// What an existing folder holds, as far as claiming it goes.
fn check_owned(dir: &Path, mode: Claim) -> Result<(), ReportError> {
    let meta = match fs::metadata(dir) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return match mode {
                Claim::InPlace => Err(refuse(
                    dir,
                    "does not exist; give the output folder of a run, sweep, comparison or merge",
                )),
                Claim::Replace | Claim::Sweep => Ok(()),
            };
        }
        Err(e) => return Err(io(dir)(e)),
    };
    if !meta.is_dir() {
        return Err(refuse(
            dir,
            "is a file, not a folder; give --out a new or empty folder",
        ));
    }
    let mut names: Vec<String> = fs::read_dir(dir)
        .map_err(io(dir))?
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    if mode == Claim::Replace && dir.join(PARTIAL).join(super::sweep::PROGRESS).exists() {
        return Err(refuse(
            dir,
            "holds an interrupted sweep; continue it with `sresim sweep ... --resume`, or delete the folder",
        ));
    }
    if mode == Claim::InPlace {
        return Ok(());
    }
    if names.is_empty() || names.iter().any(|n| n == "manifest.json" || n == PARTIAL) {
        return Ok(());
    }
    let shown: Vec<&str> = names.iter().take(3).map(String::as_str).collect();
    Err(refuse(
        dir,
        format!(
            "holds files sresim did not write ({}{}); sresim replaces its output folder whole, so give --out a new or empty folder",
            shown.join(", "),
            if names.len() > 3 { ", ..." } else { "" }
        ),
    ))
}

/// An output folder claimed by one command. See the module documentation.
#[derive(Debug)]
pub struct OutputDir {
    /// The folder as the user named it (for messages and reports).
    given: PathBuf,
    /// The same folder with an absolute, resolved parent.
    real: PathBuf,
    staging: Option<PathBuf>,
    _lock: Lock,
}

impl OutputDir {
    /// Claims `dir`: refuses a file, a folder of files sresim did not write, and a
    /// folder another sresim command is using; creates the parent folders; removes
    /// what killed commands left beside it. Creates nothing inside `dir`.
    pub fn claim(dir: &Path, mode: Claim) -> Result<OutputDir, ReportError> {
        let name = dir
            .file_name()
            .filter(|n| !n.is_empty() && *n != "." && *n != "..")
            .map(|n| n.to_os_string());
        let real = match name {
            Some(name) => {
                let parent = dir.parent().filter(|p| !p.as_os_str().is_empty());
                let parent = parent.unwrap_or(Path::new("."));
                fs::create_dir_all(parent).map_err(io(parent))?;
                fs::canonicalize(parent).map_err(io(parent))?.join(name)
            }
            // `.`, `..`, `a/..`: resolve to the folder itself.
            None => fs::canonicalize(dir).map_err(io(dir))?,
        };
        let (Some(parent), Some(name)) = (real.parent(), real.file_name()) else {
            return Err(refuse(dir, "cannot be an output folder (it has no parent)"));
        };
        let name = name.to_string_lossy().into_owned();
        let lock = Lock::take(&parent.join(format!(".{name}.lock")), dir)?;
        check_owned(&real, mode)?;
        // Staging and old folders of commands that were killed.
        if let Ok(entries) = fs::read_dir(parent) {
            let staging = format!(".{name}.staging-");
            let old = format!(".{name}.old-");
            for e in entries.filter_map(Result::ok) {
                let n = e.file_name().to_string_lossy().into_owned();
                if n.starts_with(&staging) || n.starts_with(&old) {
                    let _ = fs::remove_dir_all(e.path());
                }
            }
        }
        Ok(OutputDir {
            given: dir.to_path_buf(),
            real,
            staging: None,
            _lock: lock,
        })
    }

    /// The folder itself (parent resolved), where a sweep keeps `.partial/`.
    pub fn real(&self) -> &Path {
        &self.real
    }

    fn sibling(&self, tag: &str) -> PathBuf {
        let name = self
            .real
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        self.real
            .with_file_name(format!(".{name}.{tag}-{}", std::process::id()))
    }

    /// The staging folder, created empty on first use: everything the command writes
    /// goes here until [`OutputDir::commit`].
    pub fn staging(&mut self) -> Result<PathBuf, ReportError> {
        if let Some(s) = &self.staging {
            return Ok(s.clone());
        }
        let s = self.sibling("staging");
        if s.exists() {
            fs::remove_dir_all(&s).map_err(io(&s))?;
        }
        fs::create_dir(&s).map_err(io(&s))?;
        self.staging = Some(s.clone());
        Ok(s)
    }

    /// Moves the staging folder into place, replacing the folder whole. Returns the
    /// folder as named by the user.
    pub fn commit(mut self) -> Result<PathBuf, ReportError> {
        let staging = self.staging()?;
        let old = self.sibling("old");
        let had_old = self.real.exists();
        if had_old {
            fs::rename(&self.real, &old).map_err(io(&self.real))?;
        }
        if let Err(e) = fs::rename(&staging, &self.real) {
            if had_old {
                let _ = fs::rename(&old, &self.real);
            }
            return Err(io(&self.real)(e));
        }
        self.staging = None;
        if had_old {
            // The new folder is in place; an old one that cannot be removed now is
            // removed by the next command on this folder.
            let _ = fs::remove_dir_all(&old);
        }
        Ok(self.given.clone())
    }
}

impl Drop for OutputDir {
    fn drop(&mut self) {
        if let Some(s) = self.staging.take() {
            let _ = fs::remove_dir_all(s);
        }
    }
}

/// FNV-1a 64 of a file's bytes, as `fnv1a64:` and 16 hex digits: the checksum a
/// manifest records for each file it lists.
pub fn file_checksum(path: &Path) -> Result<String, ReportError> {
    let mut f = File::open(path).map_err(io(path))?;
    let mut h = Fnv::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = f.read(&mut buf).map_err(io(path))?;
        if n == 0 {
            break;
        }
        h.write(&buf[..n]);
    }
    Ok(checksum_text(h.finish()))
}

/// A checksum as a manifest records it: `fnv1a64:` and 16 hex digits.
pub(crate) fn checksum_text(hash: u64) -> String {
    format!("fnv1a64:{hash:016x}")
}

/// Streaming FNV-1a 64 (the same function as [`crate::engine::fnv1a64`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fnv(u64);

impl Fnv {
    pub(crate) fn new() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }

    pub(crate) fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    /// Feeds `bytes` to this hash and to `other` in one pass (two independent chains
    /// run side by side at about the cost of one).
    pub(crate) fn write_both(&mut self, other: &mut Fnv, bytes: &[u8]) {
        let (mut a, mut b) = (self.0, other.0);
        for &x in bytes {
            a = (a ^ u64::from(x)).wrapping_mul(0x0000_0100_0000_01b3);
            b = (b ^ u64::from(x)).wrapping_mul(0x0000_0100_0000_01b3);
        }
        (self.0, other.0) = (a, b);
    }

    pub(crate) fn finish(self) -> u64 {
        self.0
    }

    /// The hash of `bytes`.
    pub(crate) fn of(bytes: &[u8]) -> u64 {
        let mut h = Fnv::new();
        h.write(bytes);
        h.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(tag: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("sresim-outdir-{tag}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&d);
        fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn fnv_matches_the_engine_hash() {
        assert_eq!(Fnv::of(b"checkout"), crate::engine::fnv1a64("checkout"));
        let (mut a, mut b) = (Fnv::new(), Fnv::new());
        b.write(b"check");
        a.write_both(&mut b, b"out");
        assert_eq!(a.finish(), Fnv::of(b"out"));
        assert_eq!(b.finish(), Fnv::of(b"checkout"));
    }

    #[test]
    fn a_second_claim_is_refused_while_the_first_holds() {
        let d = scratch("lock");
        let out = d.join("o");
        let first = OutputDir::claim(&out, Claim::Replace).unwrap();
        let err = OutputDir::claim(&out, Claim::Replace)
            .unwrap_err()
            .to_string();
        assert!(err.contains("in use by another sresim command"), "{err}");
        drop(first);
        OutputDir::claim(&out, Claim::Replace).unwrap();
        assert!(!d.join(".o.lock").exists(), "the lock file is removed");
        fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn commit_replaces_the_folder_whole_and_failure_keeps_it() {
        let d = scratch("swap");
        let out = d.join("o");
        fs::create_dir_all(&out).unwrap();
        fs::write(out.join("manifest.json"), "{}").unwrap();
        fs::write(out.join("stale.csv"), "x").unwrap();
        {
            let mut o = OutputDir::claim(&out, Claim::Replace).unwrap();
            fs::write(o.staging().unwrap().join("new.csv"), "y").unwrap();
            // dropped without commit: the old folder stays as it was
        }
        assert!(out.join("stale.csv").exists());
        let mut o = OutputDir::claim(&out, Claim::Replace).unwrap();
        fs::write(o.staging().unwrap().join("new.csv"), "y").unwrap();
        o.commit().unwrap();
        let mut names: Vec<_> = fs::read_dir(&d)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        assert_eq!(names, ["o"]);
        assert!(!out.join("stale.csv").exists());
        assert!(out.join("new.csv").exists());
        fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn foreign_folders_and_files_are_refused() {
        let d = scratch("foreign");
        fs::write(d.join("notes.txt"), "mine").unwrap();
        let err = OutputDir::claim(&d, Claim::Replace)
            .unwrap_err()
            .to_string();
        assert!(err.contains("did not write (notes.txt)"), "{err}");
        let err = OutputDir::claim(&d.join("notes.txt"), Claim::Replace)
            .unwrap_err()
            .to_string();
        assert!(err.contains("is a file, not a folder"), "{err}");
        fs::remove_dir_all(&d).unwrap();
    }
}
