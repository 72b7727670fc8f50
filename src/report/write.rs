//! Writers for the files of a run.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use serde::Serialize;

use crate::model::{EngagementRecord, ReorgRecord, RunResult};

/// A failure to write an output file.
#[derive(Debug)]
pub enum ReportError {
    /// Creating, writing or renaming a file failed.
    Io {
        /// The file or folder concerned.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// Encoding rows failed.
    Encode {
        /// The file concerned.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
}

impl std::fmt::Display for ReportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReportError::Io { path, source } => {
                write!(f, "{}: {source}", super::files::shown(path).display())
            }
            ReportError::Encode { path, message } => {
                write!(f, "{}: {message}", super::files::shown(path).display())
            }
        }
    }
}

impl std::error::Error for ReportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ReportError::Io { source, .. } => Some(source),
            ReportError::Encode { .. } => None,
        }
    }
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> ReportError + '_ {
    move |source| ReportError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Writes `bytes` to `path` atomically: a temporary file in the same folder, flushed
/// and synced, then renamed over the destination.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), ReportError> {
    write_via_temp(path, bytes, true)
}

/// Like [`write_atomic`] without the sync: readers still see the old or the new file,
/// never a mix, but a crash may lose the update. For frequent bookkeeping.
pub fn write_atomic_unsynced(path: &Path, bytes: &[u8]) -> Result<(), ReportError> {
    write_via_temp(path, bytes, false)
}

/// A temporary name beside `path`, unique within this process (several threads may
/// write beside each other), keeping the extension (image encoders choose by it).
pub(crate) fn temp_path(path: &Path) -> PathBuf {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let stem = path
        .file_stem()
        .map_or("output".into(), |s| s.to_string_lossy());
    let ext = path
        .extension()
        .map_or("tmp".into(), |s| s.to_string_lossy());
    path.with_file_name(format!(".{stem}.tmp-{}-{n}.{ext}", std::process::id()))
}

fn write_via_temp(path: &Path, bytes: &[u8], sync: bool) -> Result<(), ReportError> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty());
    if let Some(dir) = dir {
        fs::create_dir_all(dir).map_err(io_err(dir))?;
    }
    let tmp = temp_path(path);
    let result = (|| {
        let mut f = fs::File::create(&tmp).map_err(io_err(&tmp))?;
        f.write_all(bytes).map_err(io_err(&tmp))?;
        if sync {
            f.sync_all().map_err(io_err(&tmp))?;
        }
        fs::rename(&tmp, path).map_err(io_err(path))
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Serialises `rows` as CSV (header from the row struct's field names) and writes the
/// file atomically.
pub fn write_csv<T: Serialize>(
    path: &Path,
    rows: impl IntoIterator<Item = T>,
) -> Result<(), ReportError> {
    let encode = |e: csv::Error| ReportError::Encode {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    let mut w = csv::Writer::from_writer(Vec::new());
    for row in rows {
        w.serialize(row).map_err(encode)?;
    }
    let bytes = w.into_inner().map_err(|e| ReportError::Encode {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    write_atomic(path, &bytes)
}

/// The CSV header line of `T` (its field names), for files that have a header even
/// with no rows.
pub fn header_line<T: Serialize + Default>() -> Result<Vec<u8>, ReportError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let fail = |message: String| ReportError::Encode {
        path: PathBuf::from("header"),
        message,
    };
    w.serialize(T::default()).map_err(|e| fail(e.to_string()))?;
    let mut bytes = w.into_inner().map_err(|e| fail(e.to_string()))?;
    let end = bytes.iter().position(|&b| b == b'\n').map_or(0, |i| i + 1);
    bytes.truncate(end);
    Ok(bytes)
}

/// Writes `summary.csv`, `teams.csv`, `sites.csv`, `services.csv`, `weekly.csv`,
/// `reorgs.csv`, `engagements.csv` and, when `trace`, `incidents.csv` into `dir`. Returns the file names written.
pub fn write_run(dir: &Path, runs: &[RunResult], trace: bool) -> Result<Vec<String>, ReportError> {
    let mut files = Vec::new();
    let mut put = |name: &str| {
        files.push(name.to_string());
        dir.join(name)
    };
    write_csv(&put("summary.csv"), runs.iter().map(|r| &r.summary))?;
    write_csv(&put("teams.csv"), runs.iter().flat_map(|r| &r.teams))?;
    write_csv(&put("sites.csv"), runs.iter().flat_map(|r| &r.sites))?;
    write_csv(&put("services.csv"), runs.iter().flat_map(|r| &r.services))?;
    write_csv(&put("weekly.csv"), runs.iter().flat_map(|r| &r.weekly))?;
    let reorgs = put("reorgs.csv");
    if runs.iter().all(|r| r.reorgs.is_empty()) {
        write_atomic(&reorgs, &header_line::<ReorgRecord>()?)?;
    } else {
        write_csv(&reorgs, runs.iter().flat_map(|r| &r.reorgs))?;
    }
    let engagements = put("engagements.csv");
    if runs.iter().all(|r| r.engagements.is_empty()) {
        write_atomic(&engagements, &header_line::<EngagementRecord>()?)?;
    } else {
        write_csv(&engagements, runs.iter().flat_map(|r| &r.engagements))?;
    }
    if trace {
        write_csv(
            &put("incidents.csv"),
            runs.iter().flat_map(|r| &r.incidents),
        )?;
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_leaves_no_temporary_file() {
        let dir = std::env::temp_dir().join(format!("sresim-aw-{}", std::process::id()));
        let path = dir.join("x.csv");
        write_atomic(&path, b"a,b\n1,2\n").unwrap();
        write_atomic(&path, b"a,b\n3,4\n").unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "a,b\n3,4\n");
        let names: Vec<_> = fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 1, "{names:?}");
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn write_into_a_file_path_reports_the_path() {
        let dir = std::env::temp_dir().join(format!("sresim-aw2-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let blocker = dir.join("file");
        fs::write(&blocker, "x").unwrap();
        let err = write_atomic(&blocker.join("y.csv"), b"1").unwrap_err();
        assert!(err.to_string().contains("file"), "{err}");
        fs::remove_dir_all(&dir).unwrap();
    }
}
