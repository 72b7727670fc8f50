//! Sweep output, streamed: `runs.csv`, `points.csv` and the per-entity CSVs grow point
//! by point in `DIR/.partial/` and move into `DIR` only when the sweep is complete.
//!
//! After every point the files are flushed and `progress.json` records which points
//! are done and how long each file was, so an interrupted sweep can `--resume`: the
//! files are cut back to the last complete point and the sweep goes on from there.
//! `sresim merge` combines shard folders into the files one unsharded sweep writes.

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::format::csv_number;
use super::manifest::{Manifest, SweepManifest};
use super::write::{write_atomic, write_atomic_unsynced, ReportError};
use crate::model::metrics::N_METRICS;
use crate::model::{RunResult, Summary, CATALOGUE};
use crate::sweep::ci::MeanCi;

const PARTIAL: &str = ".partial";
const PROGRESS: &str = "progress.json";

/// The per-run CSVs of a sweep, in the order they are written.
pub const SWEEP_FILES: [&str; 6] = [
    "runs.csv",
    "teams.csv",
    "sites.csv",
    "services.csv",
    "weekly.csv",
    "incidents.csv",
];

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> ReportError + '_ {
    move |source| ReportError::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn encode(path: &Path) -> impl Fn(csv::Error) -> ReportError + '_ {
    move |e| ReportError::Encode {
        path: path.to_path_buf(),
        message: e.to_string(),
    }
}

/// Header of `runs.csv`: the leading columns (for a sweep `point`, `replication` and the
/// axis key paths), then the metrics.
pub fn runs_header(lead: &[String]) -> Vec<String> {
    let mut h = lead.to_vec();
    h.extend(CATALOGUE.iter().map(|d| d.key.to_string()));
    h
}

/// One `runs.csv` row: the leading values, then the summary's metrics (see [`csv_number`]).
pub fn runs_record(mut lead: Vec<String>, summary: &Summary) -> Vec<String> {
    lead.extend(summary.values.0.iter().map(|&x| csv_number(x)));
    lead
}

/// Header of `points.csv`: `point`, the axes, `n`, then for each metric its mean,
/// standard deviation and 95% CI bounds.
pub fn points_header(axes: &[String]) -> Vec<String> {
    let mut h = vec!["point".to_string()];
    h.extend(axes.iter().cloned());
    h.push("n".into());
    for d in CATALOGUE {
        for s in ["mean", "sd", "ci95_low", "ci95_high"] {
            h.push(format!("{}_{s}", d.key));
        }
    }
    h
}

/// One `points.csv` row from the metric values of a point's replications.
pub fn points_row(point: usize, axis_values: &[String], metrics: &[Vec<f64>]) -> Vec<String> {
    let mut row = vec![point.to_string()];
    row.extend(axis_values.iter().cloned());
    row.push(metrics.len().to_string());
    for m in 0..N_METRICS {
        let ci = MeanCi::of(metrics.iter().map(|v| v[m]));
        for x in [ci.mean, ci.sd, ci.low(), ci.high()] {
            row.push(csv_number(x));
        }
    }
    row
}

/// What `progress.json` records about an unfinished sweep.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
struct Progress {
    fingerprint: String,
    completed_points: Vec<usize>,
    /// Bytes of each file after the last complete point.
    lengths: BTreeMap<String, u64>,
}

/// One point's rows, already encoded as CSV (on a worker thread, see
/// [`SweepWriter::encode`]), ready to be appended in point order.
#[derive(Debug, Clone)]
pub struct EncodedPoint {
    point: usize,
    /// Per file: its header line (empty when the file has no rows here) and the rows.
    files: Vec<(&'static str, Vec<u8>, Vec<u8>)>,
}

impl EncodedPoint {
    /// The point these rows belong to.
    pub fn point(&self) -> usize {
        self.point
    }
}

/// Encodes serde rows with their header, split into (header line, rows).
fn encode_rows<T: Serialize>(
    file: &'static str,
    rows: &[T],
) -> Result<(Vec<u8>, Vec<u8>), ReportError> {
    let path = Path::new(file);
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in rows {
        w.serialize(r).map_err(encode(path))?;
    }
    let mut bytes = w.into_inner().map_err(|e| ReportError::Encode {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    let split = bytes.iter().position(|&b| b == b'\n').map_or(0, |i| i + 1);
    let rows = bytes.split_off(split);
    Ok((bytes, rows))
}

/// Streams a sweep's CSVs into `DIR/.partial/` and moves them into place at the end.
pub struct SweepWriter {
    dir: PathBuf,
    partial: PathBuf,
    axes: Vec<String>,
    files: BTreeMap<&'static str, BufWriter<File>>,
    progress: Progress,
}

impl SweepWriter {
    /// Starts (or, with `resume`, continues) a sweep in `dir`. `fingerprint` identifies
    /// the sweep: resuming one with another fingerprint is refused, and so is starting
    /// afresh over an interrupted sweep without `resume`.
    pub fn open(
        dir: &Path,
        axes: &[String],
        fingerprint: &str,
        trace: bool,
        resume: bool,
    ) -> Result<Self, ReportError> {
        let partial = dir.join(PARTIAL);
        let progress_path = partial.join(PROGRESS);
        let mut progress = Progress {
            fingerprint: fingerprint.to_string(),
            ..Progress::default()
        };
        if progress_path.exists() {
            let text = fs::read_to_string(&progress_path).map_err(io(&progress_path))?;
            let old: Progress = serde_json::from_str(&text).map_err(|e| ReportError::Encode {
                path: progress_path.clone(),
                message: format!("unreadable progress record: {e}"),
            })?;
            if !resume {
                return Err(ReportError::Encode {
                    path: partial.clone(),
                    message: format!(
                        "holds an interrupted sweep ({} points done); rerun with --resume to continue it, or delete the folder",
                        old.completed_points.len()
                    ),
                });
            }
            if old.fingerprint != fingerprint {
                return Err(ReportError::Encode {
                    path: partial.clone(),
                    message: "holds an interrupted sweep of a different scenario, plan or seed; --resume needs the same command".into(),
                });
            }
            progress = old;
        } else if partial.exists() {
            fs::remove_dir_all(&partial).map_err(io(&partial))?;
        }
        fs::create_dir_all(&partial).map_err(io(&partial))?;
        let mut files = BTreeMap::new();
        for name in SWEEP_FILES {
            if name == "incidents.csv" && !trace {
                continue;
            }
            let path = partial.join(name);
            let keep = progress.lengths.get(name).copied().unwrap_or(0);
            progress.lengths.insert(name.to_string(), keep);
            let f = OpenOptions::new()
                .create(true)
                .truncate(false)
                .write(true)
                .open(&path)
                .map_err(io(&path))?;
            // Cut back to the last complete point, then append.
            f.set_len(keep).map_err(io(&path))?;
            let f = OpenOptions::new()
                .append(true)
                .open(&path)
                .map_err(io(&path))?;
            files.insert(name, BufWriter::new(f));
        }
        let mut w = SweepWriter {
            dir: dir.to_path_buf(),
            partial,
            axes: axes.to_vec(),
            files,
            progress,
        };
        if w.progress.lengths.get("runs.csv").copied().unwrap_or(0) == 0 {
            let mut h = csv::Writer::from_writer(Vec::new());
            let mut lead = vec!["point".to_string(), "replication".to_string()];
            lead.extend(w.axes.iter().cloned());
            h.write_record(runs_header(&lead))
                .map_err(encode(Path::new("runs.csv")))?;
            let bytes = h.into_inner().map_err(|e| ReportError::Encode {
                path: PathBuf::from("runs.csv"),
                message: e.to_string(),
            })?;
            w.append("runs.csv", &bytes)?;
        }
        Ok(w)
    }

    /// Points already complete (when resuming).
    pub fn completed(&self) -> &[usize] {
        &self.progress.completed_points
    }

    fn append(&mut self, file: &'static str, bytes: &[u8]) -> Result<(), ReportError> {
        let path = self.partial.join(file);
        let Some(w) = self.files.get_mut(file) else {
            return Ok(()); // a file this sweep does not write (incidents without --trace)
        };
        w.write_all(bytes).map_err(io(&path))?;
        *self.progress.lengths.entry(file.to_string()).or_insert(0) += bytes.len() as u64;
        Ok(())
    }

    /// Encodes one point's rows for every file. Pure, so sweeps run it on worker
    /// threads; the writer then only appends bytes in point order.
    pub fn encode(
        point: usize,
        axis_values: &[String],
        runs: &[RunResult],
        trace: bool,
    ) -> Result<EncodedPoint, ReportError> {
        let mut w = csv::WriterBuilder::new()
            .has_headers(false)
            .from_writer(Vec::new());
        for r in runs {
            let mut lead = vec![point.to_string(), r.summary.replication.to_string()];
            lead.extend(axis_values.iter().cloned());
            w.write_record(runs_record(lead, &r.summary))
                .map_err(encode(Path::new("runs.csv")))?;
        }
        let runs_rows = w.into_inner().map_err(|e| ReportError::Encode {
            path: PathBuf::from("runs.csv"),
            message: e.to_string(),
        })?;
        let teams: Vec<_> = runs.iter().flat_map(|r| &r.teams).collect();
        let services: Vec<_> = runs.iter().flat_map(|r| &r.services).collect();
        let weekly: Vec<_> = runs.iter().flat_map(|r| &r.weekly).collect();
        let mut files = vec![("runs.csv", Vec::new(), runs_rows)];
        let (h, b) = encode_rows("teams.csv", &teams)?;
        files.push(("teams.csv", h, b));
        let sites: Vec<_> = runs.iter().flat_map(|r| &r.sites).collect();
        let (h, b) = encode_rows("sites.csv", &sites)?;
        files.push(("sites.csv", h, b));
        let (h, b) = encode_rows("services.csv", &services)?;
        files.push(("services.csv", h, b));
        let (h, b) = encode_rows("weekly.csv", &weekly)?;
        files.push(("weekly.csv", h, b));
        if trace {
            let incidents: Vec<_> = runs.iter().flat_map(|r| &r.incidents).collect();
            let (h, b) = encode_rows("incidents.csv", &incidents)?;
            files.push(("incidents.csv", h, b));
        }
        Ok(EncodedPoint { point, files })
    }

    /// Appends one encoded point, flushes, and records progress (`progress.json`).
    pub fn write_encoded(&mut self, e: EncodedPoint) -> Result<(), ReportError> {
        for (name, header, rows) in &e.files {
            if rows.is_empty() {
                continue;
            }
            if self.progress.lengths.get(*name).copied().unwrap_or(0) == 0 {
                self.append(name, header)?;
            }
            self.append(name, rows)?;
        }
        for (name, w) in self.files.iter_mut() {
            w.flush().map_err(io(&self.partial.join(name)))?;
        }
        self.progress.completed_points.push(e.point);
        let json = serde_json::to_vec(&self.progress).map_err(|err| ReportError::Encode {
            path: self.partial.join(PROGRESS),
            message: err.to_string(),
        })?;
        // The data files are not synced per point either: a crash may cost the last
        // points, never consistency (the lengths recorded here cut the files back).
        write_atomic_unsynced(&self.partial.join(PROGRESS), &json)
    }

    /// Appends one complete point ([`SweepWriter::encode`] then
    /// [`SweepWriter::write_encoded`]).
    pub fn write_point(
        &mut self,
        point: usize,
        axis_values: &[String],
        runs: &[RunResult],
        trace: bool,
    ) -> Result<(), ReportError> {
        let e = Self::encode(point, axis_values, runs, trace)?;
        self.write_encoded(e)
    }

    /// Completes the sweep: computes `points.csv` from `runs.csv`, moves every file
    /// into the output folder and removes the partial folder. Returns the file names.
    pub fn finish(mut self) -> Result<Vec<String>, ReportError> {
        for (name, w) in self.files.iter_mut() {
            let path = self.partial.join(name);
            w.flush().map_err(io(&path))?;
            w.get_ref().sync_all().map_err(io(&path))?;
        }
        let names: Vec<&'static str> = self.files.keys().copied().collect();
        drop(self.files);
        let runs = self.partial.join("runs.csv");
        let points = points_csv(&runs, self.axes.len())?;
        write_atomic(&self.dir.join("points.csv"), &points)?;
        let mut written = vec!["points.csv".to_string()];
        for name in SWEEP_FILES.iter().filter(|n| names.contains(n)) {
            let from = self.partial.join(name);
            let to = self.dir.join(name);
            fs::rename(&from, &to).map_err(io(&to))?;
            written.push(name.to_string());
        }
        fs::remove_dir_all(&self.partial).map_err(io(&self.partial))?;
        Ok(written)
    }
}

/// Computes `points.csv` from a `runs.csv` with `n_axes` axis columns. Runs of one
/// point must be consecutive.
pub fn points_csv(runs_csv: &Path, n_axes: usize) -> Result<Vec<u8>, ReportError> {
    let mut rd = csv::Reader::from_path(runs_csv).map_err(encode(runs_csv))?;
    let header: Vec<String> = rd
        .headers()
        .map_err(encode(runs_csv))?
        .iter()
        .map(str::to_owned)
        .collect();
    let axes: Vec<String> = header.iter().skip(2).take(n_axes).cloned().collect();
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(points_header(&axes))
        .map_err(encode(runs_csv))?;
    let bad = |line: u64, m: String| ReportError::Encode {
        path: runs_csv.to_path_buf(),
        message: format!("line {line}: {m}"),
    };
    let mut current: Option<(usize, Vec<String>)> = None;
    let mut metrics: Vec<Vec<f64>> = Vec::new();
    for rec in rd.records() {
        let rec = rec.map_err(encode(runs_csv))?;
        let line = rec.position().map_or(0, |p| p.line());
        let point: usize = rec
            .get(0)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| bad(line, "point is not a number".into()))?;
        let values: Vec<f64> = rec
            .iter()
            .skip(2 + n_axes)
            .map(|s| {
                s.parse::<f64>()
                    .map_err(|_| bad(line, format!("`{s}` is not a number")))
            })
            .collect::<Result<_, _>>()?;
        if values.len() != N_METRICS {
            return Err(bad(line, format!("expected {N_METRICS} metrics")));
        }
        if current.as_ref().is_some_and(|(p, _)| *p != point) {
            if let Some((p, ax)) = current.take() {
                out.write_record(points_row(p, &ax, &metrics))
                    .map_err(encode(runs_csv))?;
            }
            metrics.clear();
        }
        if current.is_none() {
            let ax = rec.iter().skip(2).take(n_axes).map(str::to_owned).collect();
            current = Some((point, ax));
        }
        metrics.push(values);
    }
    if let Some((p, ax)) = current {
        out.write_record(points_row(p, &ax, &metrics))
            .map_err(encode(runs_csv))?;
    }
    out.into_inner().map_err(|e| ReportError::Encode {
        path: runs_csv.to_path_buf(),
        message: e.to_string(),
    })
}

/// Merges shard folders (each written by `sresim sweep --shard K/N`) into `out`:
/// the same `runs.csv`, `points.csv` and per-entity CSVs one unsharded sweep writes.
/// Refuses shards of different sweeps, a missing or repeated shard, and unfinished
/// shards. Returns the file names written and the first shard's manifest.
pub fn merge_shards(
    shards: &[PathBuf],
    out: &Path,
) -> Result<(Vec<String>, Manifest<serde_json::Value>), ReportError> {
    let refuse = |path: &Path, m: String| ReportError::Encode {
        path: path.to_path_buf(),
        message: m,
    };
    if shards.is_empty() {
        return Err(refuse(out, "no shard folders given".into()));
    }
    let mut manifests = Vec::new();
    let mut first_manifest = None;
    for dir in shards {
        let path = dir.join("manifest.json");
        let text = fs::read_to_string(&path).map_err(io(&path))?;
        let not_sweep = |e: serde_json::Error| refuse(&path, format!("not a sweep manifest: {e}"));
        let raw: serde_json::Value = serde_json::from_str(&text).map_err(not_sweep)?;
        manifests.push((
            dir.clone(),
            SweepManifest::deserialize(&raw).map_err(not_sweep)?,
        ));
        if first_manifest.is_none() {
            first_manifest = Some(Manifest::deserialize(&raw).map_err(not_sweep)?);
        }
    }
    let (first_dir, first) = &manifests[0];
    let Some((_, n)) = first.shard else {
        return Err(refuse(
            first_dir,
            "is not a shard (it was run without --shard)".into(),
        ));
    };
    let mut seen = vec![None::<&PathBuf>; n];
    for (dir, m) in &manifests {
        if m.sweep_fingerprint != first.sweep_fingerprint || m.axes != first.axes {
            return Err(refuse(
                dir,
                format!(
                    "belongs to a different sweep than {} (scenario, plan, seed or options differ)",
                    first_dir.display()
                ),
            ));
        }
        match m.shard {
            Some((k, nn)) if nn == n && (1..=n).contains(&k) => {
                if let Some(other) = seen[k - 1] {
                    return Err(refuse(
                        dir,
                        format!("repeats shard {k}/{n} of {}", other.display()),
                    ));
                }
                seen[k - 1] = Some(dir);
            }
            Some((k, nn)) => {
                return Err(refuse(
                    dir,
                    format!("is shard {k}/{nn}; the others are of {n}"),
                ))
            }
            None => {
                return Err(refuse(
                    dir,
                    "is not a shard (it was run without --shard)".into(),
                ))
            }
        }
    }
    if let Some(k) = seen.iter().position(Option::is_none) {
        return Err(refuse(out, format!("shard {}/{n} is missing", k + 1)));
    }
    fs::create_dir_all(out).map_err(io(out))?;
    let mut written = Vec::new();
    for name in SWEEP_FILES {
        let present: Vec<PathBuf> = shards
            .iter()
            .map(|d| d.join(name))
            .filter(|p| p.exists())
            .collect();
        if present.is_empty() {
            continue;
        }
        if present.len() != shards.len() {
            return Err(refuse(out, format!("{name} is missing from some shards")));
        }
        let bytes = merge_csv(&present)?;
        write_atomic(&out.join(name), &bytes)?;
        written.push(name.to_string());
    }
    let points = points_csv(&out.join("runs.csv"), first.axes.len())?;
    write_atomic(&out.join("points.csv"), &points)?;
    written.insert(0, "points.csv".into());
    let manifest = first_manifest.ok_or_else(|| refuse(out, "no shard folders given".into()))?;
    Ok((written, manifest))
}

/// Concatenates CSV files with the same header, ordering rows by their `point` then
/// `replication` columns (stable, so rows of one run keep their order).
fn merge_csv(files: &[PathBuf]) -> Result<Vec<u8>, ReportError> {
    let mut header: Option<csv::StringRecord> = None;
    let mut rows: Vec<(u64, u64, csv::StringRecord)> = Vec::new();
    for path in files {
        let mut rd = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_path(path)
            .map_err(encode(path))?;
        let mut records = rd.records();
        let Some(h) = records.next() else {
            continue; // an empty file (no rows of this kind in the shard)
        };
        let h = h.map_err(encode(path))?;
        match &header {
            None => header = Some(h.clone()),
            Some(prev) if *prev != h => {
                return Err(ReportError::Encode {
                    path: path.clone(),
                    message: "its columns differ from the other shards'".into(),
                })
            }
            Some(_) => {}
        }
        let col = |name: &str| h.iter().position(|c| c == name);
        let (Some(pc), Some(rc)) = (col("point"), col("replication")) else {
            return Err(ReportError::Encode {
                path: path.clone(),
                message: "no point/replication columns".into(),
            });
        };
        for rec in records {
            let rec = rec.map_err(encode(path))?;
            let key = |i: usize| rec.get(i).and_then(|s| s.parse::<u64>().ok());
            let (Some(p), Some(r)) = (key(pc), key(rc)) else {
                return Err(ReportError::Encode {
                    path: path.clone(),
                    message: format!(
                        "line {}: point or replication is not a number",
                        rec.position().map_or(0, |p| p.line())
                    ),
                });
            };
            rows.push((p, r, rec));
        }
    }
    rows.sort_by_key(|(p, r, _)| (*p, *r));
    let mut w = csv::Writer::from_writer(Vec::new());
    if let Some(h) = header {
        w.write_record(&h).map_err(encode(&files[0]))?;
    }
    for (_, _, rec) in rows {
        w.write_record(&rec).map_err(encode(&files[0]))?;
    }
    w.into_inner().map_err(|e| ReportError::Encode {
        path: files[0].clone(),
        message: e.to_string(),
    })
}
