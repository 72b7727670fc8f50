//! Calendar arithmetic on the simulation clock.
//!
//! The clock counts hours from t = 0 at Monday 00:00 UTC of week 0. A place is given by
//! its offset from UTC in hours; local time is `t + offset`.

/// Hours in a day.
pub const HOURS_PER_DAY: f64 = 24.0;
/// Hours in a week.
pub const HOURS_PER_WEEK: f64 = 168.0;
/// Weeks in a year, as rates "per year" are converted (52; the 1.25 days over are
/// ignored).
pub const WEEKS_PER_YEAR: f64 = 52.0;
/// Weeks in a month: a twelfth of [`WEEKS_PER_YEAR`].
pub const WEEKS_PER_MONTH: f64 = WEEKS_PER_YEAR / 12.0;

// Reciprocals: a multiplication instead of a division on the per-incident path. Near a
// boundary the product may round to the neighbouring hour's side; every use below is
// either insensitive to that (an extra empty day in a loop) or off by a few ulps.
const PER_DAY: f64 = 1.0 / HOURS_PER_DAY;
const PER_WEEK: f64 = 1.0 / HOURS_PER_WEEK;

/// `x.floor()` for finite values within ±2⁶³, without a library call on targets
/// that lack a rounding instruction (the event loop calls it per incident).
#[inline]
pub fn fast_floor(x: f64) -> f64 {
    let i = x as i64;
    let f = i as f64;
    if f > x {
        f - 1.0
    } else {
        f
    }
}

/// Local hour of the week in [0, 168): 0 is Monday 00:00 local time.
#[inline]
pub fn local_hour_of_week(t: f64, utc_offset_hours: f64) -> f64 {
    let x = t + utc_offset_hours;
    let h = x - fast_floor(x * PER_WEEK) * HOURS_PER_WEEK;
    // Rounding can land exactly on the upper bound.
    if h >= HOURS_PER_WEEK {
        0.0
    } else {
        h
    }
}

/// Local day of the week, 0 = Monday … 6 = Sunday.
#[inline]
pub fn local_day_of_week(t: f64, utc_offset_hours: f64) -> u32 {
    (local_hour_of_week(t, utc_offset_hours) / HOURS_PER_DAY) as u32
}

/// Local hour of the day in [0, 24).
#[inline]
pub fn local_hour_of_day(t: f64, utc_offset_hours: f64) -> f64 {
    let x = t + utc_offset_hours;
    let h = x - fast_floor(x * PER_DAY) * HOURS_PER_DAY;
    if h >= HOURS_PER_DAY {
        0.0
    } else {
        h
    }
}

/// A daily window of local time, `[from_hour, to_hour)`, on every day or on weekdays
/// (Monday to Friday) only. `from_hour < to_hour`, both within [0, 24].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DailyWindow {
    /// Local hour the window opens.
    pub from_hour: f64,
    /// Local hour the window closes.
    pub to_hour: f64,
    /// Whether Saturdays and Sundays are excluded.
    pub weekdays_only: bool,
}

impl DailyWindow {
    /// Whether UTC time `t` lies inside the window at the given offset.
    #[inline]
    pub fn contains(&self, t: f64, utc_offset_hours: f64) -> bool {
        let h = local_hour_of_week(t, utc_offset_hours);
        let day = (h * PER_DAY) as u32;
        let hour = h - f64::from(day) * HOURS_PER_DAY;
        (!self.weekdays_only || day < 5) && hour >= self.from_hour && hour < self.to_hour
    }

    /// Hours of the UTC interval `[start, end)` that fall inside the window.
    pub fn overlap_hours(&self, start: f64, end: f64, utc_offset_hours: f64) -> f64 {
        if end <= start {
            return 0.0;
        }
        let a = start + utc_offset_hours;
        let b = end + utc_offset_hours;
        let first_day = fast_floor(a * PER_DAY) as i64;
        let last_day = fast_floor(b * PER_DAY) as i64;
        if first_day == last_day {
            // The common case on the per-incident path: one day.
            if self.weekdays_only && first_day.rem_euclid(7) >= 5 {
                return 0.0;
            }
            let base = first_day as f64 * HOURS_PER_DAY;
            return (b.min(base + self.to_hour) - a.max(base + self.from_hour)).max(0.0);
        }
        let mut total = 0.0;
        for day in first_day..=last_day {
            if self.weekdays_only && day.rem_euclid(7) >= 5 {
                continue;
            }
            let base = day as f64 * HOURS_PER_DAY;
            let lo = a.max(base + self.from_hour);
            let hi = b.min(base + self.to_hour);
            if hi > lo {
                total += hi - lo;
            }
        }
        total
    }

    /// Hours of one whole week that fall inside the window.
    pub fn hours_per_week(&self) -> f64 {
        let days = if self.weekdays_only { 5.0 } else { 7.0 };
        days * (self.to_hour - self.from_hour)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OFFICE: DailyWindow = DailyWindow {
        from_hour: 9.0,
        to_hour: 17.0,
        weekdays_only: true,
    };

    #[test]
    fn week_zero_starts_on_monday_midnight_utc() {
        assert_eq!(local_day_of_week(0.0, 0.0), 0);
        assert_eq!(local_day_of_week(0.0, -8.0), 6); // Sunday 16:00 in UTC−8
        assert_eq!(local_hour_of_day(0.0, -8.0), 16.0);
        assert_eq!(local_day_of_week(5.0 * 24.0, 0.0), 5);
    }

    #[test]
    fn fast_floor_matches_floor() {
        for x in [
            -3.5,
            -3.0,
            -0.1,
            0.0,
            0.1,
            2.0,
            2.9999,
            1e12 + 0.5,
            -1e12 - 0.5,
        ] {
            assert_eq!(fast_floor(x), x.floor(), "{x}");
        }
    }

    #[test]
    fn local_hour_of_week_wraps_negative_times() {
        assert_eq!(local_hour_of_week(-1.0, 0.0), 167.0);
        assert_eq!(local_hour_of_week(168.0 * 5.0 + 3.0, -8.0), 163.0);
    }

    #[test]
    fn window_membership_follows_the_offset() {
        assert!(OFFICE.contains(10.0, 0.0));
        assert!(!OFFICE.contains(10.0, -8.0)); // 02:00 local
        assert!(OFFICE.contains(18.0, -8.0)); // Monday 10:00 local
        assert!(!OFFICE.contains(5.0 * 24.0 + 10.0, 0.0)); // Saturday
    }

    #[test]
    fn overlap_of_a_whole_week_is_the_weekly_hours() {
        for offset in [-8.0, 0.0, 5.5, 13.0] {
            let h = OFFICE.overlap_hours(0.0, HOURS_PER_WEEK, offset);
            assert!((h - 40.0).abs() < 1e-9, "offset {offset}: {h}");
            let h = OFFICE.overlap_hours(-30.0, HOURS_PER_WEEK - 30.0, offset);
            assert!((h - 40.0).abs() < 1e-9, "offset {offset}: {h}");
        }
        assert_eq!(OFFICE.hours_per_week(), 40.0);
    }

    #[test]
    fn overlap_of_a_partial_day() {
        // Monday 07:00–19:00 UTC at UTC+0 covers 09:00–17:00.
        assert!((OFFICE.overlap_hours(7.0, 19.0, 0.0) - 8.0).abs() < 1e-12);
        // Same interval at UTC−8 is 23:00 Sunday – 11:00 Monday local: 2 hours.
        assert!((OFFICE.overlap_hours(7.0, 19.0, -8.0) - 2.0).abs() < 1e-12);
    }
}
