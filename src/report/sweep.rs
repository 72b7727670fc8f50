//! Sweep output, streamed: `runs.csv`, `points.csv` and the per-entity CSVs grow point
//! by point in `DIR/.partial/` and move into `DIR` only when the sweep is complete.
//!
//! After every point the files are flushed and the journal `progress.log` records the
//! point and the length and checksum of what it added to each file, so an interrupted
//! sweep can `--resume`: every recorded point is verified, the files are cut back to the
//! last point that verifies and the sweep goes on from there.
//! `sresim merge` combines shard folders into the files one unsharded sweep writes.

use std::fs::{self, File, OpenOptions};
use std::io::{BufWriter, Read as _, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::format::csv_number;
use super::manifest::Manifest;
use super::outdir::{checksum_text, Fnv};
use super::write::{header_line, write_atomic, write_atomic_unsynced, ReportError};
use crate::model::metrics::N_METRICS;
use crate::model::{EngagementRecord, ReorgRecord, RunResult, Summary, CATALOGUE};
use crate::sweep::ci::MeanCi;

/// The journal of a sweep's complete points, in its partial folder.
pub(crate) const PROGRESS: &str = "progress.log";

/// The per-run CSVs of a sweep, in the order they are written.
pub const SWEEP_FILES: [&str; 8] = [
    "runs.csv",
    "teams.csv",
    "sites.csv",
    "services.csv",
    "weekly.csv",
    "reorgs.csv",
    "engagements.csv",
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

/// One point's rows, already encoded as CSV (on a worker thread, see
/// [`SweepWriter::encode`]), ready to be appended in point order.
#[derive(Debug, Clone)]
pub struct EncodedPoint {
    point: usize,
    runs: u64,
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

/// Streams a sweep's CSVs into a partial folder (`DIR/.partial/`) and moves them into
/// the output at the end.
///
/// After every point the files are flushed and one line is appended to the journal
/// (`progress.log`): the point, its runs, and for each file the length and FNV-1a
/// checksum of the bytes the point added, then a checksum of the line itself. A resume
/// reads the journal, checks every recorded chunk of every file against it, keeps the
/// points up to the first one that does not verify, cuts the files back to them and
/// recomputes the rest.
pub struct SweepWriter {
    partial: PathBuf,
    axes: Vec<String>,
    /// The files this sweep writes, in [`SWEEP_FILES`] order, with their writers,
    /// lengths and running checksums (so the manifest's need no second read).
    files: Vec<(&'static str, BufWriter<File>, u64, Fnv)>,
    journal: BufWriter<File>,
    /// Complete points, in the order written, with their runs.
    done: Vec<(usize, u64)>,
    /// Points recorded as complete that did not verify on resume.
    dropped: usize,
}

/// One journal line: a complete point and the chunk it added to each file.
#[derive(Debug, Clone, PartialEq)]
struct Entry {
    point: usize,
    runs: u64,
    chunks: Vec<(u64, u64)>,
}

impl Entry {
    fn line(&self) -> String {
        let mut s = format!("P {} {}", self.point, self.runs);
        for (len, hash) in &self.chunks {
            s.push_str(&format!(" {len}:{hash:016x}"));
        }
        let check = Fnv::of(s.as_bytes());
        format!("{s} {check:016x}\n")
    }

    /// Parses a line written by [`Entry::line`]; `None` when it is damaged.
    fn parse(line: &str, n_files: usize) -> Option<Entry> {
        let (body, check) = line.rsplit_once(' ')?;
        if u64::from_str_radix(check, 16).ok()? != Fnv::of(body.as_bytes()) {
            return None;
        }
        let mut words = body.split(' ');
        if words.next()? != "P" {
            return None;
        }
        let point = words.next()?.parse().ok()?;
        let runs = words.next()?.parse().ok()?;
        let chunks = words
            .map(|w| {
                let (len, hash) = w.split_once(':')?;
                Some((len.parse().ok()?, u64::from_str_radix(hash, 16).ok()?))
            })
            .collect::<Option<Vec<_>>>()?;
        (chunks.len() == n_files && runs > 0).then_some(Entry {
            point,
            runs,
            chunks,
        })
    }
}

/// The journal's first line.
const JOURNAL_MAGIC: &str = "sresim sweep progress 1";

/// Why a journal cannot be resumed at all (rather than in part).
fn refuse(path: &Path, message: impl Into<String>) -> ReportError {
    ReportError::Encode {
        path: path.to_path_buf(),
        message: message.into(),
    }
}

/// Reads a journal: its fingerprint line, the entries up to the first damaged line, and
/// the number of lines from that one on.
fn read_journal(path: &Path, n_files: usize) -> Result<(String, Vec<Entry>, usize), ReportError> {
    let bytes = fs::read(path).map_err(io(path))?;
    let text = String::from_utf8_lossy(&bytes);
    let mut lines = text.split_inclusive('\n');
    let unreadable = || {
        refuse(
            path,
            "is not a progress record sresim can read; delete the folder's .partial/ to start the sweep over",
        )
    };
    if lines.next().map(str::trim_end) != Some(JOURNAL_MAGIC) {
        return Err(unreadable());
    }
    let fingerprint = match lines.next() {
        Some(l) if l.ends_with('\n') => l.trim_end().to_string(),
        _ => return Err(unreadable()),
    };
    let mut entries = Vec::new();
    let mut damaged = 0;
    for line in lines {
        // A line without its newline was cut short by a crash; a line that does not
        // parse, or breaks the point order, was damaged: it and all after it are void.
        let entry = line
            .strip_suffix('\n')
            .and_then(|l| Entry::parse(l, n_files))
            .filter(|e| entries.last().is_none_or(|p: &Entry| p.point < e.point));
        match entry {
            Some(e) if damaged == 0 => entries.push(e),
            _ => damaged += 1,
        }
    }
    Ok((fingerprint, entries, damaged))
}

/// The number of entries (from the start) whose chunks are all present and intact in
/// the files, and each file's length and running checksum after them.
fn verify(
    partial: &Path,
    names: &[&'static str],
    entries: &[Entry],
) -> (usize, Vec<u64>, Vec<Fnv>) {
    let mut readers: Vec<Option<std::io::BufReader<File>>> = names
        .iter()
        .map(|n| {
            File::open(partial.join(n))
                .ok()
                .map(std::io::BufReader::new)
        })
        .collect();
    let mut lengths = vec![0u64; names.len()];
    let mut wholes = vec![Fnv::new(); names.len()];
    let mut next = wholes.clone();
    let mut buf = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        for (f, &(len, hash)) in e.chunks.iter().enumerate() {
            next[f] = wholes[f];
            let ok = match &mut readers[f] {
                None => len == 0,
                Some(r) => {
                    buf.clear();
                    let read = r.by_ref().take(len).read_to_end(&mut buf);
                    read.is_ok_and(|n| n as u64 == len)
                        && Fnv::of(&buf) == hash
                        && (names[f] != "runs.csv" || runs_chunk_ok(&buf, e, i == 0))
                }
            };
            if !ok {
                return (i, lengths, wholes);
            }
            next[f].write(&buf);
        }
        // Only a point whose chunks all verify moves the lengths and checksums on.
        for (l, &(len, _)) in lengths.iter_mut().zip(&e.chunks) {
            *l += len;
        }
        wholes.clone_from(&next);
    }
    (entries.len(), lengths, wholes)
}

/// Whether a point's `runs.csv` chunk holds exactly its runs, each of its point (after
/// the header line when the chunk starts the file).
fn runs_chunk_ok(chunk: &[u8], e: &Entry, with_header: bool) -> bool {
    let text = String::from_utf8_lossy(chunk);
    let mut lines: Vec<&str> = text.split_terminator('\n').collect();
    if with_header && !lines.is_empty() {
        lines.remove(0);
    }
    let prefix = format!("{},", e.point);
    lines.len() as u64 == e.runs && lines.iter().all(|l| l.starts_with(&prefix))
}

impl SweepWriter {
    /// Starts (or, with `resume`, continues) a sweep whose unfinished files live in
    /// `partial` (the output folder's `.partial/`). `fingerprint` identifies the sweep:
    /// resuming one with another fingerprint is refused, and so is starting afresh over
    /// an interrupted sweep without `resume`. On resume, the points that do not verify
    /// (see [`SweepWriter::dropped`]) are cut off and run again.
    pub fn open(
        partial: &Path,
        axes: &[String],
        fingerprint: &str,
        trace: bool,
        resume: bool,
    ) -> Result<Self, ReportError> {
        let names: Vec<&'static str> = SWEEP_FILES
            .into_iter()
            .filter(|n| trace || *n != "incidents.csv")
            .collect();
        let journal_path = partial.join(PROGRESS);
        let mut kept = Vec::new();
        let mut lengths = vec![0u64; names.len()];
        let mut wholes = vec![Fnv::new(); names.len()];
        let mut dropped = 0;
        if journal_path.exists() {
            let (old_fingerprint, entries, damaged) = read_journal(&journal_path, names.len())?;
            if !resume {
                return Err(refuse(
                    partial,
                    format!(
                        "holds an interrupted sweep ({} points done); rerun with --resume to continue it, or delete the folder",
                        entries.len()
                    ),
                ));
            }
            if old_fingerprint != fingerprint {
                return Err(refuse(
                    partial,
                    "holds an interrupted sweep of a different scenario, plan or seed; --resume needs the same command",
                ));
            }
            let (good, lens, sums) = verify(partial, &names, &entries);
            dropped = entries.len() - good + damaged;
            kept = entries;
            kept.truncate(good);
            lengths = lens;
            wholes = sums;
        } else if partial.exists() {
            fs::remove_dir_all(partial).map_err(io(partial))?;
        }
        fs::create_dir_all(partial).map_err(io(partial))?;
        let mut files = Vec::new();
        for ((name, &keep), &whole) in names.iter().zip(&lengths).zip(&wholes) {
            let path = partial.join(name);
            let f = OpenOptions::new()
                .create(true)
                .truncate(false)
                .write(true)
                .open(&path)
                .map_err(io(&path))?;
            // Cut back to the last verified point, then append.
            f.set_len(keep).map_err(io(&path))?;
            let f = OpenOptions::new()
                .append(true)
                .open(&path)
                .map_err(io(&path))?;
            files.push((*name, BufWriter::new(f), keep, whole));
        }
        let mut text = format!("{JOURNAL_MAGIC}\n{fingerprint}\n");
        for e in &kept {
            text.push_str(&e.line());
        }
        write_atomic_unsynced(&journal_path, text.as_bytes())?;
        let journal = OpenOptions::new()
            .append(true)
            .open(&journal_path)
            .map_err(io(&journal_path))?;
        Ok(SweepWriter {
            partial: partial.to_path_buf(),
            axes: axes.to_vec(),
            files,
            journal: BufWriter::new(journal),
            done: kept.iter().map(|e| (e.point, e.runs)).collect(),
            dropped,
        })
    }

    /// Points already complete (when resuming), in point order.
    pub fn completed(&self) -> Vec<usize> {
        self.done.iter().map(|&(p, _)| p).collect()
    }

    /// Points complete so far (verified ones from earlier calls included).
    pub fn completed_count(&self) -> usize {
        self.done.len()
    }

    /// Points an earlier call recorded as complete whose rows did not verify on resume
    /// (cut short, changed or missing); they are run again.
    pub fn dropped(&self) -> usize {
        self.dropped
    }

    /// Fewest and most runs of a complete point, and all runs, over every call of the
    /// sweep so far; `(0, 0, 0)` before the first point.
    pub fn runs(&self) -> (u64, u64, u64) {
        let min = self.done.iter().map(|&(_, r)| r).min().unwrap_or(0);
        let max = self.done.iter().map(|&(_, r)| r).max().unwrap_or(0);
        (min, max, self.done.iter().map(|&(_, r)| r).sum())
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
        let reorgs: Vec<_> = runs.iter().flat_map(|r| &r.reorgs).collect();
        let (h, b) = encode_rows("reorgs.csv", &reorgs)?;
        files.push(("reorgs.csv", h, b));
        let engagements: Vec<_> = runs.iter().flat_map(|r| &r.engagements).collect();
        let (h, b) = encode_rows("engagements.csv", &engagements)?;
        files.push(("engagements.csv", h, b));
        if trace {
            let incidents: Vec<_> = runs.iter().flat_map(|r| &r.incidents).collect();
            let (h, b) = encode_rows("incidents.csv", &incidents)?;
            files.push(("incidents.csv", h, b));
        }
        Ok(EncodedPoint {
            point,
            runs: runs.len() as u64,
            files,
        })
    }

    /// The header line of `runs.csv`.
    fn runs_header_line(&self) -> Result<Vec<u8>, ReportError> {
        let mut h = csv::Writer::from_writer(Vec::new());
        let mut lead = vec!["point".to_string(), "replication".to_string()];
        lead.extend(self.axes.iter().cloned());
        h.write_record(runs_header(&lead))
            .map_err(encode(Path::new("runs.csv")))?;
        h.into_inner().map_err(|e| ReportError::Encode {
            path: PathBuf::from("runs.csv"),
            message: e.to_string(),
        })
    }

    /// Appends one encoded point, flushes, and records it in the journal.
    pub fn write_encoded(&mut self, e: EncodedPoint) -> Result<(), ReportError> {
        let runs_header = self.runs_header_line()?;
        let mut chunks = Vec::with_capacity(self.files.len());
        for (name, w, len, whole) in &mut self.files {
            let path = self.partial.join(*name);
            let mut h = Fnv::new();
            let mut n = 0u64;
            if let Some((_, header, rows)) = e.files.iter().find(|(f, _, _)| f == name) {
                if !rows.is_empty() {
                    if *len == 0 {
                        let header = if *name == "runs.csv" {
                            &runs_header
                        } else {
                            header
                        };
                        w.write_all(header).map_err(io(&path))?;
                        h.write_both(whole, header);
                        n += header.len() as u64;
                    }
                    w.write_all(rows).map_err(io(&path))?;
                    h.write_both(whole, rows);
                    n += rows.len() as u64;
                }
            }
            w.flush().map_err(io(&path))?;
            *len += n;
            chunks.push((n, h.finish()));
        }
        let entry = Entry {
            point: e.point,
            runs: e.runs,
            chunks,
        };
        // The data files are not synced per point, nor is the journal: a crash may
        // cost the last points, never consistency (a resume checks every chunk).
        let path = self.partial.join(PROGRESS);
        self.journal
            .write_all(entry.line().as_bytes())
            .and_then(|()| self.journal.flush())
            .map_err(io(&path))?;
        self.done.push((e.point, e.runs));
        Ok(())
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

    /// Completes the sweep: computes `points.csv` from `runs.csv` into `dest` and moves
    /// every file there (the partial folder keeps only its journal, and goes with the
    /// old output folder). Returns each file's name and checksum (as a manifest
    /// records it), `points.csv` first.
    pub fn finish(self, dest: &Path) -> Result<Vec<(String, String)>, ReportError> {
        let mut files = Vec::new();
        for (name, mut w, len, mut whole) in self.files {
            let path = self.partial.join(name);
            let empty_header = match name {
                "reorgs.csv" => Some(header_line::<ReorgRecord>()?),
                "engagements.csv" => Some(header_line::<EngagementRecord>()?),
                _ => None,
            };
            if let Some(header) = empty_header.filter(|_| len == 0) {
                // No row in any run: the file still has its header.
                w.write_all(&header).map_err(io(&path))?;
                whole = Fnv::new();
                whole.write(&header);
            }
            w.flush().map_err(io(&path))?;
            w.get_ref().sync_all().map_err(io(&path))?;
            files.push((name, whole));
        }
        let runs = self.partial.join("runs.csv");
        let points = points_csv(&runs, self.axes.len())?;
        write_atomic(&dest.join("points.csv"), &points)?;
        let mut written = vec![("points.csv".to_string(), checksum_text(Fnv::of(&points)))];
        for (name, whole) in files {
            let from = self.partial.join(name);
            let to = dest.join(name);
            fs::rename(&from, &to).map_err(io(&to))?;
            written.push((name.to_string(), checksum_text(whole.finish())));
        }
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

/// Merges shard folders (each written by `sresim sweep --shard K/N`) into `out` (a
/// staging folder): the same `runs.csv`, `points.csv` and per-entity CSVs one unsharded
/// sweep writes. Refuses shards of different sweeps, a missing or repeated shard,
/// unfinished shards, and a shard whose files do not match the checksums its manifest
/// records, or whose rows are not exactly its points. Returns the file names written
/// and the first shard's manifest.
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
        let text = fs::read_to_string(&path).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                refuse(
                    dir,
                    "has no manifest.json: not a finished sweep shard".into(),
                )
            } else {
                io(&path)(e)
            }
        })?;
        let not_sweep = |e: serde_json::Error| refuse(&path, format!("not a sweep manifest: {e}"));
        let raw: serde_json::Value = serde_json::from_str(&text).map_err(not_sweep)?;
        let m: Manifest<serde_json::Value> = Manifest::deserialize(&raw).map_err(not_sweep)?;
        let Some(sweep) = m.sweep.clone() else {
            return Err(refuse(&path, "not a sweep manifest".into()));
        };
        verify_files(dir, &m)?;
        manifests.push((dir.clone(), sweep));
        if first_manifest.is_none() {
            first_manifest = Some(m);
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
                let expected = crate::sweep::shard_points(m.points, Some((k, n)));
                let found = runs_points(&dir.join("runs.csv"))?;
                if found != expected {
                    return Err(refuse(
                        &dir.join("runs.csv"),
                        format!(
                            "holds points {} but shard {k}/{n} of a {}-point sweep is points {}",
                            list_points(&found),
                            m.points,
                            list_points(&expected)
                        ),
                    ));
                }
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

/// Checks every file a shard's manifest lists against the checksum it records.
fn verify_files(dir: &Path, m: &Manifest<serde_json::Value>) -> Result<(), ReportError> {
    for name in m.files.iter().filter(|f| *f != "manifest.json") {
        let path = dir.join(name);
        let Some(expected) = m.checksums.get(name) else {
            return Err(refuse(
                &dir.join("manifest.json"),
                format!("records no checksum for {name}; rerun the shard with this sresim"),
            ));
        };
        if !path.is_file() {
            return Err(refuse(
                &path,
                "is listed in the shard's manifest but missing".to_string(),
            ));
        }
        let actual = super::outdir::file_checksum(&path)?;
        if &actual != expected {
            return Err(refuse(
                &path,
                format!(
                    "does not match the checksum its manifest records ({actual}, expected {expected}): the file changed after the shard finished; rerun the shard"
                ),
            ));
        }
    }
    Ok(())
}

/// The distinct points of a `runs.csv`, in order of appearance.
fn runs_points(path: &Path) -> Result<Vec<usize>, ReportError> {
    let mut rd = csv::Reader::from_path(path).map_err(encode(path))?;
    let mut points: Vec<usize> = Vec::new();
    for rec in rd.records() {
        let rec = rec.map_err(encode(path))?;
        let p = rec
            .get(0)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| refuse(path, "a point is not a number".to_string()))?;
        if points.last() != Some(&p) {
            points.push(p);
        }
    }
    Ok(points)
}

/// A short rendering of a list of points.
fn list_points(points: &[usize]) -> String {
    let shown: Vec<String> = points.iter().take(6).map(usize::to_string).collect();
    let more = if points.len() > 6 { ", ..." } else { "" };
    format!("[{}{more}] ({} in all)", shown.join(", "), points.len())
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
