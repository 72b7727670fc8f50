//! Charts for workshops, drawn from the CSV files of a run, a sweep or a comparison
//! alone, so that `sresim plot DIR` can redraw them without re-running anything. Each
//! chart is written as PNG and SVG beside its CSVs, with a bundled font (DejaVu Sans),
//! large type, thick lines and a colour-blind-safe palette, to be read from the back
//! of a room.
//!
//! ```no_run
//! # fn main() -> Result<(), sresim::report::charts::ChartError> {
//! let written = sresim::report::charts::plot_dir(std::path::Path::new("output/baseline"))?;
//! for path in written {
//!     println!("{}", path.display());
//! }
//! # Ok(())
//! # }
//! ```

mod compare;
mod draw;
mod plan;
mod run;
mod sensitivity;
mod style;
mod sweep;
pub(crate) mod table;

use std::collections::BTreeMap;
use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};

use plotters::prelude::{BitMapBackend, IntoDrawingArea, SVGBackend};

use super::write::temp_path;
use super::ReportError;
pub(crate) use compare::marked_column;
pub(crate) use draw::compact_label;
use draw::Chart;
pub(crate) use sweep::axis_title;
use table::{Rows, Table};

use super::files::{
    COMPARE_CSV, ENGAGEMENTS_CSV, MANIFEST_JSON, PLAN_CSV, POINTS_CSV, REORGS_CSV, SENSITIVITY_CSV,
    SUMMARY_CSV, TEAMS_CSV, TIMELINE_CSV, WEEKLY_CSV,
};

/// Why charts could not be drawn. Every variant names the file or folder concerned;
/// none is a bug in sresim, and none leaves a partial chart under its final name.
#[derive(Debug)]
pub enum ChartError {
    /// A file or folder could not be read, or a chart could not be written to disk.
    Io {
        /// The file or folder.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// A CSV file could not be parsed, has no rows, or lacks a column a chart needs.
    Csv {
        /// The CSV file.
        path: PathBuf,
        /// What is wrong, with the line or column where known.
        message: String,
    },
    /// A chart could not be drawn.
    Draw {
        /// The chart file that was being drawn.
        path: PathBuf,
        /// What plotters said.
        message: String,
    },
    /// The folder holds none of the CSV files charts are drawn from.
    Empty {
        /// The folder.
        dir: PathBuf,
    },
}

impl fmt::Display for ChartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChartError::Io { path, source } => write!(f, "{}: {source}", path.display()),
            ChartError::Csv { path, message } => write!(f, "{}: {message}", path.display()),
            ChartError::Draw { path, message } => {
                write!(f, "{}: cannot draw the chart: {message}", path.display())
            }
            ChartError::Empty { dir } => write!(
                f,
                "no {SUMMARY_CSV}, {POINTS_CSV} or {COMPARE_CSV} in {}",
                dir.display()
            ),
        }
    }
}

impl std::error::Error for ChartError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ChartError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// Draws every chart that the CSV files in `dir` support, writing PNG and SVG files
/// next to them, and returns the paths written (PNG then SVG for each chart).
///
/// - a run (`weekly.csv`, with `teams.csv` for the pager budgets): `ops_load` and
///   `pages_per_shift`, week by week per team, `headcount` when it changes, and
///   `engagement` when `engagements.csv` has rows; each marks the weeks of
///   engagement changes, hires, departures and re-organisations (`reorgs.csv`);
/// - a sweep (`points.csv`; the run charts are then skipped): `sweep_<metric>` and
///   `capacity` for one axis, `heatmap_<metric>` for a two-axis grid, and
///   `scatter_<metric>__<axis>` otherwise, the axes titled by the labels of
///   `manifest.json` where it has them;
/// - a comparison (`compare.csv`): `compare`.
///
/// Each file is written under a temporary name in the same folder and renamed into
/// place when complete.
pub fn plot_dir(dir: &Path) -> Result<Vec<PathBuf>, ChartError> {
    let charts = draw_dir(dir)?;
    let mut written = Vec::with_capacity(2 * charts.len());
    for (stem, chart) in &charts {
        written.extend(save(dir, stem, chart)?);
    }
    Ok(written)
}

/// Every chart the CSV files in `dir` support (see [`plot_dir`]), drawn in memory and
/// not written: by file stem.
fn draw_dir(dir: &Path) -> Result<Vec<(String, Chart)>, ChartError> {
    fs::metadata(dir).map_err(|source| ChartError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let has = |name: &str| dir.join(name).is_file();
    if ![
        SUMMARY_CSV,
        WEEKLY_CSV,
        POINTS_CSV,
        COMPARE_CSV,
        PLAN_CSV,
        SENSITIVITY_CSV,
    ]
    .iter()
    .any(|f| has(f))
    {
        return Err(ChartError::Empty {
            dir: dir.to_path_buf(),
        });
    }

    let mut charts: Vec<(String, Chart)> = Vec::new();
    if has(SENSITIVITY_CSV) {
        return sensitivity::charts(&Table::read(&dir.join(SENSITIVITY_CSV))?);
    }
    if has(PLAN_CSV) {
        let timeline = read_rows(dir, TIMELINE_CSV)?;
        let mut charts = plan::charts(&Table::read(&dir.join(PLAN_CSV))?)?;
        if let Some(t) = timeline {
            charts.extend(plan::timeline_chart(&t)?);
        }
        return Ok(charts);
    }
    if has(POINTS_CSV) {
        let labels = axis_labels(dir);
        charts.extend(sweep::charts(
            &Table::read(&dir.join(POINTS_CSV))?,
            &labels,
        )?);
    } else if has(WEEKLY_CSV) || !has(COMPARE_CSV) {
        // A run folder; reading weekly.csv names it when only summary.csv is there.
        let weekly = Rows::open(&dir.join(WEEKLY_CSV))?;
        // (A sweep folder always has points.csv, so this weekly.csv is one run's.)
        let teams = if has(TEAMS_CSV) {
            Some(Table::read(&dir.join(TEAMS_CSV))?)
        } else {
            None
        };
        // Only the header when no pager changed hands (or no team was re-organised):
        // nothing to draw or mark.
        let engagements = read_rows(dir, ENGAGEMENTS_CSV)?;
        let reorgs = read_rows(dir, REORGS_CSV)?;
        let events = run::events(&weekly, engagements.as_ref(), reorgs.as_ref())?;
        charts.extend(run::charts(&weekly, teams.as_ref(), &events)?);
        if let (Some(teams), Some(engagements)) = (&teams, &engagements) {
            if let Some(chart) = run::engagement_chart(&weekly, teams, engagements, &events)? {
                charts.push(("engagement".into(), chart));
            }
        }
    }
    if has(COMPARE_CSV) {
        charts.extend(compare::charts(&Table::read(&dir.join(COMPARE_CSV))?)?);
    }

    Ok(charts)
}

/// `dir/name` when it has rows; `None` when it is missing or only a header.
fn read_rows(dir: &Path, name: &str) -> Result<Option<Table>, ChartError> {
    let has_rows = fs::read_to_string(dir.join(name)).is_ok_and(|t| t.lines().nth(1).is_some());
    has_rows.then(|| Table::read(&dir.join(name))).transpose()
}

/// The sweep axes' labels recorded in `dir/manifest.json` (`axis_labels`), by key
/// path. Charts are drawn from the CSV files alone, so a missing or unreadable manifest
/// only means that every axis title is derived from its key.
fn axis_labels(dir: &Path) -> BTreeMap<String, String> {
    fs::read_to_string(dir.join(MANIFEST_JSON))
        .ok()
        .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
        .and_then(|mut m| serde_json::from_value(m.get_mut("axis_labels")?.take()).ok())
        .unwrap_or_default()
}

/// Every chart the CSV files in `dir` support, as SVG text drawn in memory (nothing
/// read from or written to the folder's chart files), by file stem in name order.
pub(crate) fn draw_svgs(dir: &Path) -> Result<Vec<(String, String)>, ChartError> {
    let mut drawn = draw_dir(dir)?;
    drawn.sort_by(|a, b| a.0.cmp(&b.0));
    drawn
        .iter()
        .map(|(stem, chart)| Ok((stem.clone(), svg_text(stem, chart)?)))
        .collect()
}

/// `chart` as SVG text, drawn by sresim's own code (never read from a file).
fn svg_text(stem: &str, chart: &Chart) -> Result<String, ChartError> {
    style::ensure_fonts().map_err(|message| ChartError::Draw {
        path: PathBuf::from(format!("{stem}.svg")),
        message,
    })?;
    let mut text = String::new();
    {
        let root = SVGBackend::with_string(&mut text, chart.size()).into_drawing_area();
        chart
            .draw(&root)
            .and_then(|()| root.present())
            .map_err(|e| ChartError::Draw {
                path: PathBuf::from(format!("{stem}.svg")),
                message: e.to_string(),
            })?;
    }
    Ok(text)
}

/// Writes `chart` as `<stem>.png` and `<stem>.svg` in `dir`.
fn save(dir: &Path, stem: &str, chart: &Chart) -> Result<[PathBuf; 2], ChartError> {
    let png = dir.join(format!("{stem}.png"));
    let svg = dir.join(format!("{stem}.svg"));
    style::ensure_fonts().map_err(|message| ChartError::Draw {
        path: png.clone(),
        message,
    })?;
    let size = chart.size();

    // The bitmap backend writes its file itself and picks the encoder by extension, so
    // the temporary name keeps `.png`.
    let tmp = temp_path(&png);
    let drawn = {
        let root = BitMapBackend::new(&tmp, size).into_drawing_area();
        chart
            .draw(&root)
            .and_then(|()| root.present())
            .map_err(|e| e.to_string())
    };
    let renamed = drawn
        .map_err(|message| ChartError::Draw {
            path: png.clone(),
            message,
        })
        .and_then(|()| {
            fs::rename(&tmp, &png).map_err(|source| ChartError::Io {
                path: png.clone(),
                source,
            })
        });
    if renamed.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    renamed?;

    let text = svg_text(stem, chart)?;
    write_atomic(&svg, text.as_bytes())?;
    Ok([png, svg])
}

/// Writes `bytes` to `path` atomically (see [`crate::report::write_atomic`]).
fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), ChartError> {
    crate::report::write_atomic(path, bytes).map_err(|e| match e {
        ReportError::Io { path, source } => ChartError::Io { path, source },
        ReportError::Encode { path, message } => ChartError::Draw { path, message },
    })
}
