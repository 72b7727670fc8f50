//! What `report` and `plot` check before they read a folder: that every file its
//! manifest lists is there and matches the checksum recorded for it, that no CSV file
//! is there unlisted, and what reading the folder will cost.
//!
//! A folder someone sends you may have been edited by hand or damaged in transit: rows
//! duplicated, dropped or reordered, digits changed, cells replaced by `NaN`. The
//! checksums catch every such change, so a page or a chart is only ever drawn from the
//! files the job wrote (or, forced, under a warning that says what did not verify).

use std::fs;
use std::io::Read as _;
use std::path::{Path, PathBuf};

use super::files::{self, MANIFEST_JSON};
use super::manifest::{is_sresim_manifest, Manifest};
use super::write::ReportError;

/// The largest `manifest.json` read.
const MAX_MANIFEST_BYTES: u64 = 64 * 1024 * 1024;

/// One file that did not verify, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// The file.
    pub path: PathBuf,
    /// What is wrong with it.
    pub why: String,
}

impl std::fmt::Display for Mismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.why)
    }
}

/// The manifest of an output folder, read and checked to be sresim's.
pub fn read_manifest(dir: &Path) -> Result<Manifest<serde_json::Value>, ReportError> {
    let path = dir.join(MANIFEST_JSON);
    let refuse = |message: &str| ReportError::Encode {
        path: path.clone(),
        message: message.to_string(),
    };
    let mut bytes = Vec::new();
    let file = fs::File::open(&path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            ReportError::Encode {
                path: dir.to_path_buf(),
                message: "has no manifest.json: give the output folder of a run, sweep, comparison or merge".into(),
            }
        } else {
            ReportError::Io {
                path: path.clone(),
                source: e,
            }
        }
    })?;
    file.take(MAX_MANIFEST_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|source| ReportError::Io {
            path: path.clone(),
            source,
        })?;
    if bytes.len() as u64 > MAX_MANIFEST_BYTES {
        return Err(refuse(
            "is larger than 64 MiB; it is not a manifest sresim wrote",
        ));
    }
    if !is_sresim_manifest(&bytes) {
        return Err(refuse("is not a manifest sresim wrote"));
    }
    serde_json::from_slice(&bytes).map_err(|e| refuse(&e.to_string()))
}

/// FNV-1a checksum of a file's bytes as a manifest records it, read in one pass.
fn checksum(path: &Path) -> Result<String, ReportError> {
    super::outdir::file_checksum(path)
}

/// Every file of `dir` that does not verify against its manifest `m`: a listed file
/// that is missing, has no recorded checksum or does not match it, and a CSV file
/// that is there but not listed. Empty when the folder is exactly what the job wrote.
pub fn mismatches(
    dir: &Path,
    m: &Manifest<serde_json::Value>,
) -> Result<Vec<Mismatch>, ReportError> {
    let mut out = Vec::new();
    let mut listed: Vec<&String> = m
        .files
        .iter()
        .chain(m.checksums.keys())
        .filter(|f| *f != MANIFEST_JSON)
        .collect();
    listed.sort();
    listed.dedup();
    for name in &listed {
        let path = dir.join(name);
        let Some(expected) = m.checksums.get(*name) else {
            out.push(Mismatch {
                path,
                why: "has no checksum in the manifest (written by an older sresim?)".into(),
            });
            continue;
        };
        if !fs::symlink_metadata(&path).is_ok_and(|meta| meta.is_file()) {
            out.push(Mismatch {
                path,
                why: "is listed in the manifest but missing".into(),
            });
            continue;
        }
        let actual = checksum(&path)?;
        if &actual != expected {
            out.push(Mismatch {
                path,
                why: format!(
                    "changed after sresim wrote it: its checksum is {actual}, the manifest records {expected}"
                ),
            });
        }
    }
    for name in files::CSV_FILES {
        if dir.join(name).exists() && !listed.iter().any(|l| *l == name) {
            out.push(Mismatch {
                path: dir.join(name),
                why: "is not listed in the manifest".into(),
            });
        }
    }
    Ok(out)
}

/// What reading a folder for its page or charts costs, from the sizes of its files
/// alone (nothing is read).
#[derive(Debug, Clone, PartialEq)]
pub struct ReadEstimate {
    /// Bytes of the CSV files that will be read.
    pub bytes: u64,
    /// Peak memory, bytes: the files read whole, the weekly series summarised per week.
    pub memory: f64,
}

/// Memory per byte of a CSV file read whole (its rows kept as text): measured about
/// 4.6 on a run's `weekly.csv`.
const WHOLE_BYTES_PER_BYTE: f64 = 5.0;

/// Memory per byte of `weekly.csv`, which is read a row at a time and kept as seven
/// numbers per row (56 bytes), at 50 bytes or more per row.
const WEEKLY_BYTES_PER_BYTE: f64 = 56.0 / 50.0;

/// Memory a report or plot takes whatever the folder (program, fonts, page).
const BASE_BYTES: f64 = 48.0 * 1024.0 * 1024.0;

/// The cost of reading the CSV files of `dir` for its page and charts.
pub fn estimate(dir: &Path) -> ReadEstimate {
    let size = |name: &str| fs::metadata(dir.join(name)).map_or(0, |m| m.len());
    let mut bytes = 0;
    let mut memory = BASE_BYTES;
    // A sweep's page and charts read its points.csv, not its per-run files.
    let sweep = dir.join(files::POINTS_CSV).exists();
    for name in files::CSV_FILES {
        let n = size(name);
        if sweep && name != files::POINTS_CSV {
            continue;
        }
        bytes += n;
        memory += n as f64
            * if name == files::WEEKLY_CSV {
                WEEKLY_BYTES_PER_BYTE
            } else {
                WHOLE_BYTES_PER_BYTE
            };
    }
    ReadEstimate { bytes, memory }
}
