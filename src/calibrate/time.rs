//! Timestamps of an export: RFC 3339 / ISO 8601 with an offset (honoured as given),
//! naive local times (read in `--timezone`, daylight saving time resolved by the tz
//! database), and Unix epochs in seconds or milliseconds. Each becomes an instant
//! and the local time of the team, for the hour-of-week profile.

use jiff::fmt::temporal::Pieces;
use jiff::tz::{Offset, TimeZone};
use jiff::Timestamp;

/// A time zone by its IANA name (`Europe/Berlin`, `America/Los_Angeles`, `UTC`), from
/// the tz database bundled into the binary (so results do not depend on the host).
pub fn zone(name: &str) -> Result<TimeZone, String> {
    TimeZone::get(name).map_err(|e| {
        format!("unknown time zone {name:?} ({e}); give an IANA name such as Europe/London, America/New_York or UTC")
    })
}

/// One instant and the local time it was at.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stamp {
    /// Seconds since 1970-01-01T00:00:00Z.
    pub unix_seconds: f64,
    /// Local hour of the week in [0, 168), Monday 00:00 = 0: in the zone given, else
    /// at the offset the timestamp carries (UTC for `Z` and epochs).
    pub local_hour_of_week: f64,
    /// The offset from UTC of that local time, hours.
    pub utc_offset_hours: f64,
}

/// Why a timestamp cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TimeError {
    /// Not a timestamp of any accepted form.
    Unreadable(String),
    /// A local time without an offset, and no `--timezone` to read it in.
    Naive,
}

impl std::fmt::Display for TimeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TimeError::Unreadable(why) => write!(f, "{why}"),
            TimeError::Naive => write!(
                f,
                "a local time without an offset: give --timezone ZONE to say where it was taken"
            ),
        }
    }
}

/// Reads `text` as a timestamp; `tz` reads naive times and gives the local time.
pub fn parse(text: &str, tz: Option<&TimeZone>) -> Result<Stamp, TimeError> {
    let t = text.trim();
    if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
        let n: f64 = t
            .parse()
            .map_err(|_| TimeError::Unreadable(format!("{t:?} is not a number")))?;
        // Thirteen digits and more are milliseconds (2001-09-09 onwards).
        let secs = if t.len() >= 12 { n / 1000.0 } else { n };
        let ts = Timestamp::from_millisecond((secs * 1000.0).round() as i64)
            .map_err(|e| TimeError::Unreadable(e.to_string()))?;
        return Ok(stamp(ts, tz.map_or(Offset::UTC, |z| z.to_offset(ts))));
    }
    let pieces = Pieces::parse(t).map_err(|e| {
        TimeError::Unreadable(format!(
            "{t:?} is not a timestamp ({e}); expected e.g. 2024-03-01T09:30:00Z, 2024-03-01 09:30:00+01:00 or, with --timezone, 2024-03-01 09:30"
        ))
    })?;
    let dt = pieces.date().to_datetime(pieces.time().unwrap_or_default());
    let ts = match pieces.to_numeric_offset() {
        Some(off) => off
            .to_timestamp(dt)
            .map_err(|e| TimeError::Unreadable(e.to_string()))?,
        None => {
            let z = tz.ok_or(TimeError::Naive)?;
            // An hour that DST skips or repeats: the earlier reading ("compatible").
            z.to_ambiguous_zoned(dt)
                .compatible()
                .map_err(|e| TimeError::Unreadable(e.to_string()))?
                .timestamp()
        }
    };
    let local = match (tz, pieces.to_numeric_offset()) {
        (Some(z), _) => z.to_offset(ts),
        (None, Some(off)) => off,
        (None, None) => Offset::UTC,
    };
    Ok(stamp(ts, local))
}

fn stamp(ts: Timestamp, local: Offset) -> Stamp {
    let unix_seconds = ts.as_millisecond() as f64 / 1000.0;
    let offset_s = f64::from(local.seconds());
    // 1970-01-01 was a Thursday: day 3 of a Monday-based week.
    let local_s = unix_seconds + offset_s + 3.0 * 86_400.0;
    let week = 7.0 * 86_400.0;
    let how = (local_s.rem_euclid(week)) / 3600.0;
    Stamp {
        unix_seconds,
        local_hour_of_week: if how >= 168.0 { 0.0 } else { how },
        utc_offset_hours: offset_s / 3600.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_are_honoured_and_naive_times_need_a_zone() {
        let a = parse("2024-01-01T10:00:00Z", None).unwrap();
        let b = parse("2024-01-01T11:00:00+01:00", None).unwrap();
        assert_eq!(a.unix_seconds, b.unix_seconds);
        // 2024-01-01 was a Monday.
        assert_eq!(a.local_hour_of_week, 10.0);
        assert_eq!(b.local_hour_of_week, 11.0);
        assert_eq!(parse("2024-01-01 10:00:00", None), Err(TimeError::Naive));
        assert!(matches!(
            parse("yesterday", None),
            Err(TimeError::Unreadable(_))
        ));
        assert_eq!(
            parse("1704103200", None).unwrap().unix_seconds,
            a.unix_seconds
        );
        assert_eq!(
            parse("1704103200000", None).unwrap().unix_seconds,
            a.unix_seconds
        );
    }

    #[test]
    fn daylight_saving_time_comes_from_the_tz_database() {
        let berlin = zone("Europe/Berlin").unwrap();
        // Winter UTC+1, summer UTC+2.
        let w = parse("2024-01-15 09:00", Some(&berlin)).unwrap();
        let s = parse("2024-07-15 09:00", Some(&berlin)).unwrap();
        assert_eq!(w.utc_offset_hours, 1.0);
        assert_eq!(s.utc_offset_hours, 2.0);
        assert_eq!(w.local_hour_of_week, s.local_hour_of_week);
        // A Z timestamp shown in the zone's local time.
        let z = parse("2024-07-15T07:00:00Z", Some(&berlin)).unwrap();
        assert_eq!(z.local_hour_of_week, s.local_hour_of_week);
        assert!(zone("Mars/Olympus").is_err());
    }
}
