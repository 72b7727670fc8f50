//! Number formatting, in one place: how numbers read in CSV files, in terminal tables
//! and on charts.

/// A number as written in sweep and comparison CSVs: Rust's shortest round-trip form,
/// so that reading it back gives the same `f64` (merging shards relies on it).
pub fn csv_number(x: f64) -> String {
    format!("{x}")
}

/// A number in a terminal table: whole above 1000, one decimal above 10, three below;
/// `–` when there is nothing to show.
pub fn table_number(x: f64) -> String {
    if !x.is_finite() {
        return "–".into();
    }
    let a = x.abs();
    if a >= 1000.0 {
        format!("{x:.0}")
    } else if a >= 10.0 {
        format!("{x:.1}")
    } else {
        format!("{x:.3}")
    }
}

/// A metric's value for people (terminal tables, the HTML report): a share as a
/// percentage with one decimal (`16.7%`), a count as a whole number, anything else as
/// [`table_number`]; `–` when there is nothing to show. CSV files keep full precision.
pub fn metric_number(m: crate::model::Metric, x: f64) -> String {
    if !x.is_finite() {
        "–".into()
    } else if m.is_share() {
        percent(x)
    } else if m.def().integer {
        format!("{x:.0}")
    } else {
        table_number(x)
    }
}

/// A limit of metric `m` as a sentence names it: `the 25% on-call limit`, `the pager
/// budget of 2`.
pub fn limit_phrase(m: crate::model::Metric, limit: &crate::model::metrics::Limit) -> String {
    let value = if m.is_share() {
        format!("{:.0}%", 100.0 * limit.value)
    } else {
        chart_number(limit.value)
    };
    if limit.label.contains(&value) {
        format!("the {}", limit.label)
    } else {
        format!("the {} of {value}", limit.label)
    }
}

/// A fraction as a percentage with one decimal (`0.1667` → `16.7%`, `0.5` → `50.0%`).
pub fn percent(x: f64) -> String {
    if !x.is_finite() {
        return "–".into();
    }
    let p = format!("{:.1}", 100.0 * x);
    // `-0.0` reads as 0.
    if p == "-0.0" {
        "0.0%".into()
    } else {
        format!("{p}%")
    }
}

/// A signed change in percent for a comparison (`+12%`, `−4.5%`, with a true minus).
pub fn signed_percent(p: f64) -> String {
    if !p.is_finite() {
        return "–".into();
    }
    let a = p.abs();
    let body = if a >= 10.0 {
        format!("{a:.0}")
    } else {
        format!("{a:.1}")
    };
    let body = body.strip_suffix(".0").unwrap_or(&body).to_string();
    if body == "0" {
        "±0%".into()
    } else if p < 0.0 {
        format!("−{body}%")
    } else {
        format!("+{body}%")
    }
}

/// A number on a chart (cell values, notes): about three significant digits, no
/// trailing zeros, no exponent below a million.
pub fn chart_number(v: f64) -> String {
    if !v.is_finite() {
        return "–".into();
    }
    let a = v.abs();
    let s = if a == 0.0 {
        "0".to_string()
    } else if a >= 1e6 {
        format!("{v:.2e}")
    } else if a >= 100.0 {
        format!("{v:.0}")
    } else if a >= 10.0 {
        format!("{v:.1}")
    } else if a >= 1.0 {
        format!("{v:.2}")
    } else if a >= 0.01 {
        format!("{v:.3}")
    } else {
        format!("{v:.2e}")
    };
    trim_zeros(s)
}

/// An axis tick: like [`chart_number`], with values within 1e-12 of zero shown as 0,
/// so a step of 0.1 reads 0, 0.1, 0.2, … rather than 1e-17, 0.100, 0.200.
pub fn tick(v: f64) -> String {
    if v.abs() < 1e-12 {
        return "0".into();
    }
    chart_number(v)
}

fn trim_zeros(s: String) -> String {
    if s.contains('.') && !s.contains('e') {
        let t = s.trim_end_matches('0').trim_end_matches('.');
        t.to_string()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_short_decimals() {
        assert_eq!(chart_number(0.5), "0.5");
        assert_eq!(chart_number(1.552), "1.55");
        assert_eq!(chart_number(12.0), "12");
        assert_eq!(chart_number(2172.4), "2172");
        assert_eq!(chart_number(-3.5e300), "-3.50e300");
        assert_eq!(chart_number(f64::NAN), "–");
        assert_eq!(tick(1e-17), "0");
        assert_eq!(table_number(2172.4), "2172");
        assert_eq!(table_number(1.5523), "1.552");
        assert_eq!(table_number(f64::INFINITY), "–");
        assert_eq!(csv_number(0.1), "0.1");
        assert_eq!(percent(1.0 / 6.0), "16.7%");
        assert_eq!(percent(0.5), "50.0%");
        assert_eq!(percent(-1e-9), "0.0%");
        assert_eq!(signed_percent(-4.51), "−4.5%");
        assert_eq!(signed_percent(48.2), "+48%");
        assert_eq!(signed_percent(0.01), "±0%");
        use crate::model::Metric;
        assert_eq!(metric_number(Metric::OncallTimeFrac, 0.25), "25.0%");
        assert_eq!(metric_number(Metric::Incidents, 2191.6), "2192");
        assert_eq!(metric_number(Metric::PagesPerShiftMean, 1.5661), "1.566");
        assert_eq!(csv_number(2.0), "2");
    }
}
