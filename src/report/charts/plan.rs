//! The chart of a plan, from `plan.csv`: the probability that every target holds
//! against the key, with its 95% interval, the confidence asked for as a line and the
//! answer marked; with two keys, one line per value of the first.

use super::draw::{Chart, Format, LimitLine, LineChart, Mark, Panel, Point, Series, XAxis};
use super::style::{colour, LIMIT_COLOUR};
use super::table::Table;
use super::ChartError;

/// The plan chart (`plan_probability`).
pub(super) fn charts(plan: &Table) -> Result<Vec<(String, Chart)>, ChartError> {
    let n_keys = plan.require("replications")?;
    if n_keys == 0 || plan.len() == 0 {
        return Ok(Vec::new());
    }
    let (p, lo, hi) = (
        plan.require("probability")?,
        plan.require("probability_ci95_low")?,
        plan.require("probability_ci95_high")?,
    );
    let confidence = plan.require("confidence")?;
    let answer = plan.require("answer")?;
    let x_col = n_keys - 1;
    let numeric = (0..plan.len()).all(|r| plan.text(r, x_col).parse::<f64>().is_ok());
    let names = plan.distinct(x_col);
    let x_of = |r: usize| -> f64 {
        if numeric {
            plan.text(r, x_col).parse().unwrap_or(f64::NAN)
        } else {
            names
                .iter()
                .position(|n| n == plan.text(r, x_col))
                .map_or(f64::NAN, |i| i as f64)
        }
    };
    // One line per value of the first key (two keys), or one line.
    let groups: Vec<String> = if n_keys == 2 {
        plan.distinct(0)
    } else {
        vec![String::new()]
    };
    let mut series = Vec::new();
    let mut marked = Vec::new();
    for (g, name) in groups.iter().enumerate() {
        let mut points = Vec::new();
        for r in 0..plan.len() {
            if n_keys == 2 && plan.text(r, 0) != name {
                continue;
            }
            let point = Point {
                x: x_of(r),
                mean: plan.number(r, p)?,
                low: plan.number(r, lo)?,
                high: plan.number(r, hi)?,
            };
            if plan.flag(r, answer)? {
                marked.push(point);
            }
            points.push(point);
        }
        points.sort_by(|a, b| a.x.total_cmp(&b.x));
        let label = if n_keys == 2 {
            format!("{} = {name}", plan.headers()[0])
        } else {
            "P(every target holds)".to_string()
        };
        series.push(Series {
            label,
            colour: colour(g),
            points,
        });
    }
    if !marked.is_empty() {
        series.push(Series {
            label: "answer".into(),
            colour: colour(groups.len()),
            points: marked,
        });
    }
    let level = plan.number(0, confidence)?;
    let key = plan.headers()[x_col].clone();
    let x = if numeric {
        XAxis::Numeric { desc: key.clone() }
    } else {
        XAxis::Categories {
            desc: key.clone(),
            names,
        }
    };
    let chart = LineChart {
        title: format!("Chance that every target holds, by {key}"),
        subtitle: Some(format!(
            "share of replications; shaded band: 95% Wilson interval; line: the {} confidence asked for",
            Format::Share.value(level)
        )),
        x,
        panels: vec![Panel {
            y_desc: "share of replications".into(),
            format: Format::Share,
            series,
            limits: vec![LimitLine {
                value: level,
                label: "confidence".into(),
                colour: LIMIT_COLOUR,
            }],
            shade: None,
            mark: Mark::Lines { markers: true },
            colour_by: None,
        }],
        band_label: Some("95% Wilson interval".into()),
        events: Vec::new(),
    };
    Ok(vec![("plan_probability".into(), Chart::Lines(chart))])
}

/// The timeline chart (`plan_timeline`), from `timeline.csv`: the smallest value that
/// meets the targets in each period, above the chance that they hold as the scenario
/// stands, against the period's first week.
pub(super) fn timeline_chart(timeline: &Table) -> Result<Vec<(String, Chart)>, ChartError> {
    let key_col = timeline.require("probability")? - 1;
    let key = timeline.headers()[key_col].clone();
    let (from, base, lo, hi) = (
        timeline.require("week_from")?,
        timeline.require("base_probability")?,
        timeline.require("base_probability_ci95_low")?,
        timeline.require("base_probability_ci95_high")?,
    );
    let mut need = Vec::new();
    let mut chance = Vec::new();
    for r in 0..timeline.len() {
        let x = timeline.number(r, from)?;
        let v = timeline.text(r, key_col).parse::<f64>().unwrap_or(f64::NAN);
        need.push(Point {
            x,
            mean: v,
            low: f64::NAN,
            high: f64::NAN,
        });
        chance.push(Point {
            x,
            mean: timeline.number(r, base)?,
            low: timeline.number(r, lo)?,
            high: timeline.number(r, hi)?,
        });
    }
    let panel = |y_desc: String, format, series, limits| Panel {
        y_desc,
        format,
        series,
        limits,
        shade: None,
        mark: Mark::Lines { markers: true },
        colour_by: None,
    };
    let chart = LineChart {
        title: format!("Smallest {key} that meets the targets, period by period"),
        subtitle: Some(
            "top: the smallest value in each period (none drawn where no value in the range meets them); bottom: the chance the targets hold as the scenario stands".into(),
        ),
        x: XAxis::Numeric {
            desc: "week the period starts".into(),
        },
        panels: vec![
            panel(
                key.clone(),
                Format::Plain,
                vec![Series {
                    label: format!("smallest {key}"),
                    colour: colour(0),
                    points: need,
                }],
                Vec::new(),
            ),
            panel(
                "share of replications".into(),
                Format::Share,
                vec![Series {
                    label: "as the scenario stands".into(),
                    colour: colour(1),
                    points: chance,
                }],
                Vec::new(),
            ),
        ],
        band_label: Some("95% Wilson interval".into()),
        events: Vec::new(),
    };
    Ok(vec![("plan_timeline".into(), Chart::Lines(chart))])
}
