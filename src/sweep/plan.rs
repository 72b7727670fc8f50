//! Sweep plans: axes (a key path and its values) combined into points.
//!
//! An axis comes from `--vary KEY=SPEC` or from a `[[sweep.axes]]` entry of the scenario
//! file. SPEC is a comma-separated list of values (`4,6,8`, `true,false`,
//! `single,by_stack`) or a numeric range `start..end:step` (end included, step 1 when
//! left out). Axes combine as a full grid, or a Latin hypercube sample of N points.

use rand::seq::SliceRandom;
use rand::Rng;

use crate::engine::stream_rng;
use crate::scenario::{Override, PathStep, Problem, ScenarioSource};

/// Stream id used for the Latin hypercube, apart from every model stream.
const LHS_STREAM: u64 = u64::MAX - 1;

/// The values one key takes in a sweep.
#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    /// Dotted key path, as for `--set`.
    pub key: String,
    /// The grid values, in order.
    pub values: Vec<toml::Value>,
    /// For a numeric range: (start, end, whether all of start, end, step are integers).
    pub range: Option<(f64, f64, bool)>,
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

/// Parses a TOML value as written on a command line: a TOML literal, else a bare string.
fn parse_value(text: &str) -> toml::Value {
    let text = text.trim();
    format!("v = {text}")
        .parse::<toml::Table>()
        .ok()
        .and_then(|mut t| t.remove("v"))
        .unwrap_or_else(|| toml::Value::String(text.to_owned()))
}

/// Parses `start..end:step` (step defaults to 1). `Ok(None)` when `spec` is not a range.
fn parse_range(spec: &str) -> Result<Option<Axis>, String> {
    let Some((start, rest)) = spec.split_once("..") else {
        return Ok(None);
    };
    let (end, step) = match rest.split_once(':') {
        Some((e, s)) => (e, Some(s)),
        None => (rest, None),
    };
    let num = |s: &str| -> Result<(f64, bool), String> {
        let s = s.trim();
        if let Ok(i) = s.parse::<i64>() {
            return Ok((i as f64, true));
        }
        match s.parse::<f64>() {
            Ok(x) if x.is_finite() => Ok((x, false)),
            _ => Err(format!("range `{spec}`: `{s}` is not a number")),
        }
    };
    let (a, ai) = num(start)?;
    let (b, bi) = num(end)?;
    let (step, si) = match step {
        Some(s) => num(s)?,
        None => (1.0, true),
    };
    if step <= 0.0 {
        return Err(format!(
            "range `{spec}`: the step must be positive; got {step}"
        ));
    }
    if a > b {
        return Err(format!(
            "range `{spec}` is empty: start {a} is above end {b} (write start..end:step)"
        ));
    }
    let count = ((b - a) / step + 1e-9).floor() as u64 + 1;
    if count > 100_000 {
        return Err(format!("range `{spec}` has {count} values; at most 100000"));
    }
    let integer = ai && bi && si;
    let values = (0..count)
        .map(|i| {
            let x = a + i as f64 * step;
            if integer {
                toml::Value::Integer(x.round() as i64)
            } else {
                // Twelve significant digits keep 0.1 steps free of binary noise.
                toml::Value::Float(format!("{x:.12e}").parse().unwrap_or(x))
            }
        })
        .collect();
    Ok(Some(Axis {
        key: String::new(),
        values,
        range: Some((a, b, integer)),
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

/// Parses one axis specification (the part after `KEY=`).
fn parse_spec(key: &str, spec: &str) -> Result<Axis, String> {
    if key.trim().is_empty() {
        return Err("the key path is empty".into());
    }
    let mut axis = match parse_range(spec)? {
        Some(axis) => axis,
        None => {
            let values: Vec<toml::Value> = split_top_level(spec)
                .into_iter()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(parse_value)
                .collect();
            if values.is_empty() {
                return Err(format!("`{key}` has no values"));
            }
            Axis {
                key: String::new(),
                values,
                range: None,
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
            "sample" => match v.as_integer() {
                Some(n) if n >= 1 => out.sample = Some(n as usize),
                _ => problems.push(source.problem_at(
                    &[sweep, PathStep::Key("sample")],
                    format!("sample must be a positive integer; got {v}"),
                )),
            },
            "axes" => {
                let Some(entries) = v.as_array() else {
                    problems.push(source.problem_at(
                        &[sweep, PathStep::Key("axes")],
                        "axes must be an array of tables ([[sweep.axes]])",
                    ));
                    continue;
                };
                for (i, e) in entries.iter().enumerate() {
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
                        problems.push(source.problem_at(&entry, "each axis must be a table"));
                        continue;
                    };
                    for key in e.keys() {
                        if !["key", "values", "range"].contains(&key.as_str()) {
                            problems.push(source.problem_at(
                                &entry,
                                format!("unknown key `{key}` in [[sweep.axes]]; expected key, values or range"),
                            ));
                        }
                    }
                    let Some(key) = e.get("key").and_then(|k| k.as_str()) else {
                        problems.push(
                            source.problem_at(
                                &entry,
                                "missing `key` (a dotted key path, as for --set)",
                            ),
                        );
                        continue;
                    };
                    let axis = match (e.get("values"), e.get("range")) {
                        (Some(toml::Value::Array(vs)), None) if !vs.is_empty() => Ok(Axis {
                            key: key.to_owned(),
                            values: vs.clone(),
                            range: None,
                        }),
                        (Some(_), None) => {
                            Err((at("values"), "values must be a non-empty array".to_owned()))
                        }
                        (None, Some(toml::Value::String(r))) => match parse_range(r) {
                            Ok(Some(mut a)) => {
                                a.key = key.to_owned();
                                Ok(a)
                            }
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
                            "an axis needs values = [...] or range = \"start..end:step\""
                                .to_owned(),
                        )),
                    };
                    match axis {
                        Ok(a) => out.axes.push(a),
                        Err((path, m)) => problems.push(source.problem_at(&path, m)),
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
    /// axes, one point (the scenario as it is).
    pub fn grid(axes: Vec<Axis>) -> Result<Self, PlanError> {
        check_distinct(&axes)?;
        let mut points: Vec<Vec<toml::Value>> = vec![Vec::new()];
        for axis in &axes {
            let total = points.len().saturating_mul(axis.values.len());
            if total > 1_000_000 {
                return Err(PlanError::Usage(format!(
                    "the grid has more than 1000000 points (at {}); use --sample N for a Latin hypercube",
                    axis.key
                )));
            }
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
        Ok(SweepPlan { axes, points })
    }

    /// A Latin hypercube of `n` points: each axis is cut into `n` equal strata and every
    /// stratum is used exactly once, in an order shuffled by the seed. Numeric ranges
    /// are sampled uniformly within the stratum (rounded for integer ranges); value
    /// lists pick the value under the stratum. The same seed gives the same sample.
    pub fn latin_hypercube(axes: Vec<Axis>, n: usize, seed: u64) -> Result<Self, PlanError> {
        check_distinct(&axes)?;
        if n == 0 {
            return Err(PlanError::Usage("--sample must be at least 1".into()));
        }
        if axes.is_empty() {
            return Err(PlanError::Usage(
                "--sample needs at least one axis to vary".into(),
            ));
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

    /// The overrides that make point `p`.
    pub fn overrides(&self, p: usize) -> Vec<Override> {
        self.axes
            .iter()
            .zip(&self.points[p])
            .map(|(a, v)| Override::new(&a.key, v.clone()))
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
