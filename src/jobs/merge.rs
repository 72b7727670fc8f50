//! The merge job: shard folders into the files one unsharded sweep writes.

use std::path::PathBuf;

use super::{claim, finish, JobError, Output};
use crate::report::sweep::merge_shards;
use crate::report::{self, Claim, ReportError};

/// What to merge.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MergeSpec {
    /// Shard folders, each written by a sweep with a shard.
    pub shards: Vec<PathBuf>,
    /// Folder for the merged files.
    pub out: PathBuf,
    /// Do not draw charts (CSV only).
    pub no_charts: bool,
    /// The command line, recorded in the manifest.
    pub command_line: Vec<String>,
}

/// What a merge job did.
#[derive(Debug, Clone, PartialEq)]
pub struct MergeReport {
    /// Shards merged.
    pub shards: usize,
    /// The output folder and what was written there.
    pub output: Output,
}

/// Merges the shards of one sweep into `spec.out`: the same `runs.csv`, `points.csv`
/// and per-entity CSVs an unsharded sweep writes, the first shard's manifest (no
/// longer a shard, with `merged_from` and this command line) and the charts. Refuses
/// shards of different sweeps, a missing or repeated shard, and unfinished shards.
pub fn merge(spec: &MergeSpec) -> Result<MergeReport, JobError> {
    refuse_overlap(spec)?;
    let mut out = claim(&spec.out, Claim::Replace)?;
    let stage = out.staging().map_err(JobError::Report)?;
    let (mut files, mut manifest) = merge_shards(&spec.shards, &stage).map_err(JobError::Merge)?;
    files.push("manifest.json".into());
    if let Some(sweep) = manifest.sweep.as_mut() {
        sweep.shard = None;
        sweep.merged_from = Some(
            spec.shards
                .iter()
                .map(|s| s.display().to_string())
                .collect(),
        );
    }
    manifest.files = files;
    manifest.generator = report::GENERATOR.to_string();
    manifest.checksums.clear();
    manifest.command_line = spec.command_line.clone();
    Ok(MergeReport {
        shards: spec.shards.len(),
        output: finish(out, &mut manifest, spec.no_charts)?,
    })
}

/// Refuses an output folder that is one of the shards, lies inside one or holds one:
/// the merge replaces its folder whole, which would delete the shard it reads.
fn refuse_overlap(spec: &MergeSpec) -> Result<(), JobError> {
    let out = report::resolve(&spec.out).map_err(JobError::Merge)?;
    for shard in &spec.shards {
        let Ok(real) = std::fs::canonicalize(shard) else {
            continue; // a missing shard is reported by the merge itself
        };
        if out.starts_with(&real) || real.starts_with(&out) {
            return Err(JobError::Merge(ReportError::Encode {
                path: spec.out.clone(),
                message: format!(
                    "is (or holds, or lies inside) the shard {}; the merge replaces its folder whole, so give --out a folder of its own",
                    shard.display()
                ),
            }));
        }
    }
    Ok(())
}
