//! Jobs over an output folder that exists: `plot` (its charts redrawn from its CSV
//! files) and `report` (its HTML page). Both check the folder first: it must be
//! sresim's, every file its manifest lists must match the recorded checksum, and
//! reading it must fit the same limits as a job. `force` draws a folder that does not
//! verify, or is past the limits, anyway; the page then says what did not verify.

use std::path::PathBuf;

use super::{claim, JobError, MAX_RESULT_BYTES};
use crate::report::files::{self, MANIFEST_JSON};
use crate::report::verify::{self, Mismatch, ReadEstimate};
use crate::report::{charts, html, Claim, OutputDir};

/// Bytes of CSV a report or plot reads at most without `force`: about a quarter of
/// an hour of one core at the measured 100 MB/s or so.
pub const MAX_READ_BYTES: u64 = 64 * 1024 * 1024 * 1024;

/// What `plot` and `report` do with an output folder.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FolderSpec {
    /// The output folder of a run, sweep, comparison or merge.
    pub dir: PathBuf,
    /// Draw it even when it does not verify or is past the size limits (the page then
    /// carries a warning naming what did not verify).
    pub force: bool,
}

/// What a `report` job wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportOutcome {
    /// The page.
    pub page: PathBuf,
    /// Files that did not verify (drawn anyway, with `force`).
    pub unverified: Vec<String>,
}

/// The folder locked, checked and sized; the files that did not verify (only with
/// `force`: without it, a folder that does not verify is refused).
fn open(spec: &FolderSpec) -> Result<(OutputDir, Vec<Mismatch>), JobError> {
    let lock = claim(&spec.dir, Claim::InPlace)?;
    let estimate = verify::estimate(&spec.dir);
    if !spec.force && (estimate.memory > MAX_RESULT_BYTES || estimate.bytes > MAX_READ_BYTES) {
        return Err(JobError::FolderTooLarge {
            dir: spec.dir.clone(),
            estimate,
        });
    }
    let manifest = verify::read_manifest(&spec.dir).map_err(JobError::Report)?;
    let mismatches = verify::mismatches(&spec.dir, &manifest).map_err(JobError::Report)?;
    if !mismatches.is_empty() && !spec.force {
        return Err(JobError::Unverified(mismatches));
    }
    Ok((lock, mismatches))
}

/// Redraws the charts of an output folder from its CSV files alone and records their
/// checksums in its manifest (charts it no longer draws are removed). Returns the chart
/// files written.
pub fn plot(spec: &FolderSpec) -> Result<Vec<PathBuf>, JobError> {
    let (_lock, _) = open(spec)?;
    let dir = &spec.dir;
    let written = charts::plot_dir(dir).map_err(JobError::Plot)?;
    let mut manifest = verify::read_manifest(dir).map_err(JobError::Report)?;
    let names: Vec<String> = written
        .iter()
        .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .collect();
    let stale: Vec<String> = manifest
        .checksums
        .keys()
        .filter(|k| files::is_chart_name(k) && !names.contains(k))
        .cloned()
        .collect();
    for name in stale {
        manifest.checksums.remove(&name);
        let _ = std::fs::remove_file(dir.join(&name));
    }
    for name in names {
        let sum = crate::report::file_checksum(&dir.join(&name)).map_err(JobError::Report)?;
        manifest.checksums.insert(name, sum);
    }
    manifest.write(dir).map_err(JobError::Report)?;
    Ok(written)
}

/// Builds the HTML page of an output folder (of a run, sweep, comparison or merge) as
/// `DIR/index.html`, with its charts drawn from its CSV files (never taken from its
/// chart files). Returns the page's path.
pub fn report(spec: &FolderSpec) -> Result<ReportOutcome, JobError> {
    let (_lock, mismatches) = open(spec)?;
    let unverified: Vec<String> = mismatches.iter().map(|m| m.to_string()).collect();
    let notices: Vec<String> = unverified
        .iter()
        .map(|m| format!("drawn with --force although it does not verify: {m}"))
        .collect();
    let page = html::write_report(&spec.dir, &notices).map_err(JobError::Plot)?;
    Ok(ReportOutcome { page, unverified })
}

impl std::fmt::Display for ReadEstimate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "reading it is estimated at {:.1} GiB of CSV and {:.1} GiB of memory; without --force the limits are {} GiB and {} GiB",
            self.bytes as f64 / GIB,
            self.memory / GIB,
            MAX_READ_BYTES as f64 / GIB,
            MAX_RESULT_BYTES / GIB
        )
    }
}

const GIB: f64 = 1024.0 * 1024.0 * 1024.0;

/// The message of a folder that does not verify: the first few files and what is wrong.
pub(super) fn unverified_text(mismatches: &[Mismatch]) -> String {
    let shown: Vec<String> = mismatches.iter().take(3).map(|m| m.to_string()).collect();
    let more = match mismatches.len() {
        n if n > 3 => format!(" (and {} more)", n - 3),
        _ => String::new(),
    };
    format!(
        "the folder does not verify against its {MANIFEST_JSON}: {}{more}. Rerun the job that wrote it, or pass --force to draw it anyway under a warning",
        shown.join("; ")
    )
}
