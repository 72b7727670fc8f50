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
                label: format!("confidence {}", Format::Share.value(level)),
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
