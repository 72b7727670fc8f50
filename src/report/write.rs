//! Writers for the files of a run.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use serde::Serialize;

use crate::model::{EngagementRecord, IncidentRecord, ReorgRecord, RunResult};

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

/// Encodes serde rows with their header, split into (header line, rows); both empty
/// when there are no rows.
pub(crate) fn encode_rows<T: Serialize>(
    file: &'static str,
    rows: &[T],
) -> Result<(Vec<u8>, Vec<u8>), ReportError> {
    let path = Path::new(file);
    let encode = |e: csv::Error| ReportError::Encode {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in rows {
        w.serialize(r).map_err(encode)?;
    }
    let mut bytes = w.into_inner().map_err(|e| ReportError::Encode {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    let split = bytes.iter().position(|&b| b == b'\n').map_or(0, |i| i + 1);
    let rows = bytes.split_off(split);
    Ok((bytes, rows))
}

/// The files of a run folder, in the order they are written; `incidents.csv` only
/// when traced.
pub const RUN_FILES: [&str; 8] = [
    "summary.csv",
    "teams.csv",
    "sites.csv",
    "services.csv",
    "weekly.csv",
    "reorgs.csv",
    "engagements.csv",
    "incidents.csv",
];

/// One replication's rows encoded as CSV for each file of [`RUN_FILES`] (on a worker
/// thread, see [`RunWriter::encode`]): per file, its header line (empty when the run has
/// no rows there) and the rows.
#[derive(Debug, Clone)]
pub struct EncodedRun {
    files: Vec<(Vec<u8>, Vec<u8>)>,
}

impl EncodedRun {
    /// Bytes held: what a window of encoded runs waiting to be written costs.
    pub fn bytes(&self) -> usize {
        self.files.iter().map(|(h, r)| h.len() + r.len()).sum()
    }
}

/// Streams the CSV files of a run into a folder (a job's staging folder), one
/// replication at a time in replication order, so that no file is held in memory
/// whole. Each file grows under a temporary name and takes its own name in
/// [`RunWriter::finish`]; the bytes are those one [`write_csv`] per file would write.
pub struct RunWriter {
    dir: PathBuf,
    /// Per file: its name, the temporary path, the writer, and whether a header went out.
    files: Vec<(&'static str, PathBuf, std::io::BufWriter<fs::File>, bool)>,
}

impl RunWriter {
    /// Creates the files of a run (with `trace`, `incidents.csv` too) in `dir`.
    pub fn create(dir: &Path, trace: bool) -> Result<Self, ReportError> {
        fs::create_dir_all(dir).map_err(io_err(dir))?;
        let mut files = Vec::new();
        for name in RUN_FILES.iter().take(if trace { 8 } else { 7 }) {
            let tmp = temp_path(&dir.join(name));
            let f = fs::File::create(&tmp).map_err(io_err(&tmp))?;
            files.push((*name, tmp, std::io::BufWriter::new(f), false));
        }
        Ok(RunWriter {
            dir: dir.to_path_buf(),
            files,
        })
    }

    /// Encodes one replication's rows for every file. Pure, so that jobs run it on
    /// worker threads; the writer then only appends bytes in replication order.
    pub fn encode(run: &RunResult, trace: bool) -> Result<EncodedRun, ReportError> {
        let mut files = vec![
            encode_rows("summary.csv", std::slice::from_ref(&run.summary))?,
            encode_rows("teams.csv", &run.teams)?,
            encode_rows("sites.csv", &run.sites)?,
            encode_rows("services.csv", &run.services)?,
            encode_rows("weekly.csv", &run.weekly)?,
            encode_rows("reorgs.csv", &run.reorgs)?,
            encode_rows("engagements.csv", &run.engagements)?,
        ];
        if trace {
            files.push(encode_rows("incidents.csv", &run.incidents)?);
        }
        Ok(EncodedRun { files })
    }

    /// Appends one replication's rows (the header line before a file's first rows).
    pub fn append(&mut self, run: &EncodedRun) -> Result<(), ReportError> {
        for ((_, tmp, w, headed), (header, rows)) in self.files.iter_mut().zip(&run.files) {
            if rows.is_empty() {
                continue;
            }
            if !*headed {
                w.write_all(header).map_err(io_err(tmp))?;
                *headed = true;
            }
            w.write_all(rows).map_err(io_err(tmp))?;
        }
        Ok(())
    }

    /// Completes the files: `reorgs.csv`, `engagements.csv` and `incidents.csv` get
    /// their header line when no replication had a row there; each file is flushed,
    /// synced and renamed to its own name. Returns the file names, in
    /// [`RUN_FILES`] order.
    pub fn finish(self) -> Result<Vec<String>, ReportError> {
        let mut names = Vec::new();
        for (name, tmp, mut w, headed) in self.files {
            if !headed {
                let header = match name {
                    "reorgs.csv" => header_line::<ReorgRecord>()?,
                    "engagements.csv" => header_line::<EngagementRecord>()?,
                    "incidents.csv" => header_line::<IncidentRecord>()?,
                    _ => Vec::new(),
                };
                w.write_all(&header).map_err(io_err(&tmp))?;
            }
            w.flush().map_err(io_err(&tmp))?;
            w.get_ref().sync_all().map_err(io_err(&tmp))?;
            drop(w);
            let path = self.dir.join(name);
            fs::rename(&tmp, &path).map_err(io_err(&path))?;
            names.push(name.to_string());
        }
        Ok(names)
    }
}

/// Writes `summary.csv`, `teams.csv`, `sites.csv`, `services.csv`, `weekly.csv`,
/// `reorgs.csv`, `engagements.csv` and, when `trace`, `incidents.csv` into `dir` from
/// runs held in memory (see [`RunWriter`] to stream them). Returns the file names
/// written.
pub fn write_run(dir: &Path, runs: &[RunResult], trace: bool) -> Result<Vec<String>, ReportError> {
    let mut w = RunWriter::create(dir, trace)?;
    for r in runs {
        w.append(&RunWriter::encode(r, trace)?)?;
    }
    w.finish()
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
