//! The chart of a sensitivity job, from `sensitivity.csv`: a tornado of the keys'
//! effects on the metric, the largest on top (at most [`TORNADO_KEYS`]).

use super::draw::{Chart, Format, Tornado, TornadoBar};
use super::table::Table;
use super::ChartError;
use crate::model::Metric;

/// Keys a tornado shows at most: the rest are in the CSV file.
pub(super) const TORNADO_KEYS: usize = 20;

/// The tornado chart (`tornado`).
pub(super) fn charts(t: &Table) -> Result<Vec<(String, Chart)>, ChartError> {
    if t.len() == 0 {
        return Ok(Vec::new());
    }
    let (key, metric, mean, lo, hi, measurable) = (
        t.require("key")?,
        t.require("metric")?,
        t.require("effect")?,
        t.require("effect_ci95_low")?,
        t.require("effect_ci95_high")?,
        t.require("measurable")?,
    );
    let def = Metric::ALL
        .iter()
        .find(|m| m.key() == t.text(0, metric))
        .map(|m| m.def())
        .ok_or_else(|| t.error(format!("unknown metric `{}`", t.text(0, metric))))?;
    let mut bars = Vec::new();
    for r in 0..t.len().min(TORNADO_KEYS) {
        bars.push(TornadoBar {
            key: t.text(r, key).to_string(),
            mean: t.number(r, mean)?,
            low: t.number(r, lo)?,
            high: t.number(r, hi)?,
            measurable: t.flag(r, measurable)?,
        });
    }
    let shown = if t.len() > TORNADO_KEYS {
        format!("the {TORNADO_KEYS} largest of {} keys", t.len())
    } else {
        format!("{} keys", t.len())
    };
    let chart = Tornado {
        title: format!("What moves {}", def.title.to_lowercase()),
        subtitle: Some(format!(
            "change from each key's low to its high value, same seeds; whisker: 95% CI; grey: no measurable effect; {shown}"
        )),
        x_desc: format!("change in {}", def.unit),
        format: Format::of(def),
        bars,
    };
    Ok(vec![("tornado".into(), Chart::Tornado(chart))])
}
