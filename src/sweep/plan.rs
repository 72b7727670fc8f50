//! Sweep plans: axes (a key path and its values) combined into points.
//!
//! An axis comes from `--vary KEY=SPEC` or from a `[[sweep.axes]]` entry of the scenario
//! file. SPEC is a comma-separated list of values (`4,6,8`, `true,false`,
//! `single,by_stack`) or a numeric range `start..end:step` (end included, step 1 when
//! left out). Axes combine as a full grid, or a Latin hypercube sample of N points.
//!
//! A range is counted exactly, in decimal arithmetic on the numbers as written (so
//! `0.1..0.3:0.1` has three values and `1..2:1e-300` is refused for its 10^300 values,
//! never an empty or endless sweep). An axis has at most
//! [`AXIS_VALUES`](crate::scenario::ranges::AXIS_VALUES) values and a plan at most
//! [`SWEEP_POINTS`](crate::scenario::ranges::SWEEP_POINTS) points; a plan always has at
//! least one point.

use rand::seq::SliceRandom;
use rand::Rng;

use crate::engine::stream_rng;
use crate::scenario::ranges::{AXIS_VALUES, SAMPLE, SWEEP_POINTS};
use crate::scenario::{
    escape_char, escaped, is_forbidden_char, show_about, show_number, Override, PathStep, Problem,
    ScenarioSource,
};

/// Stream id used for the Latin hypercube, apart from every model stream.
const LHS_STREAM: u64 = u64::MAX - 1;

/// Most characters an axis label may have: it is a chart's axis title.
pub const MAX_LABEL_CHARS: usize = 60;

/// Most significant digits a number of a range may have.
const MAX_DIGITS: usize = 36;

/// The values one key takes in a sweep.
#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    /// Dotted key path, as for `--set`.
    pub key: String,
    /// The grid values, in order.
    pub values: Vec<toml::Value>,
    /// For a numeric range: (start, end, whether all of start, end, step are integers).
    pub range: Option<(f64, f64, bool)>,
    /// What charts call the axis (`label = "services"` in its `[[sweep.axes]]` entry);
    /// `None` lets them derive a name from the key.
    pub label: Option<String>,
    /// The `[[sweep.axes]]` entry of the scenario file this axis comes from, if any.
    file_entry: Option<usize>,
}

/// Why a sweep specification is unusable.
#[derive(Debug, Clone, PartialEq)]
pub enum PlanError {
    /// A malformed `--vary` or `--sample` argument (usage error).
    Usage(String),
    /// Problems in the file's `[sweep]` table, each with its position.
    Invalid(Vec<Problem>),
}

impl std::fmt::Display for PlanError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PlanError::Usage(m) => write!(f, "{m}"),
            PlanError::Invalid(problems) => crate::scenario::write_problems(f, problems),
        }
    }
}

impl std::error::Error for PlanError {}

/// A number exactly as written: `mantissa` × 10^`exp`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Decimal {
    mantissa: i128,
    exp: i32,
}

impl Decimal {
    /// Reads `[+-]digits[.digits][e[+-]digits]`; `None` when `s` is not such a number or
    /// has more than [`MAX_DIGITS`] significant digits.
    fn parse(s: &str) -> Option<Decimal> {
        let (negative, rest) = match s.strip_prefix('-') {
            Some(r) => (true, r),
            None => (false, s.strip_prefix('+').unwrap_or(s)),
        };
        let (number, exp) = match rest.find(['e', 'E']) {
            Some(i) => (&rest[..i], rest[i + 1..].parse::<i32>().ok()?),
            None => (rest, 0),
        };
        let (int, frac) = number.split_once('.').unwrap_or((number, ""));
        if int.is_empty() && frac.is_empty() {
            return None;
        }
        if !int.chars().chain(frac.chars()).all(|c| c.is_ascii_digit()) {
            return None;
        }
        let digits = format!("{int}{frac}");
        let significant = digits.trim_start_matches('0');
        if significant.len() > MAX_DIGITS || exp.unsigned_abs() > 100_000 {
            return None;
        }
        let mantissa: i128 = if significant.is_empty() {
            0
        } else {
            significant.parse().ok()?
        };
        let frac_len = i32::try_from(frac.len()).ok()?;
        Some(Decimal {
            mantissa: if negative { -mantissa } else { mantissa },
            exp: exp - frac_len,
        })
    }

    /// The same number with no trailing zeros in its mantissa (zero as 0 × 10^0).
    fn normalized(self) -> Decimal {
        if self.mantissa == 0 {
            return Decimal {
                mantissa: 0,
                exp: 0,
            };
        }
        let mut d = self;
        while d.mantissa % 10 == 0 {
            d.mantissa /= 10;
            d.exp += 1;
        }
        d
    }

    /// The mantissa at exponent `e` (≤ `self.exp`), if it fits in an i128.
    fn scaled_to(self, e: i32) -> Option<i128> {
        let shift = u32::try_from(self.exp - e).ok()?;
        10i128
            .checked_pow(shift)
            .and_then(|f| self.mantissa.checked_mul(f))
    }

    /// The nearest f64.
    fn to_f64(self) -> f64 {
        format!("{}e{}", self.mantissa, self.exp)
            .parse()
            .unwrap_or(f64::NAN)
    }
}

/// One number of a range: its text, value and whether it is an integer literal.
struct RangeNumber {
    decimal: Decimal,
    value: f64,
    integer: Option<i64>,
}

/// Reads one number of the range `spec`.
fn range_number(spec: &str, s: &str) -> Result<RangeNumber, String> {
    let s = s.trim();
    let unsigned = s.trim_start_matches(['+', '-']);
    if !unsigned.is_empty() && unsigned.chars().all(|c| c.is_ascii_digit()) {
        let Ok(i) = s.parse::<i64>() else {
            return Err(format!(
                "range `{spec}`: the integer `{s}` is out of range: TOML integers lie between {} and {}",
                i64::MIN,
                i64::MAX
            ));
        };
        return Ok(RangeNumber {
            decimal: Decimal {
                mantissa: i128::from(i),
                exp: 0,
            },
            value: i as f64,
            integer: Some(i),
        });
    }
    let Some(decimal) = Decimal::parse(s) else {
        return Err(format!(
            "range `{spec}`: `{s}` is not a number (or has more than {MAX_DIGITS} digits)"
        ));
    };
    let value = decimal.to_f64();
    if !value.is_finite() {
        return Err(format!(
            "range `{spec}`: `{s}` is out of range: it is not finite (the largest finite number is about 1.8e308)"
        ));
    }
    Ok(RangeNumber {
        decimal,
        value,
        integer: None,
    })
}

/// Parses `start..end:step` (step defaults to 1). `Ok(None)` when `spec` is not a range.
/// The values are counted exactly; more than [`AXIS_VALUES`] of them is an error.
fn parse_range(spec: &str) -> Result<Option<Axis>, String> {
    let Some((start, rest)) = spec.split_once("..") else {
        return Ok(None);
    };
    let (end, step) = match rest.split_once(':') {
        Some((e, s)) => (e, Some(s)),
        None => (rest, None),
    };
    let a = range_number(spec, start)?;
    let b = range_number(spec, end)?;
    let step = match step {
        Some(s) => range_number(spec, s)?,
        None => RangeNumber {
            decimal: Decimal {
                mantissa: 1,
                exp: 0,
            },
            value: 1.0,
            integer: Some(1),
        },
    };
    if step.decimal.mantissa <= 0 {
        return Err(format!(
            "range `{spec}`: the step must be positive; got {}",
            show_number(step.value)
        ));
    }
    let empty = || {
        format!(
            "range `{spec}` is empty: start {} is above end {} (write start..end:step)",
            show_number(a.value),
            show_number(b.value)
        )
    };
    let max = AXIS_VALUES.max_count();
    let too_many = |about: String| {
        format!("range `{spec}` has {about} values; an axis has at most {max}: use a coarser step")
    };
    if a.value > b.value {
        return Err(empty());
    }
    // A first, approximate count refuses the hopeless ranges (1..2:1e-300) before any
    // exact arithmetic, whose numbers would not fit.
    let approx = (b.value - a.value) / step.value;
    if approx.is_nan() || approx > 2.0 * max as f64 {
        return Err(too_many(format!("about {}", show_about(approx + 1.0))));
    }
    let integer = a.integer.is_some() && b.integer.is_some() && step.integer.is_some();
    let (da, db, ds) = (a.decimal.normalized(), b.decimal.normalized(), step.decimal);
    if da == db {
        // One value, however fine the step.
        let value = match a.integer {
            Some(i) if integer => toml::Value::Integer(i),
            _ => toml::Value::Float(a.value),
        };
        return Ok(Some(Axis {
            key: String::new(),
            values: vec![value],
            range: Some((a.value, b.value, integer)),
            label: None,
            file_entry: None,
        }));
    }
    let e = da.exp.min(db.exp).min(ds.exp);
    let scaled = (da.scaled_to(e), db.scaled_to(e), ds.scaled_to(e));
    let (sa, sb, ss) = match scaled {
        (Some(sa), Some(sb), Some(ss)) => (sa, sb, ss),
        _ => {
            return Err(format!(
                "range `{spec}`: start, end and step lie too many orders of magnitude apart to count the values exactly"
            ))
        }
    };
    if sb < sa {
        return Err(empty());
    }
    let Some(diff) = sb.checked_sub(sa) else {
        return Err(too_many(format!("about {}", show_about(approx + 1.0))));
    };
    let count = diff / ss + 1;
    if count > max as i128 {
        return Err(too_many(count.to_string()));
    }
    let values = (0..count)
        .map(|i| {
            let m = sa + i * ss;
            if integer {
                // Between start and end, both i64.
                toml::Value::Integer(i64::try_from(m).unwrap_or(i64::MAX))
            } else {
                let x = Decimal {
                    mantissa: m,
                    exp: e,
                }
                .to_f64();
                toml::Value::Float(x)
            }
        })
        .collect();
    Ok(Some(Axis {
        key: String::new(),
        values,
        range: Some((a.value, b.value, integer)),
        label: None,
        file_entry: None,
    }))
}

/// Splits a value list on the commas that are not inside braces, brackets or quotes,
/// so that inline tables and arrays can be values: `{ a = 1, b = 2 },{ a = 3, b = 4 }`.
fn split_top_level(spec: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut quote, mut start) = (0i32, None::<char>, 0);
    for (i, c) in spec.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '{' | '[') => depth += 1,
            (None, '}' | ']') => depth -= 1,
            (None, ',') if depth == 0 => {
                parts.push(&spec[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&spec[start..]);
    parts
}

/// The first control or invisible character in a value (its strings and table keys,
/// at any depth), escaped, with the text it is in.
fn forbidden_in(v: &toml::Value) -> Option<String> {
    let in_text = |s: &str| {
        s.chars().find(|&c| is_forbidden_char(c)).map(|c| {
            format!(
                "'{}' contains the control or invisible character {}",
                escaped(s),
                escape_char(c)
            )
        })
    };
    match v {
        toml::Value::String(s) => in_text(s),
        toml::Value::Array(a) => a.iter().find_map(forbidden_in),
        toml::Value::Table(t) => t
            .iter()
            .find_map(|(k, v)| in_text(k).or_else(|| forbidden_in(v))),
        _ => None,
    }
}

/// Checks a key path for an axis.
fn check_axis_key(key: &str) -> Result<(), String> {
    if key.trim().is_empty() {
        return Err("the key path is empty".into());
    }
    Override::check_key(key.trim())
}

/// Parses one axis specification (the part after `KEY=`).
fn parse_spec(key: &str, spec: &str) -> Result<Axis, String> {
    check_axis_key(key)?;
    let mut axis = match parse_range(spec)? {
        Some(axis) => axis,
        None => {
            if spec.trim().is_empty() {
                return Err(format!("`{}` has no values", key.trim()));
            }
            let items = split_top_level(spec);
            let max = AXIS_VALUES.max_count();
            if items.len() > max {
                return Err(format!(
                    "`{}` has {} values; an axis has at most {max}",
                    key.trim(),
                    items.len()
                ));
            }
            let mut values = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                let item = item.trim();
                if item.is_empty() {
                    return Err(format!(
                        "value {} of `{}` is empty (two commas in a row, or a comma at an end); remove it, or write an empty string as \"\"",
                        i + 1,
                        escaped(spec)
                    ));
                }
                let v = Override::parse_value(item)
                    .map_err(|reason| format!("value {}: {reason}", i + 1))?;
                if let Some(what) = forbidden_in(&v) {
                    return Err(format!("value {}: {what}", i + 1));
                }
                values.push(v);
            }
            Axis {
                key: String::new(),
                values,
                range: None,
                label: None,
                file_entry: None,
            }
        }
    };
    axis.key = key.trim().to_owned();
    Ok(axis)
}

/// Parses `--vary KEY=SPEC`.
pub fn parse_vary(arg: &str) -> Result<Axis, PlanError> {
    let (key, spec) = arg.split_once('=').ok_or_else(|| {
        PlanError::Usage(format!(
            "--vary {arg:?}: expected KEY=VALUES, e.g. teams.core.shift_hours=8,12,24 or services.api.count=5..40:5"
        ))
    })?;
    parse_spec(key, spec).map_err(|m| PlanError::Usage(format!("--vary {arg:?}: {m}")))
}

/// Checks a `--sample N` (or `sweep.sample`) size: at least 1, at most [`SAMPLE`].
pub fn check_sample(n: usize) -> Result<(), String> {
    match SAMPLE.check_int("the sample size", n as i128) {
        Some(m) => Err(m),
        None => Ok(()),
    }
}

/// What the file's `[sweep]` table declares.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FileSweep {
    /// The declared axes.
    pub axes: Vec<Axis>,
    /// A Latin hypercube sample size, if declared.
    pub sample: Option<usize>,
}

/// Reads the `[sweep]` table of a scenario file:
///
/// ```toml
/// [sweep]
/// sample = 20                       # optional: Latin hypercube of 20 points
/// [[sweep.axes]]
/// key = "services.catalog.count"
/// range = "1..11:2"                 # or: values = [1, 3, 5]
/// ```
///
/// Every problem is reported at its place in the file. The axes remember their entry,
/// so that a point's problems are reported there too (see [`SweepPlan::overrides`]).
pub fn from_file(source: &ScenarioSource) -> Result<FileSweep, PlanError> {
    let Some(table) = source.sweep_table() else {
        return Ok(FileSweep::default());
    };
    let mut problems = Vec::new();
    let mut out = FileSweep::default();
    let sweep = PathStep::Key("sweep");
    let Some(table) = table.as_table() else {
        return Err(PlanError::Invalid(vec![
            source.problem_at(&[sweep], "[sweep] must be a table")
        ]));
    };
    for (k, v) in table {
        match k.as_str() {
            "sample" => {
                let at = [sweep, PathStep::Key("sample")];
                match v.as_integer() {
                    Some(n) => match SAMPLE.check_int("sample", i128::from(n)) {
                        Some(m) => problems.push(source.problem_at(&at, m)),
                        None => out.sample = usize::try_from(n).ok(),
                    },
                    None => problems.push(
                        source
                            .problem_at(&at, format!("sample must be a positive integer; got {v}")),
                    ),
                }
            }
            "axes" => {
                let Some(entries) = v.as_array() else {
                    problems.push(source.problem_at(
                        &[sweep, PathStep::Key("axes")],
                        "axes must be an array of tables ([[sweep.axes]])",
                    ));
                    continue;
                };
                for (i, e) in entries.iter().enumerate() {
                    match file_axis(source, i, e) {
                        Ok(a) => out.axes.push(a),
                        Err(mut p) => problems.append(&mut p),
                    }
                }
            }
            other => problems.push(source.problem_at(
                &[sweep, PathStep::Key(other)],
                format!("unknown key `{other}` in [sweep]; expected axes or sample"),
            )),
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(PlanError::Invalid(problems))
    }
}

/// One `[[sweep.axes]]` entry (number `i`).
fn file_axis(source: &ScenarioSource, i: usize, e: &toml::Value) -> Result<Axis, Vec<Problem>> {
    let sweep = PathStep::Key("sweep");
    let at = |k: &'static str| {
        [
            sweep,
            PathStep::Key("axes"),
            PathStep::Index(i),
            PathStep::Key(k),
        ]
    };
    let entry = [sweep, PathStep::Key("axes"), PathStep::Index(i)];
    let Some(e) = e.as_table() else {
        return Err(vec![source.problem_at(&entry, "each axis must be a table")]);
    };
    let mut problems = Vec::new();
    for key in e.keys() {
        if !["key", "values", "range", "label"].contains(&key.as_str()) {
            problems.push(source.problem_at(
                &entry,
                format!(
                    "unknown key `{key}` in [[sweep.axes]]; expected key, values, range or label"
                ),
            ));
        }
    }
    let label = match e.get("label") {
        None => None,
        Some(toml::Value::String(l)) => match check_label(l) {
            Ok(l) => Some(l),
            Err(m) => {
                problems.push(source.problem_at(&at("label"), m));
                None
            }
        },
        Some(other) => {
            problems.push(source.problem_at(
                &at("label"),
                format!("label must be a string (the axis title on charts); got {other}"),
            ));
            None
        }
    };
    let key = match e.get("key") {
        Some(toml::Value::String(k)) => match check_axis_key(k) {
            Ok(()) => Some(k.trim().to_owned()),
            Err(m) => {
                problems.push(source.problem_at(&at("key"), m));
                None
            }
        },
        Some(other) => {
            problems.push(source.problem_at(
                &at("key"),
                format!("key must be a string (a dotted key path, as for --set); got {other}"),
            ));
            None
        }
        None => {
            problems
                .push(source.problem_at(&entry, "missing `key` (a dotted key path, as for --set)"));
            None
        }
    };
    let axis = match (e.get("values"), e.get("range")) {
        (Some(toml::Value::Array(vs)), None) if !vs.is_empty() => {
            let max = AXIS_VALUES.max_count();
            if vs.len() > max {
                Err((
                    at("values"),
                    format!("values has {} entries; an axis has at most {max}", vs.len()),
                ))
            } else {
                for (j, v) in vs.iter().enumerate() {
                    if let Some(what) = forbidden_in(v) {
                        let path = [
                            sweep,
                            PathStep::Key("axes"),
                            PathStep::Index(i),
                            PathStep::Key("values"),
                            PathStep::Index(j),
                        ];
                        problems.push(source.problem_at(&path, what));
                    }
                }
                Ok(Axis {
                    key: String::new(),
                    values: vs.clone(),
                    range: None,
                    label: None,
                    file_entry: Some(i),
                })
            }
        }
        (Some(_), None) => Err((at("values"), "values must be a non-empty array".to_owned())),
        (None, Some(toml::Value::String(r))) => match parse_range(r) {
            Ok(Some(a)) => Ok(Axis {
                file_entry: Some(i),
                ..a
            }),
            Ok(None) => Err((
                at("range"),
                format!("range must look like start..end:step; got {r:?}"),
            )),
            Err(m) => Err((at("range"), m)),
        },
        (None, Some(r)) => Err((
            at("range"),
            format!("range must be a string like \"5..40:5\"; got {r}"),
        )),
        (Some(_), Some(_)) => Err((
            at("range"),
            "give either values or range, not both".to_owned(),
        )),
        (None, None) => Err((
            at("key"),
            "an axis needs values = [...] or range = \"start..end:step\"".to_owned(),
        )),
    };
    match (axis, key) {
        (Ok(axis), Some(key)) if problems.is_empty() => Ok(Axis { key, label, ..axis }),
        (Err((path, m)), _) => {
            problems.push(source.problem_at(&path, m));
            Err(problems)
        }
        _ => Err(problems),
    }
}

/// Checks an axis label: a non-blank string of at most [`MAX_LABEL_CHARS`] characters
/// without control or invisible characters; returns it trimmed.
fn check_label(label: &str) -> Result<String, String> {
    let t = label.trim();
    if t.is_empty() {
        return Err("label must not be empty (leave it out to let charts name the axis)".into());
    }
    let n = t.chars().count();
    if n > MAX_LABEL_CHARS {
        return Err(format!(
            "label has {n} characters; an axis label has at most {MAX_LABEL_CHARS} (it is a chart's axis title)"
        ));
    }
    if let Some(c) = t.chars().find(|&c| is_forbidden_char(c)) {
        return Err(format!(
            "label '{}' contains the control or invisible character {}",
            escaped(t),
            escape_char(c)
        ));
    }
    Ok(t.to_owned())
}

/// The points of a sweep: one value per axis each.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepPlan {
    /// The axes, in column order.
    pub axes: Vec<Axis>,
    /// The points, in run order; `points[p][a]` is axis `a`'s value at point `p`.
    pub points: Vec<Vec<toml::Value>>,
}

impl SweepPlan {
    /// Every combination of the axes' values; the last axis varies fastest. With no
    /// axes, one point (the scenario as it is). More than [`SWEEP_POINTS`] points, or an
    /// axis without values, is an error.
    pub fn grid(axes: Vec<Axis>) -> Result<Self, PlanError> {
        check_distinct(&axes)?;
        let max = SWEEP_POINTS.max_count();
        let mut total: u128 = 1;
        for axis in &axes {
            if axis.values.is_empty() {
                return Err(PlanError::Usage(format!(
                    "axis `{}` has no values, so the sweep would have no points",
                    axis.key
                )));
            }
            total = total.saturating_mul(axis.values.len() as u128);
        }
        if total > max as u128 {
            let sizes: Vec<String> = axes
                .iter()
                .map(|a| format!("{} ({})", a.key, a.values.len()))
                .collect();
            return Err(PlanError::Usage(format!(
                "the grid has {total} points ({}); a sweep has at most {max}: use fewer values or --sample N for a Latin hypercube",
                sizes.join(" × ")
            )));
        }
        let mut points: Vec<Vec<toml::Value>> = vec![Vec::new()];
        for axis in &axes {
            points = points
                .into_iter()
                .flat_map(|p| {
                    axis.values.iter().map(move |v| {
                        let mut q = p.clone();
                        q.push(v.clone());
                        q
                    })
                })
                .collect();
        }
        if points.is_empty() {
            return Err(PlanError::Usage("the sweep has no points".into()));
        }
        Ok(SweepPlan { axes, points })
    }

    /// A Latin hypercube of `n` points: each axis is cut into `n` equal strata and every
    /// stratum is used exactly once, in an order shuffled by the seed. Numeric ranges
    /// are sampled uniformly within the stratum (rounded for integer ranges); value
    /// lists pick the value under the stratum. The same seed gives the same sample.
    /// `n` is between 1 and [`SAMPLE`].
    pub fn latin_hypercube(axes: Vec<Axis>, n: usize, seed: u64) -> Result<Self, PlanError> {
        check_distinct(&axes)?;
        check_sample(n).map_err(|m| PlanError::Usage(format!("--sample {n}: {m}")))?;
        if axes.is_empty() {
            return Err(PlanError::Usage(
                "--sample needs at least one axis to vary".into(),
            ));
        }
        if let Some(a) = axes.iter().find(|a| a.values.is_empty()) {
            return Err(PlanError::Usage(format!(
                "axis `{}` has no values, so the sweep would have no points",
                a.key
            )));
        }
        let mut rng = stream_rng(seed, 0, 0, LHS_STREAM);
        let mut points = vec![Vec::with_capacity(axes.len()); n];
        for axis in &axes {
            let mut strata: Vec<usize> = (0..n).collect();
            strata.shuffle(&mut rng);
            for (p, &s) in strata.iter().enumerate() {
                let u: f64 = rng.random();
                let q = (s as f64 + u) / n as f64;
                let v = match axis.range {
                    Some((a, b, integer)) => {
                        let x = a + q * (b - a);
                        if integer {
                            toml::Value::Integer(x.round() as i64)
                        } else {
                            toml::Value::Float(x)
                        }
                    }
                    None => {
                        let i =
                            ((q * axis.values.len() as f64) as usize).min(axis.values.len() - 1);
                        axis.values[i].clone()
                    }
                };
                points[p].push(v);
            }
        }
        Ok(SweepPlan { axes, points })
    }

    /// The overrides that make point `p`. A value of an axis declared in the scenario
    /// file is marked with its place there, so that a problem with it is reported at
    /// that line of the file rather than as a `--set`.
    pub fn overrides(&self, p: usize) -> Vec<Override> {
        self.axes
            .iter()
            .zip(&self.points[p])
            .map(|(a, v)| {
                let o = Override::new(&a.key, v.clone());
                let Some(i) = a.file_entry else {
                    return o.from_vary();
                };
                let entry = [
                    PathStep::Key("sweep"),
                    PathStep::Key("axes"),
                    PathStep::Index(i),
                ];
                match (a.range, a.values.iter().position(|x| x == v)) {
                    (None, Some(j)) => o.in_file(
                        &[
                            entry[0],
                            entry[1],
                            entry[2],
                            PathStep::Key("values"),
                            PathStep::Index(j),
                        ],
                        format!("value {} of the [sweep] axis `{}`", j + 1, a.key),
                    ),
                    _ => o.in_file(
                        &[entry[0], entry[1], entry[2], PathStep::Key("range")],
                        format!(
                            "the value {} of the [sweep] axis `{}`",
                            value_text(v),
                            a.key
                        ),
                    ),
                }
            })
            .collect()
    }

    /// The column value of axis `a` at point `p`, as written in CSV.
    pub fn value_text(&self, p: usize, a: usize) -> String {
        value_text(&self.points[p][a])
    }
}

/// A value as a CSV cell: strings bare, everything else as TOML.
pub fn value_text(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => s.clone(),
        toml::Value::Float(x) => format!("{x}"),
        other => other.to_string(),
    }
}

fn check_distinct(axes: &[Axis]) -> Result<(), PlanError> {
    for (i, a) in axes.iter().enumerate() {
        if axes[..i].iter().any(|b| b.key == a.key) {
            return Err(PlanError::Usage(format!("axis `{}` is given twice", a.key)));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integer_range_includes_the_end() {
        let a = parse_vary("services.api.count=5..40:5").unwrap();
        assert_eq!(a.values.len(), 8);
        assert_eq!(a.values[0], toml::Value::Integer(5));
        assert_eq!(a.values[7], toml::Value::Integer(40));
        assert_eq!(a.range, Some((5.0, 40.0, true)));
    }

    #[test]
    fn float_range_has_no_binary_noise() {
        let a = parse_vary("x=0.1..0.5:0.1").unwrap();
        let texts: Vec<String> = a.values.iter().map(value_text).collect();
        assert_eq!(texts, vec!["0.1", "0.2", "0.3", "0.4", "0.5"]);
    }

    #[test]
    fn lists_take_numbers_booleans_and_strings() {
        let a = parse_vary("k=4, true, by_stack, \"quoted\"").unwrap();
        assert_eq!(
            a.values,
            vec![
                toml::Value::Integer(4),
                toml::Value::Boolean(true),
                toml::Value::String("by_stack".into()),
                toml::Value::String("quoted".into()),
            ]
        );
    }

    #[test]
    fn inline_tables_and_arrays_can_be_values() {
        let a = parse_vary("teams.core.members={ a = 4, b = 4 },{ a = 6, b = 6 }, [1, 2]").unwrap();
        assert_eq!(a.values.len(), 3);
        assert!(a.values[0].is_table() && a.values[1].is_table() && a.values[2].is_array());
        let b = parse_vary("k=\"x,y\",z").unwrap();
        assert_eq!(
            b.values,
            vec![
                toml::Value::String("x,y".into()),
                toml::Value::String("z".into())
            ]
        );
    }

    #[test]
    fn empty_and_malformed_ranges_are_rejected() {
        for bad in [
            "k=10..5",
            "k=1..5:0",
            "k=1..5:-1",
            "k=a..5",
            "k=",
            "noequals",
            "=1,2",
        ] {
            assert!(parse_vary(bad).is_err(), "{bad}");
        }
    }

    fn file_sweep(axis: &str) -> Result<FileSweep, PlanError> {
        let text = format!("version = 1\n\n[sweep]\n[[sweep.axes]]\n{axis}\n");
        let source = ScenarioSource::parse(&text, "s.toml", "s").expect("parses");
        from_file(&source)
    }

    #[test]
    fn axis_labels_are_read_and_checked() {
        let ok =
            file_sweep("key = \"services.svc.count\"\nrange = \"1..3\"\nlabel = \" services \"")
                .expect("valid");
        assert_eq!(ok.axes[0].label.as_deref(), Some("services"));
        let none = file_sweep("key = \"a.b\"\nvalues = [1]").expect("valid");
        assert_eq!(none.axes[0].label, None);
        for (label, says) in [
            ("label = 3", "label must be a string"),
            ("label = \"  \"", "label must not be empty"),
            (&*format!("label = \"{}\"", "x".repeat(61)), "at most 60"),
            ("label = \"a\\u0007b\"", "control or invisible character"),
        ] {
            match file_sweep(&format!("key = \"a.b\"\nvalues = [1]\n{label}")) {
                Err(PlanError::Invalid(p)) => {
                    assert_eq!(p.len(), 1, "{p:#?}");
                    assert!(p[0].message.contains(says), "{label}: {}", p[0].message);
                    assert_eq!(p[0].line, Some(7), "{label}: the label's line");
                    assert!(p[0].key_path.contains("label"), "{}", p[0].key_path);
                }
                other => panic!("{label}: expected a located problem, got {other:?}"),
            }
        }
    }

    #[test]
    fn decimals_are_read_exactly_as_written() {
        let d = |s: &str| Decimal::parse(s).map(|d| (d.mantissa, d.exp));
        assert_eq!(d("0.1"), Some((1, -1)));
        assert_eq!(d("-2.50"), Some((-250, -2)));
        assert_eq!(d("1e-300"), Some((1, -300)));
        assert_eq!(d("+.5"), Some((5, -1)));
        assert_eq!(d("5."), Some((5, 0)));
        for bad in ["", ".", "1e", "inf", "nan", "0x10", "1_000", "1..2"] {
            assert_eq!(d(bad), None, "{bad}");
        }
        assert_eq!(
            Decimal::parse("2.500").map(Decimal::normalized),
            Some(Decimal {
                mantissa: 25,
                exp: -1
            })
        );
    }

    #[test]
    fn ranges_are_counted_exactly_and_bounded() {
        let n = |spec: &str| parse_range(spec).map(|a| a.map_or(0, |a| a.values.len()));
        assert_eq!(n("0.1..0.3:0.1"), Ok(3));
        assert_eq!(n("0..0.3:0.1"), Ok(4));
        assert_eq!(n("1..10000"), Ok(10_000));
        assert_eq!(n("5..5:1e-300"), Ok(1));
        assert!(n("1..10001").is_err());
        assert!(n("1..2:1e-300").is_err());
        assert!(n("0..18446744073709551615:1").is_err());
        assert_eq!(n("not a range"), Ok(0));
    }

    #[test]
    fn grid_is_the_cartesian_product_last_axis_fastest() {
        let plan = SweepPlan::grid(vec![
            parse_vary("a=1,2").unwrap(),
            parse_vary("b=x,y,z").unwrap(),
        ])
        .unwrap();
        assert_eq!(plan.points.len(), 6);
        assert_eq!(plan.value_text(0, 0), "1");
        assert_eq!(plan.value_text(1, 1), "y");
        assert_eq!(plan.value_text(3, 0), "2");
        assert_eq!(plan.overrides(5)[1].key(), "b");
    }

    #[test]
    fn repeated_axis_is_rejected() {
        assert!(
            SweepPlan::grid(vec![parse_vary("a=1").unwrap(), parse_vary("a=2").unwrap()]).is_err()
        );
    }

    #[test]
    fn latin_hypercube_is_deterministic_and_stratified() {
        let axes = || {
            vec![
                parse_vary("a=0..100:1").unwrap(),
                parse_vary("b=0.0..1.0:0.5").unwrap(),
            ]
        };
        let p1 = SweepPlan::latin_hypercube(axes(), 10, 42).unwrap();
        let p2 = SweepPlan::latin_hypercube(axes(), 10, 42).unwrap();
        let p3 = SweepPlan::latin_hypercube(axes(), 10, 43).unwrap();
        assert_eq!(p1, p2);
        assert_ne!(p1, p3);
        // One value in each tenth of each axis.
        let mut strata: Vec<usize> = p1
            .points
            .iter()
            .map(|p| (p[1].as_float().unwrap() * 10.0).floor() as usize)
            .collect();
        strata.sort();
        assert_eq!(strata, (0..10).collect::<Vec<_>>());
        let mut ints: Vec<i64> = p1
            .points
            .iter()
            .map(|p| p[0].as_integer().unwrap() / 10)
            .collect();
        ints.sort();
        ints.dedup();
        assert!(ints.len() >= 9, "{ints:?}");
    }
}
