//! Tornado charts: one horizontal bar per key, its effect on a metric with the 95% CI,
//! the largest on top; keys with no measurable effect in grey.

use super::*;

/// A tornado of key effects.
#[derive(Debug, Clone)]
pub(in crate::report::charts) struct Tornado {
    pub title: String,
    pub subtitle: Option<String>,
    /// What the bars measure, with the unit.
    pub x_desc: String,
    /// How the values read.
    pub format: Format,
    /// One bar per key, top first.
    pub bars: Vec<TornadoBar>,
}

/// One key's bar.
#[derive(Debug, Clone)]
pub(in crate::report::charts) struct TornadoBar {
    pub key: String,
    pub mean: f64,
    pub low: f64,
    pub high: f64,
    pub measurable: bool,
}

/// Draws a tornado: keys down the left, bars from zero to the effect, the interval as a
/// whisker.
pub(super) fn draw_tornado<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    t: &Tornado,
) -> DrawResult<(), DB> {
    let area = draw_header(root, &t.title, t.subtitle.as_deref())?;
    let n = t.bars.len().max(1);
    let values = t
        .bars
        .iter()
        .flat_map(|b| [b.mean, b.low, b.high])
        .chain(std::iter::once(0.0));
    let (x0, x1) = finite_bounds(values).unwrap_or((-1.0, 1.0));
    let pad = ((x1 - x0) * 0.08).max(1e-9);
    let (x0, x1) = (x0 - pad, x1 + pad);
    let names: Vec<String> = t.bars.iter().map(|b| b.key.clone()).collect();
    let mut chart = ChartBuilder::on(&area)
        .margin(20)
        .margin_right(40)
        .x_label_area_size(70)
        .y_label_area_size(420)
        .build_cartesian_2d(
            Ticked::new(x0, x1, t.format.ticks(x0, x1, 8)),
            Ticked::new(-0.5, n as f64 - 0.5, (0..n).map(|i| i as f64).collect()),
        )?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .x_desc(&t.x_desc)
        .axis_desc_style(text(TICK_PX, TEXT_COLOUR))
        .label_style(text(TICK_PX, TEXT_COLOUR))
        .x_label_formatter(&|v| t.format.tick(*v))
        .y_label_formatter(&|v| {
            // Row 0 is drawn at the top.
            let i = n as i64 - 1 - v.round() as i64;
            usize::try_from(i)
                .ok()
                .and_then(|i| names.get(i))
                .cloned()
                .unwrap_or_default()
        })
        .bold_line_style(GRID_COLOUR.stroke_width(1))
        .light_line_style(TRANSPARENT)
        .axis_style(MUTED_COLOUR.stroke_width(2))
        .draw()?;
    for (i, b) in t.bars.iter().enumerate() {
        let y = (n - 1 - i) as f64;
        let fill = if b.measurable {
            colour(0)
        } else {
            NO_DATA_COLOUR
        };
        if b.mean.is_finite() {
            chart.draw_series(std::iter::once(Rectangle::new(
                [(0.0, y - 0.32), (b.mean, y + 0.32)],
                fill.mix(0.85).filled(),
            )))?;
        }
        if b.low.is_finite() && b.high.is_finite() {
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(b.low, y), (b.high, y)],
                TEXT_COLOUR.stroke_width(2),
            )))?;
            for x in [b.low, b.high] {
                chart.draw_series(std::iter::once(PathElement::new(
                    vec![(x, y - 0.15), (x, y + 0.15)],
                    TEXT_COLOUR.stroke_width(2),
                )))?;
            }
        }
    }
    chart.draw_series(std::iter::once(PathElement::new(
        vec![(0.0, -0.5), (0.0, n as f64 - 0.5)],
        MUTED_COLOUR.stroke_width(2),
    )))?;
    Ok(())
}
