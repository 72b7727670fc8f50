//! `manifest.json`: what a run, a sweep, a merge of shards or a comparison records
//! beside its CSV files, so that every output folder can be traced back to its inputs.
//! One type for all of them: common fields, plus an optional part per kind of job.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::write::{write_atomic, ReportError};
use crate::scenario::ScenarioConfig;

/// What `manifest.json` records.
///
/// The common fields describe the inputs and the base scenario; a sweep (or a merge of
/// shards) adds [`SweepManifest`], a comparison [`CompareManifest`]. `S` is the resolved
/// scenario: [`ScenarioConfig`] when writing, `serde_json::Value` when a manifest is read
/// back (as `sresim merge` reads those of its shards).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest<S = ScenarioConfig> {
    /// Always [`GENERATOR`]: marks the folder as sresim's output, which is what lets a
    /// later command replace it (see [`crate::report::outdir`]). Absent in folders
    /// written before the marker existed.
    #[serde(default)]
    pub generator: String,
    /// sresim version.
    pub version: String,
    /// The command line as given.
    pub command_line: Vec<String>,
    /// Where the scenario came from (a path, or the bundled baseline). Absent for a
    /// comparison, whose [`CompareManifest::variants`] record one origin each.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scenario_origin: Option<String>,
    /// The scenario file's text as read (a comparison's base), so that the page can show
    /// its question, sources and assumptions without reading a file outside the folder.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scenario_text: Option<String>,
    /// `--set` overrides (and `--replications`, `--seed`), in order.
    pub overrides: Vec<String>,
    /// The scenario after overrides, validation and defaults. Absent for a comparison,
    /// which records it as [`CompareManifest::resolved_base`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolved_scenario: Option<S>,
    /// Base seed.
    pub seed: u64,
    /// Replications per run (for a sweep with a CI target: the starting number).
    pub replications: u64,
    /// How each replication's streams were seeded.
    pub seed_derivation: String,
    /// Worker threads used.
    pub threads: usize,
    /// Wall time of the job, seconds.
    pub wall_time_seconds: f64,
    /// Files written beside the manifest (charts aside: they are in
    /// [`Manifest::checksums`]).
    pub files: Vec<String>,
    /// Each file's checksum (`fnv1a64:` and 16 hex digits of FNV-1a 64 over its bytes),
    /// charts included, the manifest itself aside: `sresim merge` verifies a shard's
    /// files by them, and `report` and `plot` every file of a folder.
    #[serde(default)]
    pub checksums: BTreeMap<String, String>,
    /// What a sweep, a shard of one or a merge of shards adds.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub sweep: Option<SweepManifest>,
    /// What a comparison adds.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub compare: Option<CompareManifest<S>>,
}

/// The value of [`Manifest::generator`].
pub const GENERATOR: &str = "sresim";

/// The start of [`Manifest::seed_derivation`] in every manifest sresim has written:
/// with the other required fields, how a manifest from before [`GENERATOR`] is known.
pub const SEED_DERIVATION_START: &str = "stream seed = stream_seed(";

/// Whether `bytes` are a manifest sresim wrote: JSON with every field [`Manifest`]
/// requires, and either the [`GENERATOR`] marker or (written before the marker) the
/// seed derivation sresim records.
pub fn is_sresim_manifest(bytes: &[u8]) -> bool {
    match serde_json::from_slice::<Manifest<serde_json::Value>>(bytes) {
        Ok(m) => {
            m.generator == GENERATOR
                || (m.generator.is_empty() && m.seed_derivation.starts_with(SEED_DERIVATION_START))
        }
        Err(_) => false,
    }
}

/// The part of [`Manifest`] that only sweeps have. `sresim merge` reads
/// `sweep_fingerprint`, `shard` and `axes` back from each shard's manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepManifest {
    /// Identifies the sweep (scenario, plan, seed and options), as hex: shards of one
    /// sweep share it, and `--resume` requires the same.
    pub sweep_fingerprint: String,
    /// The axes' key paths, in plan order.
    pub axes: Vec<String>,
    /// Chart titles of the axes that have one (`label` in `[[sweep.axes]]`), by key
    /// path; charts derive a title from the key for the others.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub axis_labels: BTreeMap<String, String>,
    /// Points in the whole plan.
    pub points: usize,
    /// Points drawn by Latin hypercube, when sampled.
    pub sample: Option<usize>,
    /// `(K, N)` for shard K of N; `null` for a whole sweep or a merge.
    pub shard: Option<(usize, usize)>,
    /// Points this shard runs (all of them without a shard).
    pub points_in_shard: usize,
    /// The CI target, when replications were added until it was met.
    pub ci_target: Option<f64>,
    /// Upper bound on replications per point with a CI target.
    pub max_replications: u32,
    /// Fewest replications a point ran (0 when none ran), over every call of a
    /// resumed sweep.
    pub replications_per_point_min: u64,
    /// Most replications a point ran, over every call of a resumed sweep.
    pub replications_per_point_max: u64,
    /// Runs of the whole sweep (or shard), over every call of a resumed sweep.
    pub runs: u64,
    /// The shard folders, for a merge of shards.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merged_from: Option<Vec<String>>,
}

/// The part of [`Manifest`] that only comparisons have.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CompareManifest<S = ScenarioConfig> {
    /// Each variant, the base first.
    pub variants: Vec<VariantOrigin>,
    /// The base scenario after overrides, validation and defaults.
    pub resolved_base: S,
}

/// A compared variant's name and where its scenario came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VariantOrigin {
    /// The variant's name (`base` for the base).
    pub name: String,
    /// Its scenario file, or the base's file followed by the variant's overrides.
    pub origin: String,
}

impl<S: Serialize> Manifest<S> {
    /// Writes the manifest as pretty-printed JSON to `dir/manifest.json`, atomically.
    pub fn write(&self, dir: &Path) -> Result<(), ReportError> {
        let path = dir.join(super::files::MANIFEST_JSON);
        let json = serde_json::to_vec_pretty(self).map_err(|e| ReportError::Encode {
            path: path.clone(),
            message: e.to_string(),
        })?;
        write_atomic(&path, &json)
    }
}
