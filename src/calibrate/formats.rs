//! The export formats, told apart by their header, and each one's columns mapped to
//! the fields calibration reads. Header names are compared without case and without
//! anything but letters and digits (`created_at`, `createdAt` and `Created At` match).

use super::{CalibrateError, RawRow};

/// An export format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// PagerDuty Analytics raw-incident export (CSV): `created_at`, `resolved_at`,
    /// `seconds_to_first_ack`, `seconds_to_resolve`, `service_name`, `team_name`,
    /// `urgency`, `priority_name`, `id` / `incident_number`.
    PagerDutyCsv,
    /// PagerDuty REST API incident list (JSON): `created_at`, `status`,
    /// `last_status_change_at`, `service.summary`, `urgency`, `priority.summary`,
    /// `teams[].summary`, `id`.
    PagerDutyJson,
    /// Opsgenie alert export (CSV): `TinyId`, `CreatedAt`, `AcknowledgedAt` or
    /// `AckTime` (ms), `ClosedAt` or `CloseTime` (ms), `Status`, `Priority` (P1–P5),
    /// `Teams`, `Tags` (a `service:NAME` tag names the service), `Entity`.
    Opsgenie,
    /// Any CSV, its columns named with `--map`.
    Generic,
}

impl Format {
    /// The name `--format` takes and reports show.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::PagerDutyCsv => "pagerduty",
            Format::PagerDutyJson => "pagerduty-json",
            Format::Opsgenie => "opsgenie",
            Format::Generic => "generic",
        }
    }

    /// The format named `s` (`pagerduty` reads CSV or JSON, whichever the file is).
    pub fn parse(s: &str, bytes: &[u8]) -> Option<Format> {
        match s {
            "pagerduty" if is_json(bytes) => Some(Format::PagerDutyJson),
            "pagerduty" => Some(Format::PagerDutyCsv),
            "pagerduty-json" => Some(Format::PagerDutyJson),
            "opsgenie" => Some(Format::Opsgenie),
            "generic" => Some(Format::Generic),
            _ => None,
        }
    }
}

/// The names `--format` accepts.
pub const FORMAT_NAMES: &str = "pagerduty, pagerduty-json, opsgenie, generic";

fn is_json(bytes: &[u8]) -> bool {
    let start = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    start
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|b| *b == b'{' || *b == b'[')
}

/// A header name compared: lower case, letters and digits only.
fn norm(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// The format of an export, from its first bytes and header line.
pub fn detect(bytes: &[u8]) -> Result<Format, CalibrateError> {
    if is_json(bytes) {
        return Ok(Format::PagerDutyJson);
    }
    let header = header(bytes)?;
    let has = |n: &str| header.iter().any(|h| norm(h) == n);
    if has("createdat")
        && (has("secondstoresolve") || has("servicename") || has("secondstofirstack"))
    {
        return Ok(Format::PagerDutyCsv);
    }
    if has("tinyid") || (has("createdat") && has("priority") && (has("teams") || has("tags"))) {
        return Ok(Format::Opsgenie);
    }
    Err(CalibrateError::Format(format!(
        "cannot tell the format from the header ({}): it is not a PagerDuty export (created_at with service_name or seconds_to_resolve) nor an Opsgenie one (TinyId, or CreatedAt with Priority and Teams or Tags); give --format generic --map created=COLUMN,resolved=COLUMN,service=COLUMN,severity=COLUMN,...",
        header.join(", ")
    )))
}

fn header(bytes: &[u8]) -> Result<Vec<String>, CalibrateError> {
    let mut r = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    let h = r
        .headers()
        .map_err(|e| CalibrateError::Format(format!("the header line cannot be read: {e}")))?;
    Ok(h.iter()
        .map(|s| s.trim_start_matches('\u{feff}').to_string())
        .collect())
}

/// The rows of an export of `format`, with `map` naming columns.
pub(super) fn rows(
    format: Format,
    bytes: &[u8],
    map: &[(String, String)],
) -> Result<Vec<RawRow>, CalibrateError> {
    match format {
        Format::PagerDutyJson => json_rows(bytes),
        _ => csv_rows(format, bytes, map),
    }
}

/// Where each field comes from in a CSV.
#[derive(Default)]
struct Columns {
    id: Option<usize>,
    created: Option<usize>,
    resolved: Option<usize>,
    resolve_seconds: Option<usize>,
    /// Milliseconds rather than seconds (Opsgenie's `CloseTime`).
    resolve_ms: bool,
    acked: Option<usize>,
    ack_seconds: Option<usize>,
    ack_ms: bool,
    service: Option<usize>,
    team: Option<usize>,
    severity: Vec<usize>,
    status: Option<usize>,
    tags: Option<usize>,
    entity: Option<usize>,
}

fn columns(
    format: Format,
    header: &[String],
    map: &[(String, String)],
) -> Result<Columns, CalibrateError> {
    let find = |names: &[&str]| {
        names
            .iter()
            .find_map(|n| header.iter().position(|h| norm(h) == *n))
    };
    let mut c = Columns::default();
    match format {
        Format::PagerDutyCsv => {
            c.id = find(&["id", "incidentnumber", "incidentid"]);
            c.created = find(&["createdat"]);
            c.resolved = find(&["resolvedat"]);
            c.resolve_seconds = find(&["secondstoresolve"]);
            c.ack_seconds = find(&["secondstofirstack"]);
            c.acked = find(&["firstackat", "acknowledgedat"]);
            c.service = find(&["servicename", "service"]);
            c.team = find(&["teamname", "team"]);
            // A priority where the row has one, else the urgency.
            c.severity = [find(&["priorityname", "priority"]), find(&["urgency"])]
                .into_iter()
                .flatten()
                .collect();
            c.status = find(&["status"]);
        }
        Format::Opsgenie => {
            c.id = find(&["tinyid", "alertid", "id"]);
            c.created = find(&["createdat"]);
            c.resolved = find(&["closedat"]);
            c.resolve_seconds = find(&["closetime", "reportclosetime"]);
            c.resolve_ms = true;
            c.acked = find(&["acknowledgedat"]);
            c.ack_seconds = find(&["acktime", "reportacktime"]);
            c.ack_ms = true;
            c.team = find(&["teams", "team"]);
            c.severity = find(&["priority"]).into_iter().collect();
            c.status = find(&["status"]);
            c.tags = find(&["tags"]);
            c.entity = find(&["entity"]);
        }
        Format::Generic | Format::PagerDutyJson => {}
    }
    for (key, col) in map {
        let i = header
            .iter()
            .position(|h| h.eq_ignore_ascii_case(col) || norm(h) == norm(col))
            .ok_or_else(|| {
                CalibrateError::Map(format!(
                    "--map {key}={col}: the header has no column {col:?} (columns: {})",
                    header.join(", ")
                ))
            })?;
        match key.as_str() {
            "created" => c.created = Some(i),
            "resolved" => {
                c.resolved = Some(i);
                c.resolve_seconds = None;
            }
            "acknowledged" => {
                c.acked = Some(i);
                c.ack_seconds = None;
            }
            "service" => {
                c.service = Some(i);
                c.tags = None;
                c.entity = None;
            }
            "severity" => c.severity = vec![i],
            "team" => c.team = Some(i),
            _ => c.id = Some(i),
        }
    }
    if c.created.is_none() {
        return Err(CalibrateError::Format(match format {
            Format::Generic => "--format generic needs --map created=COLUMN (and resolved=, service=, severity=, team=, acknowledged=, id= where the export has them)".to_string(),
            f => format!(
                "the header has no creation-time column for the {} format (columns: {}); name it with --map created=COLUMN",
                f.as_str(),
                header.join(", ")
            ),
        }));
    }
    Ok(c)
}

fn csv_rows(
    format: Format,
    bytes: &[u8],
    map: &[(String, String)],
) -> Result<Vec<RawRow>, CalibrateError> {
    let header = header(bytes)?;
    let c = columns(format, &header, map)?;
    let mut r = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    let mut out = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        match r.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                return Err(CalibrateError::Format(format!(
                    "line {line}: the CSV cannot be read: {e}"
                )));
            }
        }
        let line = record.position().map_or(0, |p| p.line());
        let get = |i: Option<usize>| {
            i.and_then(|i| record.get(i))
                .unwrap_or("")
                .trim()
                .to_string()
        };
        let secs = |i: Option<usize>, ms: bool| {
            let s = get(i);
            match (ms, s.parse::<f64>()) {
                (true, Ok(v)) => (v / 1000.0).to_string(),
                _ => s,
            }
        };
        let severity = c
            .severity
            .iter()
            .map(|&i| get(Some(i)))
            .find(|s| !s.is_empty())
            .unwrap_or_default();
        let teams = get(c.team);
        let team = teams.split(',').next().unwrap_or("").trim().to_string();
        let tags = get(c.tags);
        let service = tags
            .split(',')
            .find_map(|t| {
                let t = t.trim();
                t.strip_prefix("service:")
                    .or_else(|| t.strip_prefix("service="))
            })
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .or_else(|| Some(get(c.entity)).filter(|s| !s.is_empty()))
            .unwrap_or_else(|| get(c.service));
        let status = get(c.status).to_lowercase();
        let open = (!status.is_empty()).then_some(matches!(
            status.as_str(),
            "open" | "triggered" | "acknowledged" | "active" | "investigating"
        ));
        let mut w = csv::WriterBuilder::new()
            .flexible(true)
            .from_writer(Vec::new());
        let text = match w.write_record(&record) {
            Ok(()) => w
                .into_inner()
                .map(|b| String::from_utf8_lossy(&b).trim_end().to_string())
                .unwrap_or_default(),
            Err(_) => record.iter().collect::<Vec<_>>().join(","),
        };
        out.push(RawRow {
            line,
            id: get(c.id),
            created: get(c.created),
            resolved: get(c.resolved),
            resolve_seconds: secs(c.resolve_seconds, c.resolve_ms),
            acked: get(c.acked),
            ack_seconds: secs(c.ack_seconds, c.ack_ms),
            service,
            team,
            severity,
            open,
            text,
        });
    }
    Ok(out)
}

/// A PagerDuty REST incident list: `{"incidents": [...]}` or a bare array.
fn json_rows(bytes: &[u8]) -> Result<Vec<RawRow>, CalibrateError> {
    let v: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| {
        CalibrateError::Format(format!(
            "line {}: not JSON: {e}; a PagerDuty incident list is {{\"incidents\": [...]}}",
            e.line()
        ))
    })?;
    let list = match &v {
        serde_json::Value::Array(a) => a,
        serde_json::Value::Object(o) => match o.get("incidents") {
            Some(serde_json::Value::Array(a)) => a,
            _ => {
                return Err(CalibrateError::Format(
                    "JSON without an \"incidents\" list: expected PagerDuty's incident list ({\"incidents\": [...]})".into(),
                ))
            }
        },
        _ => {
            return Err(CalibrateError::Format(
                "JSON that is neither an incident list nor an object holding one".into(),
            ))
        }
    };
    let text = |v: Option<&serde_json::Value>| match v {
        Some(serde_json::Value::String(s)) => s.trim().to_string(),
        Some(serde_json::Value::Number(n)) => n.to_string(),
        _ => String::new(),
    };
    Ok(list
        .iter()
        .enumerate()
        .map(|(i, inc)| {
            let status = text(inc.get("status")).to_lowercase();
            let resolved = if status == "resolved" {
                text(inc.get("last_status_change_at"))
            } else {
                String::new()
            };
            let summary = |k: &str| text(inc.get(k).and_then(|s| s.get("summary")));
            let team = inc
                .get("teams")
                .and_then(|t| t.as_array())
                .and_then(|t| t.first())
                .map(|t| text(t.get("summary")))
                .unwrap_or_default();
            let priority = summary("priority");
            RawRow {
                line: i as u64 + 1,
                id: text(inc.get("id")),
                created: text(inc.get("created_at")),
                resolved,
                service: summary("service"),
                team,
                severity: if priority.is_empty() {
                    text(inc.get("urgency"))
                } else {
                    priority
                },
                open: (!status.is_empty()).then(|| status != "resolved"),
                text: inc.to_string(),
                ..RawRow::default()
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_told_apart_by_their_header() {
        let pd = b"incident_number,created_at,resolved_at,service_name,urgency\n";
        assert_eq!(detect(pd).unwrap(), Format::PagerDutyCsv);
        let og = b"TinyId,Message,CreatedAt,Priority,Teams,Tags\n";
        assert_eq!(detect(og).unwrap(), Format::Opsgenie);
        assert_eq!(
            detect(b" {\"incidents\": []}").unwrap(),
            Format::PagerDutyJson
        );
        let err = detect(b"opened,closed,svc\n").unwrap_err();
        assert!(err.to_string().contains("--format generic --map"), "{err}");
    }
}
