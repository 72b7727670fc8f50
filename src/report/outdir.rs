//! An output folder a command owns: locked for the command's duration, filled in a
//! staging folder beside it, and moved into place whole when complete.
//!
//! * **Resolved first.** The folder is resolved (symbolic links and `..`) before
//!   anything else, so every alias of one folder (`out`, `./out`, a link to it) is the
//!   same folder to the lock and the checks below.
//! * **Lock.** [`OutputDir::claim`] takes an exclusive lock on `.NAME.lock` beside the
//!   resolved folder `NAME`; a second command on the same folder is refused at once.
//!   The lock is the operating system's (it goes when the process does, even killed),
//!   so a crash never leaves the folder locked.
//! * **Ownership.** A folder is claimed only when it does not exist, is empty, or is
//!   sresim's: its `manifest.json` is one sresim wrote (the marker and fields of
//!   [`crate::report::Manifest`]), or it holds only an interrupted sweep's `.partial/`,
//!   and every entry in it is a file of the output-file catalogue
//!   ([`crate::report::files`]). Anything else (another program's `manifest.json`, a
//!   `src/` or `.git/` folder, one unknown file) is refused and named, never replaced.
//!   The current folder, and any folder holding it, is never replaced.
//! * **Whole replacement.** Files go into `.NAME.staging-PID` beside the folder;
//!   [`OutputDir::commit`] renames the old folder aside, renames the staging folder into
//!   its place and deletes the old one. An earlier output's files (another command's
//!   charts, an `incidents.csv` a new run does not write) never survive into the new
//!   folder, and a command that fails leaves the old folder as it was. Staging and old
//!   folders that killed commands left are removed by the next claim only when they
//!   hold nothing but catalogue files.

use std::fs::{self, File, OpenOptions};
use std::io::{Read as _, Seek as _, Write as _};
use std::path::{Path, PathBuf};

pub use super::files::shown;
use super::files::{self, is_digits, MANIFEST_JSON, PROGRESS_LOG};
use super::write::ReportError;
pub(crate) use crate::engine::Fnv;

/// The folder inside an output folder where a sweep keeps its unfinished points.
pub const PARTIAL: &str = files::PARTIAL;

/// The largest `manifest.json` read when checking who wrote a folder.
const MAX_MANIFEST_BYTES: u64 = 64 * 1024 * 1024;

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
    /// Takes the lock on `path` (created when missing), or says who holds it. A file
    /// there that is not a lock of sresim's (anything but a process id) is refused and
    /// left as it is.
    fn take(path: &Path, what: &Path) -> Result<Lock, ReportError> {
        if let Ok(meta) = fs::symlink_metadata(path) {
            if !meta.is_file() {
                return Err(refuse(
                    what,
                    format!(
                        "its lock {} is not a file sresim wrote; move it away first",
                        path.display()
                    ),
                ));
            }
        }
        for _ in 0..16 {
            let file = OpenOptions::new()
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
                    let _ = file.take(64).read_to_string(&mut holder);
                    let holder = holder.trim();
                    let by = if is_digits(holder) {
                        format!(" (process {holder})")
                    } else {
                        String::new()
                    };
                    return Err(refuse(
                        what,
                        format!("is in use by another sresim command{by}; wait for it to finish or choose another folder"),
                    ));
                }
                Err(fs::TryLockError::Error(e)) => return Err(io(path)(e)),
            }
            // The holder before us may have removed the file after we opened it: the
            // lock is only ours if the name still leads to the file we locked.
            if same_file(&file, path) {
                let mut content = String::new();
                let read = (&file).take(64).read_to_string(&mut content);
                if read.is_err() || !(content.is_empty() || is_digits(content.trim())) {
                    let _ = file.unlock();
                    return Err(refuse(
                        what,
                        format!(
                            "its lock {} holds something sresim did not write; move it away first",
                            path.display()
                        ),
                    ));
                }
                let _ = file.set_len(0);
                let _ = (&file).seek(std::io::SeekFrom::Start(0));
                let _ = (&file).write_all(std::process::id().to_string().as_bytes());
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
    /// Writes into the folder as it is (charts redrawn by `plot`, the page of
    /// `report`): the folder must exist and be sresim's; only the lock is taken.
    InPlace,
    /// A workshop folder, written in place, of the parts named with their scenario
    /// text: it may hold the page, its marker manifest, `scenarios/` of the parts'
    /// files, and the parts' own output folders (with their locks and the staging
    /// folders of killed commands). A folder without the marker is sresim's only when
    /// its scenario files are the parts' own text (written before the marker existed).
    Workshop(&'static [(&'static str, &'static str)]),
}

/// The `manifest.json` a workshop folder holds: what marks it as sresim's.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct WorkshopManifest {
    /// Always [`crate::report::GENERATOR`].
    pub generator: String,
    /// sresim version.
    pub version: String,
    /// The parts' folders, in page order.
    pub workshop: Vec<String>,
}

/// What in a workshop folder is not sresim's (see [`Claim::Workshop`]).
fn workshop_foreign(dir: &Path, parts: &[(&str, &str)]) -> Result<Option<String>, ReportError> {
    let mut foreign = Vec::new();
    let mut marked = false;
    let mut scenario_files_are_ours = true;
    let mut any = false;
    let is_part = |name: &str| parts.iter().any(|(p, _)| *p == name);
    for entry in fs::read_dir(dir).map_err(io(dir))? {
        let entry = entry.map_err(io(dir))?;
        any = true;
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        let meta = fs::symlink_metadata(&path).map_err(io(&path))?;
        let sibling = |tag: &str| parts.iter().any(|(p, _)| is_sibling_name(&name, p, tag));
        let ok = if meta.is_file() {
            if name == MANIFEST_JSON {
                marked = read_manifest(&path)
                    .and_then(|b| serde_json::from_slice::<WorkshopManifest>(&b).ok())
                    .is_some_and(|m| m.generator == super::GENERATOR);
                marked
            } else {
                name == files::INDEX_HTML
                    || files::is_temp_name(&name)
                    || parts.iter().any(|(p, _)| name == format!(".{p}.lock"))
            }
        } else if meta.is_dir() {
            if name == files::SCENARIOS_DIR {
                let mut ok = true;
                for e in fs::read_dir(&path).map_err(io(&path))? {
                    let e = e.map_err(io(&path))?;
                    let n = e.file_name().to_string_lossy().into_owned();
                    let is_file = fs::symlink_metadata(e.path()).is_ok_and(|m| m.is_file());
                    match parts.iter().find(|(p, _)| n == format!("{p}.toml")) {
                        Some((_, text)) if is_file => {
                            let same = fs::metadata(e.path())
                                .is_ok_and(|m| m.len() == text.len() as u64)
                                && fs::read(e.path()).is_ok_and(|b| b == text.as_bytes());
                            scenario_files_are_ours &= same;
                        }
                        _ => ok &= is_file && files::is_temp_name(&n),
                    }
                }
                ok
            } else if is_part(&name) {
                foreign_entries(&path, true)?.is_none()
            } else if sibling("staging") || sibling("old") {
                foreign_in(&path, true, false)?.is_none()
            } else {
                false
            }
        } else {
            false
        };
        if !ok {
            foreign.push(name);
        }
    }
    if !foreign.is_empty() {
        foreign.sort();
        let more = if foreign.len() > 3 { ", ..." } else { "" };
        foreign.truncate(3);
        return Ok(Some(format!(
            "holds files sresim did not write ({}{more})",
            foreign.join(", ")
        )));
    }
    if any && !marked && !scenario_files_are_ours {
        return Ok(Some(
            "holds scenario files that are not the workshop's own and no workshop manifest.json of sresim's"
                .to_string(),
        ));
    }
    Ok(None)
}

/// Resolves `dir` as the folder it names: symbolic links and `..` followed, relative
/// to the current folder. For a folder that does not exist yet, its nearest existing
/// ancestor is resolved and the rest appended; nothing is created. Refuses a link that
/// leads nowhere and a path that is a file.
pub fn resolve(dir: &Path) -> Result<PathBuf, ReportError> {
    resolve_within(dir, 0)
}

/// Links followed at most by [`resolve`] through folders that do not exist yet.
const MAX_LINKS: usize = 40;

fn resolve_within(dir: &Path, links: usize) -> Result<PathBuf, ReportError> {
    match fs::symlink_metadata(dir) {
        Ok(meta) => {
            let real = match fs::canonicalize(dir) {
                Ok(real) => real,
                // A link to a folder that does not exist yet: the folder it names.
                Err(e)
                    if meta.file_type().is_symlink()
                        && e.kind() == std::io::ErrorKind::NotFound =>
                {
                    if links >= MAX_LINKS {
                        return Err(refuse(dir, "leads through too many symbolic links"));
                    }
                    let target = fs::read_link(dir).map_err(io(dir))?;
                    let target = match dir.parent() {
                        Some(parent) if target.is_relative() => parent.join(target),
                        _ => target,
                    };
                    return resolve_within(&target, links + 1);
                }
                Err(e) => return Err(io(dir)(e)),
            };
            if !fs::metadata(&real).map_err(io(&real))?.is_dir() {
                return Err(refuse(
                    dir,
                    "is a file, not a folder; give a new or empty folder",
                ));
            }
            Ok(real)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let Some(name) = dir
                .file_name()
                .filter(|n| !n.is_empty() && *n != "." && *n != "..")
            else {
                return Err(io(dir)(e));
            };
            let parent = dir.parent().filter(|p| !p.as_os_str().is_empty());
            Ok(resolve_parent(parent.unwrap_or(Path::new(".")), dir)?.join(name))
        }
        Err(e) => Err(io(dir)(e)),
    }
}

/// `parent` resolved as [`resolve`] does (it may not exist yet); `given` for messages.
fn resolve_parent(parent: &Path, given: &Path) -> Result<PathBuf, ReportError> {
    match fs::canonicalize(parent) {
        Ok(real) => Ok(real),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let name = parent
                .file_name()
                .filter(|n| !n.is_empty() && *n != "." && *n != "..")
                .ok_or_else(|| io(parent)(e))?;
            if fs::symlink_metadata(parent).is_ok() {
                return Err(refuse(
                    given,
                    format!(
                        "{} is a symbolic link that leads nowhere; give the folder itself",
                        parent.display()
                    ),
                ));
            }
            let up = parent.parent().filter(|p| !p.as_os_str().is_empty());
            Ok(resolve_parent(up.unwrap_or(Path::new(".")), given)?.join(name))
        }
        Err(e) => Err(io(parent)(e)),
    }
}

/// What an existing folder holds that makes it someone else's: the first few entries
/// that are not sresim's, or why the folder as a whole is not. `None` when sresim may
/// replace it. With `partial_ok`, a `.partial/` of catalogue files counts as sresim's.
pub fn foreign_entries(dir: &Path, partial_ok: bool) -> Result<Option<String>, ReportError> {
    foreign_in(dir, partial_ok, true)
}

/// [`foreign_entries`]; without `need_manifest`, a folder of catalogue files alone
/// (a staging folder that a killed command left before its manifest) is sresim's.
fn foreign_in(
    dir: &Path,
    partial_ok: bool,
    need_manifest: bool,
) -> Result<Option<String>, ReportError> {
    let mut foreign = Vec::new();
    let mut manifest = None;
    let mut partial = false;
    let mut any = false;
    for entry in fs::read_dir(dir).map_err(io(dir))? {
        let entry = entry.map_err(io(dir))?;
        any = true;
        let name = entry.file_name();
        let shown = name.to_string_lossy().into_owned();
        let Some(name) = name.to_str() else {
            foreign.push(shown);
            continue;
        };
        let meta = fs::symlink_metadata(entry.path()).map_err(io(&entry.path()))?;
        if name == PARTIAL && meta.is_dir() && partial_ok && holds_only_partial(&entry.path())? {
            partial = true;
        } else if name == MANIFEST_JSON && meta.is_file() {
            manifest = Some(entry.path());
        } else if !(meta.is_file() && files::is_output_file(name)) {
            foreign.push(shown);
        }
    }
    if !any {
        return Ok(None);
    }
    if !foreign.is_empty() {
        foreign.sort();
        let more = if foreign.len() > 3 { ", ..." } else { "" };
        foreign.truncate(3);
        return Ok(Some(format!(
            "holds files sresim did not write ({}{more})",
            foreign.join(", ")
        )));
    }
    match manifest {
        Some(path) => {
            if read_manifest(&path).is_some_and(|b| super::manifest::is_sresim_manifest(&b)) {
                Ok(None)
            } else {
                Ok(Some(
                    "holds a manifest.json that sresim did not write".to_string(),
                ))
            }
        }
        None if partial || !need_manifest => Ok(None),
        None => Ok(Some(
            "holds files but no manifest.json of sresim's, so it is not an sresim output folder"
                .to_string(),
        )),
    }
}

/// The bytes of a manifest no larger than [`MAX_MANIFEST_BYTES`].
fn read_manifest(path: &Path) -> Option<Vec<u8>> {
    let mut bytes = Vec::new();
    File::open(path)
        .ok()?
        .take(MAX_MANIFEST_BYTES + 1)
        .read_to_end(&mut bytes)
        .ok()?;
    (bytes.len() as u64 <= MAX_MANIFEST_BYTES).then_some(bytes)
}

/// Whether a `.partial/` folder holds only a sweep's journal and CSV files.
fn holds_only_partial(dir: &Path) -> Result<bool, ReportError> {
    for entry in fs::read_dir(dir).map_err(io(dir))? {
        let entry = entry.map_err(io(dir))?;
        let meta = fs::symlink_metadata(entry.path()).map_err(io(&entry.path()))?;
        let ok = meta.is_file()
            && entry.file_name().to_str().is_some_and(|n| {
                n == PROGRESS_LOG || files::CSV_FILES.contains(&n) || files::is_temp_name(n)
            });
        if !ok {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Refuses `real` when it is the current folder or holds it: replacing it would pull
/// the folder out from under the user (`--out .`).
fn refuse_current(real: &Path, given: &Path) -> Result<(), ReportError> {
    if let Ok(cwd) = std::env::current_dir().and_then(fs::canonicalize) {
        if cwd.starts_with(real) {
            return Err(refuse(
                given,
                "is the current folder or holds it; sresim replaces its output folder whole, so give a new folder",
            ));
        }
    }
    Ok(())
}

/// What an existing folder holds, as far as claiming it goes.
fn check_owned(dir: &Path, given: &Path, mode: Claim) -> Result<(), ReportError> {
    if !dir.exists() {
        return match mode {
            Claim::InPlace => Err(refuse(
                given,
                "does not exist; give the output folder of a run, sweep, comparison or merge",
            )),
            Claim::Replace | Claim::Sweep | Claim::Workshop(_) => Ok(()),
        };
    }
    if let Claim::Workshop(parts) = mode {
        return match workshop_foreign(dir, parts)? {
            None => Ok(()),
            Some(why) => Err(refuse(
                given,
                format!(
                    "{why}; the workshop writes into its folder, so give a new or empty folder"
                ),
            )),
        };
    }
    if mode == Claim::Replace && dir.join(PARTIAL).join(PROGRESS_LOG).exists() {
        return Err(refuse(
            given,
            "holds an interrupted sweep; continue it with `sresim sweep ... --resume`, or delete the folder",
        ));
    }
    if mode != Claim::InPlace {
        refuse_current(dir, given)?;
    }
    match foreign_entries(dir, mode != Claim::Replace)? {
        None => Ok(()),
        Some(why) => Err(refuse(
            given,
            match mode {
                Claim::InPlace | Claim::Workshop(_) => {
                    format!("{why}; give the output folder of a run, sweep, comparison or merge")
                }
                Claim::Replace | Claim::Sweep => format!(
                    "{why}; sresim replaces its output folder whole, so give a new or empty folder"
                ),
            },
        )),
    }
}

/// Whether `name` is `.STEM.TAG-PID` for this folder's stem and tag.
fn is_sibling_name(name: &str, stem: &str, tag: &str) -> bool {
    name.strip_prefix('.')
        .and_then(|n| n.strip_prefix(stem))
        .and_then(|n| n.strip_prefix('.'))
        .and_then(|n| n.strip_prefix(tag))
        .and_then(|n| n.strip_prefix('-'))
        .is_some_and(is_digits)
}

/// An output folder claimed by one command. See the module documentation.
#[derive(Debug)]
pub struct OutputDir {
    /// The folder as the user named it (for messages and reports).
    given: PathBuf,
    /// The same folder resolved (see [`resolve`]).
    real: PathBuf,
    staging: Option<PathBuf>,
    _lock: Lock,
}

impl OutputDir {
    /// Claims `dir`: refuses a file, a folder of files sresim did not write, and a
    /// folder another sresim command is using; creates the parent folders; removes
    /// what killed commands left beside it. Creates nothing inside `dir`.
    pub fn claim(dir: &Path, mode: Claim) -> Result<OutputDir, ReportError> {
        if fs::metadata(dir).is_ok_and(|m| m.is_file()) {
            return Err(refuse(
                dir,
                match mode {
                    Claim::InPlace | Claim::Workshop(_) => {
                        "is a file, not a folder; give the output folder of a run, sweep, comparison or merge"
                    }
                    Claim::Replace | Claim::Sweep => {
                        "is a file, not a folder; give a new or empty folder"
                    }
                },
            ));
        }
        let real = resolve(dir)?;
        let (Some(parent), Some(name)) = (real.parent(), real.file_name()) else {
            return Err(refuse(dir, "cannot be an output folder (it has no parent)"));
        };
        fs::create_dir_all(parent).map_err(io(parent))?;
        let name = name.to_string_lossy().into_owned();
        let lock = Lock::take(&parent.join(format!(".{name}.lock")), dir)?;
        check_owned(&real, dir, mode)?;
        // Staging and old folders of commands that were killed: removed only when they
        // hold nothing but sresim's files.
        if let Ok(entries) = fs::read_dir(parent) {
            for e in entries.filter_map(Result::ok) {
                let n = e.file_name().to_string_lossy().into_owned();
                if !(is_sibling_name(&n, &name, "staging") || is_sibling_name(&n, &name, "old")) {
                    continue;
                }
                let is_dir = fs::symlink_metadata(e.path()).is_ok_and(|m| m.is_dir());
                if is_dir && matches!(foreign_in(&e.path(), true, false), Ok(None)) {
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

    /// The folder itself (resolved), where a sweep keeps `.partial/`.
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
            if !matches!(foreign_in(&s, true, false), Ok(None)) {
                return Err(refuse(
                    &s,
                    "is in the way of the staging folder and holds files sresim did not write; move it away",
                ));
            }
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
            // Files may have appeared in the folder while the command ran: then it is no
            // longer sresim's to replace, and the new files stay in the staging folder.
            if let Some(why) = foreign_entries(&self.real, true)? {
                self.staging = None;
                return Err(refuse(
                    &self.given,
                    format!(
                        "{why} (they appeared while the command ran), so it was not replaced; the new files are in {}",
                        staging.display()
                    ),
                ));
            }
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

    /// The fields every manifest of sresim's has, with its marker.
    const SRESIM_MANIFEST: &str = r#"{"generator": "sresim", "version": "0", "command_line": [],
        "overrides": [], "seed": 1, "replications": 1, "seed_derivation": "x", "threads": 1,
        "wall_time_seconds": 0, "files": []}"#;

    #[test]
    fn commit_replaces_the_folder_whole_and_failure_keeps_it() {
        let d = scratch("swap");
        let out = d.join("o");
        fs::create_dir_all(&out).unwrap();
        fs::write(out.join("manifest.json"), SRESIM_MANIFEST).unwrap();
        fs::write(out.join("incidents.csv"), "x").unwrap();
        {
            let mut o = OutputDir::claim(&out, Claim::Replace).unwrap();
            fs::write(o.staging().unwrap().join("new.csv"), "y").unwrap();
            // dropped without commit: the old folder stays as it was
        }
        assert!(out.join("incidents.csv").exists());
        let mut o = OutputDir::claim(&out, Claim::Replace).unwrap();
        fs::write(o.staging().unwrap().join("new.csv"), "y").unwrap();
        o.commit().unwrap();
        let mut names: Vec<_> = fs::read_dir(&d)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        assert_eq!(names, ["o"]);
        assert!(!out.join("incidents.csv").exists());
        assert!(out.join("new.csv").exists());
        fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn messages_show_the_folder_a_staging_folder_stands_for() {
        assert_eq!(
            shown(Path::new("/tmp/.out.staging-123/weekly.csv")),
            Path::new("/tmp/out/weekly.csv")
        );
        assert_eq!(shown(Path::new("a/.b.old-7")), Path::new("a/b"));
        assert_eq!(
            shown(Path::new("a/.b.staging-x/c")),
            Path::new("a/.b.staging-x/c")
        );
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
