//! Calibration: an incident export (PagerDuty CSV or JSON, Opsgenie, any CSV through a
//! column map) read into incidents, every unusable row counted with its reason, and
//! the values a scenario needs fitted with their intervals.
//!
//! An input layer beside [`crate::scenario`]: pure functions from bytes to rows to
//! fitted values; no files, no printing. `sresim calibrate` ([`crate::jobs::calibrate`])
//! reads the file, writes the scenario and the page and runs the back-test.
//!
//! ```
//! use sresim::calibrate::{self, ReadOptions};
//!
//! let csv = "id,created_at,resolved_at,service_name,team_name,urgency\n\
//!            1,2024-01-01T10:00:00Z,2024-01-01T11:30:00Z,api,core,high\n";
//! let export = calibrate::read(csv.as_bytes(), &ReadOptions::default()).unwrap();
//! assert_eq!(export.format, calibrate::Format::PagerDutyCsv);
//! assert_eq!(export.incidents.len(), 1);
//! ```

pub mod backtest;
mod fit;
mod formats;
pub mod scenario;
pub mod stats;
pub mod time;

use std::collections::{BTreeMap, HashSet};
use std::fmt;

pub use fit::{
    fit, AckFit, Calibration, Estimate, ServiceFit, SeverityFit, TeamFit, Trend, TtmFit,
    MIN_TTM_EVENTS,
};
pub use formats::{detect, Format, FORMAT_NAMES};

use crate::engine::calendar::HOURS_PER_WEEK;
use crate::model::WORKING_TIME;
use time::Stamp;

/// Seconds in a week.
pub const SECONDS_PER_WEEK: f64 = HOURS_PER_WEEK * 3600.0;

/// How to read an export.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// The format; `None` to detect it from the header.
    pub format: Option<Format>,
    /// `KEY=COLUMN` pairs: which column holds `created`, `resolved`, `acknowledged`,
    /// `service`, `severity`, `team` or `id` (required for the generic format,
    /// overriding the format's own columns otherwise).
    pub map: Vec<(String, String)>,
    /// `VALUE=SEVERITY` pairs replacing the format's severity mapping.
    pub severity_map: Vec<(String, String)>,
    /// The zone naive timestamps are read in, and the local time of the profile.
    pub timezone: Option<jiff::tz::TimeZone>,
    /// Its name, as given.
    pub timezone_name: Option<String>,
    /// Rows created before this instant (Unix seconds) are rejected.
    pub since: Option<f64>,
    /// Rows created at or after this instant (Unix seconds) are rejected.
    pub until: Option<f64>,
}

/// The keys `--map` accepts.
pub const MAP_KEYS: [&str; 7] = [
    "created",
    "resolved",
    "acknowledged",
    "service",
    "severity",
    "team",
    "id",
];

/// One usable incident.
#[derive(Debug, Clone, PartialEq)]
pub struct Incident {
    /// Line of the file (CSV) or position in the list (JSON, 1-based).
    pub line: u64,
    /// The export's id (the line when it has none).
    pub id: String,
    /// Service, as named in the export.
    pub service: String,
    /// Team, as named in the export (empty when none).
    pub team: String,
    /// Severity after the mapping.
    pub severity: String,
    /// When it was created (paged).
    pub created: Stamp,
    /// Hours from creation to resolution (`None`: still open).
    pub resolve_hours: Option<f64>,
    /// Hours from creation to the first acknowledgement (`None`: none recorded).
    pub ack_hours: Option<f64>,
}

impl Incident {
    /// Whether it was created in working time (weekdays 07:00–22:00 local, the
    /// model's [`WORKING_TIME`]).
    pub fn in_working_time(&self) -> bool {
        let how = self.created.local_hour_of_week;
        let day = (how / 24.0) as u32;
        let hour = how - f64::from(day) * 24.0;
        day < 5 && (WORKING_TIME.from_hour..WORKING_TIME.to_hour).contains(&hour)
    }
}

/// Why a row is not used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Reason {
    /// A timestamp (created, resolved, acknowledged) cannot be read, is missing where
    /// required, or is naive without `--timezone`.
    UnreadableTimestamp,
    /// Resolved (or acknowledged) before it was created.
    ResolveBeforeCreate,
    /// An id seen on an earlier row.
    DuplicateId,
    /// A severity the mapping does not know (or none).
    UnknownSeverity,
    /// Created outside `--since` / `--until`.
    OutsidePeriod,
}

impl Reason {
    /// Every reason, in the order reports list them.
    pub const ALL: [Reason; 5] = [
        Reason::UnreadableTimestamp,
        Reason::ResolveBeforeCreate,
        Reason::DuplicateId,
        Reason::UnknownSeverity,
        Reason::OutsidePeriod,
    ];

    /// The name `rejected.csv` writes.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::UnreadableTimestamp => "unreadable_timestamp",
            Reason::ResolveBeforeCreate => "resolve_before_create",
            Reason::DuplicateId => "duplicate_id",
            Reason::UnknownSeverity => "unknown_severity",
            Reason::OutsidePeriod => "outside_period",
        }
    }
}

/// A row not used, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Rejected {
    /// Line (CSV) or position (JSON).
    pub line: u64,
    /// Why.
    pub reason: Reason,
    /// The detail (which field, what it held).
    pub detail: String,
    /// The row as read (CSV re-encoded; JSON as one line).
    pub row: String,
}

/// An export read: its incidents, the rows rejected and the period it covers.
#[derive(Debug, Clone)]
pub struct Export {
    /// The format read.
    pub format: Format,
    /// Whether the format was detected from the header (not given).
    pub detected: bool,
    /// Rows read (usable and rejected).
    pub rows: u64,
    /// Usable incidents, in file order.
    pub incidents: Vec<Incident>,
    /// Unusable rows, in file order.
    pub rejected: Vec<Rejected>,
    /// The severity mapping used: export value → severity, with its row count.
    pub severity_mapping: BTreeMap<String, (String, u64)>,
    /// Start of the period (Unix seconds): `--since`, else the first creation.
    pub start: f64,
    /// End of the period (Unix seconds): `--until`, else the last time seen.
    pub end: f64,
    /// Whether the rows carried acknowledgement times.
    pub has_ack: bool,
}

impl Export {
    /// Weeks the period covers.
    pub fn weeks(&self) -> f64 {
        (self.end - self.start) / SECONDS_PER_WEEK
    }

    /// Rejected rows counted by reason, with their first lines (at most `first`).
    pub fn rejections(&self, first: usize) -> Vec<(Reason, u64, Vec<u64>)> {
        Reason::ALL
            .iter()
            .filter_map(|&r| {
                let lines: Vec<u64> = self
                    .rejected
                    .iter()
                    .filter(|x| x.reason == r)
                    .map(|x| x.line)
                    .collect();
                (!lines.is_empty()).then(|| {
                    (
                        r,
                        lines.len() as u64,
                        lines.into_iter().take(first).collect(),
                    )
                })
            })
            .collect()
    }

    /// The export cut at `split` (Unix seconds): the rows created before it, with
    /// every time after it unknown (incidents resolved later are open at the cut),
    /// and the rows created at or after it.
    pub fn split_at(&self, split: f64) -> (Export, Vec<Incident>) {
        let mut train = self.clone();
        train.end = split;
        train.incidents = self
            .incidents
            .iter()
            .filter(|i| i.created.unix_seconds < split)
            .map(|i| {
                let left = (split - i.created.unix_seconds) / 3600.0;
                let mut i = i.clone();
                i.resolve_hours = i.resolve_hours.filter(|h| *h <= left);
                i.ack_hours = i.ack_hours.filter(|h| *h <= left);
                i
            })
            .collect();
        let test = self
            .incidents
            .iter()
            .filter(|i| i.created.unix_seconds >= split)
            .cloned()
            .collect();
        (train, test)
    }
}

/// Why an export cannot be calibrated.
#[derive(Debug, Clone, PartialEq)]
pub enum CalibrateError {
    /// The format cannot be told from the header, or the file is not of the format
    /// given (a required column missing, JSON that is not an incident list).
    Format(String),
    /// A `--map` or `--severity-map` entry is malformed or names an unknown key or
    /// column.
    Map(String),
    /// No row is usable; the reasons counted.
    NoUsableRows {
        /// Rows read.
        rows: u64,
        /// Each reason with its count and first lines.
        reasons: Vec<(Reason, u64, Vec<u64>)>,
    },
}

impl fmt::Display for CalibrateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CalibrateError::Format(m) | CalibrateError::Map(m) => write!(f, "{m}"),
            CalibrateError::NoUsableRows { rows, reasons } => {
                write!(f, "no usable row among {rows}")?;
                if reasons.is_empty() {
                    return write!(f, ": the file holds no incident");
                }
                let parts: Vec<String> = reasons
                    .iter()
                    .map(|(r, n, lines)| {
                        let shown: Vec<String> = lines.iter().map(u64::to_string).collect();
                        format!("{} {n} (lines {})", r.as_str(), shown.join(", "))
                    })
                    .collect();
                write!(f, ": {}", parts.join("; "))
            }
        }
    }
}

impl std::error::Error for CalibrateError {}

/// Parses `KEY=VALUE,KEY=VALUE` (the form of `--map` and `--severity-map`).
pub fn parse_pairs(text: &str, what: &str) -> Result<Vec<(String, String)>, CalibrateError> {
    text.split(',')
        .filter(|p| !p.trim().is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').ok_or_else(|| {
                CalibrateError::Map(format!(
                    "{what} {p:?}: expected KEY=VALUE pairs separated by commas"
                ))
            })?;
            Ok((k.trim().to_string(), v.trim().to_string()))
        })
        .collect()
}

/// One row as a format reader gives it, before its fields are checked.
#[derive(Debug, Clone, Default)]
struct RawRow {
    line: u64,
    id: String,
    created: String,
    /// A resolution timestamp.
    resolved: String,
    /// Seconds from creation to resolution, where the format gives that instead.
    resolve_seconds: String,
    acked: String,
    ack_seconds: String,
    service: String,
    team: String,
    severity: String,
    /// Whether the row says it is still open (a status field), when it has one.
    open: Option<bool>,
    /// The row as read.
    text: String,
}

/// Reads an export: detects (or checks) its format, reads every row, rejects the
/// unusable ones with their reason, and returns the incidents. Fails when the format
/// is unknown or no row is usable.
pub fn read(bytes: &[u8], opt: &ReadOptions) -> Result<Export, CalibrateError> {
    for (k, _) in &opt.map {
        if !MAP_KEYS.contains(&k.as_str()) {
            return Err(CalibrateError::Map(format!(
                "--map {k}=...: unknown key; the keys are {}",
                MAP_KEYS.join(", ")
            )));
        }
    }
    let (format, detected) = match opt.format {
        Some(f) => (f, false),
        None => (formats::detect(bytes)?, true),
    };
    let rows = formats::rows(format, bytes, &opt.map)?;
    let sev_map: Vec<(String, String)> = opt
        .severity_map
        .iter()
        .map(|(k, v)| (k.to_lowercase(), v.clone()))
        .collect();
    let mut out = Export {
        format,
        detected,
        rows: rows.len() as u64,
        incidents: Vec::with_capacity(rows.len()),
        rejected: Vec::new(),
        severity_mapping: BTreeMap::new(),
        start: f64::INFINITY,
        end: f64::NEG_INFINITY,
        has_ack: false,
    };
    let mut seen: HashSet<String> = HashSet::with_capacity(rows.len());
    let mut open_rows = Vec::new();
    for raw in rows {
        let reject = |reason, detail: String| Rejected {
            line: raw.line,
            reason,
            detail,
            row: raw.text.clone(),
        };
        match incident(&raw, format, &sev_map, opt) {
            Err((reason, detail)) => out.rejected.push(reject(reason, detail)),
            Ok((inc, last_seen)) => {
                let key = if raw.id.is_empty() {
                    None
                } else {
                    Some(raw.id.clone())
                };
                if let Some(k) = &key {
                    if !seen.insert(k.clone()) {
                        out.rejected.push(reject(
                            Reason::DuplicateId,
                            format!("id {k:?} is on an earlier row"),
                        ));
                        continue;
                    }
                }
                let entry = out
                    .severity_mapping
                    .entry(raw.severity.trim().to_string())
                    .or_insert_with(|| (inc.severity.clone(), 0));
                entry.1 += 1;
                out.start = out.start.min(inc.created.unix_seconds);
                out.end = out.end.max(last_seen);
                out.has_ack |= inc.ack_hours.is_some();
                if inc.resolve_hours.is_none() {
                    open_rows.push(out.incidents.len());
                }
                out.incidents.push(inc);
            }
        }
    }
    if out.incidents.is_empty() {
        return Err(CalibrateError::NoUsableRows {
            rows: out.rows,
            reasons: out.rejections(5),
        });
    }
    if let Some(s) = opt.since {
        out.start = s;
    }
    if let Some(u) = opt.until {
        out.end = u;
    }
    if out.end <= out.start {
        // One instant only: a period of one second, so that rates stay finite.
        out.end = out.start + 1.0;
    }
    Ok(out)
}

/// The severity of `value` under the mapping given, else the format's own: PagerDuty
/// priorities P1–P5 and Opsgenie's P1–P5 become `sev1`–`sev5`, PagerDuty urgencies
/// stay `high` and `low`; a generic export's values are kept as they are.
fn severity(value: &str, format: Format, map: &[(String, String)]) -> Option<String> {
    let v = value.trim();
    if v.is_empty() {
        return None;
    }
    let lower = v.to_lowercase();
    if !map.is_empty() {
        return map
            .iter()
            .find(|(k, _)| *k == lower)
            .map(|(_, s)| s.clone());
    }
    let priority = || {
        let d = lower.strip_prefix('p')?;
        (d.len() == 1 && ('1'..='5').contains(&d.chars().next()?)).then(|| format!("sev{d}"))
    };
    match format {
        Format::PagerDutyCsv | Format::PagerDutyJson => {
            priority().or_else(|| matches!(lower.as_str(), "high" | "low").then_some(lower.clone()))
        }
        Format::Opsgenie => priority(),
        Format::Generic => Some(v.to_string()),
    }
}

/// Checks one raw row: the incident and the last time it mentions (Unix seconds).
fn incident(
    raw: &RawRow,
    format: Format,
    sev_map: &[(String, String)],
    opt: &ReadOptions,
) -> Result<(Incident, f64), (Reason, String)> {
    let tz = opt.timezone.as_ref();
    let stamp = |field: &str, text: &str| {
        time::parse(text, tz).map_err(|e| (Reason::UnreadableTimestamp, format!("{field}: {e}")))
    };
    if raw.created.trim().is_empty() {
        return Err((
            Reason::UnreadableTimestamp,
            "created: empty; every incident needs its creation time".into(),
        ));
    }
    let created = stamp("created", &raw.created)?;
    let t0 = created.unix_seconds;
    let seconds = |field: &str, text: &str| -> Result<Option<f64>, (Reason, String)> {
        let t = text.trim();
        if t.is_empty() {
            return Ok(None);
        }
        t.parse::<f64>()
            .ok()
            .filter(|x| x.is_finite())
            .map(Some)
            .ok_or_else(|| {
                (
                    Reason::UnreadableTimestamp,
                    format!("{field}: {t:?} is not a number of seconds"),
                )
            })
    };
    let after = |field: &str, ts: &str, secs: &str| -> Result<Option<f64>, (Reason, String)> {
        let d = if !ts.trim().is_empty() {
            Some(stamp(field, ts)?.unix_seconds - t0)
        } else {
            seconds(field, secs)?
        };
        match d {
            Some(d) if d < 0.0 => Err((
                Reason::ResolveBeforeCreate,
                format!("{field} is {:.0} s before created", -d),
            )),
            d => Ok(d.map(|s| s / 3600.0)),
        }
    };
    let mut resolve_hours = after("resolved", &raw.resolved, &raw.resolve_seconds)?;
    if raw.open == Some(true) {
        resolve_hours = None;
    }
    let ack_hours = after("acknowledged", &raw.acked, &raw.ack_seconds)?;
    let severity = severity(&raw.severity, format, sev_map).ok_or_else(|| {
        (
            Reason::UnknownSeverity,
            if raw.severity.trim().is_empty() {
                "no severity (urgency or priority)".to_string()
            } else {
                format!(
                    "severity {:?} is not in the mapping; give --severity-map VALUE=SEVERITY,...",
                    raw.severity.trim()
                )
            },
        )
    })?;
    if opt.since.is_some_and(|s| t0 < s) || opt.until.is_some_and(|u| t0 >= u) {
        return Err((
            Reason::OutsidePeriod,
            "created outside --since/--until".into(),
        ));
    }
    let last = t0 + 3600.0 * resolve_hours.unwrap_or(0.0).max(ack_hours.unwrap_or(0.0));
    let service = if !raw.service.trim().is_empty() {
        raw.service.trim()
    } else if !raw.team.trim().is_empty() {
        raw.team.trim()
    } else {
        "unassigned"
    };
    Ok((
        Incident {
            line: raw.line,
            id: if raw.id.is_empty() {
                raw.line.to_string()
            } else {
                raw.id.clone()
            },
            service: service.to_string(),
            team: raw.team.trim().to_string(),
            severity,
            created,
            resolve_hours,
            ack_hours,
        },
        last,
    ))
}
