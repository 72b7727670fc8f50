//! What a chart shows ([`Chart`] and its parts, plain data) and how each kind is drawn
//! on any plotters backend: one function per chart kind, sharing the header, legend and
//! panel helpers.

use std::ops::Range;

use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::style::*;
use crate::model::metrics::Limit;
use crate::model::MetricDef;
use crate::report::format::{chart_number, tick as tick_label};

/// What drawing returns on a backend `DB`.
pub(super) type DrawResult<T, DB> =
    Result<T, DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

/// One x position of a series: the mean and, for a band, its lower and upper edge
/// (NaN where unknown).
#[derive(Debug, Clone, Copy)]
pub(super) struct Point {
    pub x: f64,
    pub mean: f64,
    pub low: f64,
    pub high: f64,
}

/// One named line (or set of markers) in one colour.
#[derive(Debug, Clone)]
pub(super) struct Series {
    pub label: String,
    pub colour: RGBColor,
    pub points: Vec<Point>,
}

/// A horizontal reference line.
#[derive(Debug, Clone)]
pub(super) struct LimitLine {
    pub value: f64,
    pub label: String,
    pub colour: RGBColor,
}

impl LimitLine {
    /// The line for a metric's limit, in the colour its kind uses.
    pub fn of(limit: &Limit) -> LimitLine {
        LimitLine {
            value: limit.value,
            label: limit.label.to_string(),
            colour: if limit.breach {
                LIMIT_COLOUR
            } else {
                GOOD_COLOUR
            },
        }
    }
}

/// How a quantity's numbers read on ticks and in cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) enum Format {
    /// Short decimals.
    #[default]
    Plain,
    /// A share, kept as a fraction and shown as a percentage: 0.25 reads `25%`.
    Share,
    /// A count: ticks at whole numbers only.
    Count,
}

impl Format {
    /// The format of a metric of the catalogue.
    pub fn of(def: &MetricDef) -> Format {
        if def.metric.is_share() {
            Format::Share
        } else if def.integer {
            Format::Count
        } else {
            Format::Plain
        }
    }

    /// A tick label.
    pub fn tick(self, v: f64) -> String {
        match self {
            Format::Share if v.is_finite() => format!("{}%", tick_label(v * 100.0)),
            _ => tick_label(v),
        }
    }

    /// A value in a cell or a legend.
    pub fn value(self, v: f64) -> String {
        match self {
            Format::Share if v.is_finite() => format!("{}%", chart_number(v * 100.0)),
            _ => chart_number(v),
        }
    }

    /// About `target` round tick positions covering `lo..=hi`: whole numbers for counts
    /// (every one when the span is short).
    pub fn ticks(self, lo: f64, hi: f64, target: usize) -> Vec<f64> {
        let ticks = nice_ticks(lo, hi, target);
        if self != Format::Count || ticks.iter().all(|t| t.fract() == 0.0) {
            return ticks;
        }
        let (a, b) = (lo.ceil(), hi.floor());
        if b >= a && b - a <= 1000.0 {
            (0..=(b - a) as i64).map(|k| a + k as f64).collect()
        } else {
            ticks
        }
    }
}

/// What happened in a run's week that a weekly chart marks with a vertical line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum EventKind {
    /// SRE took on a service's pager (onboarded, taken back).
    Onboarding,
    /// A supported service changed lifecycle phase.
    PhaseChange,
    /// A service's pager went back to its developers.
    HandBack,
    /// A team's head count rose.
    Hire,
    /// A team's head count fell.
    Departure,
    /// Teams were split or merged.
    Reorg,
}

impl EventKind {
    /// The legend text.
    pub fn label(self) -> &'static str {
        match self {
            EventKind::Onboarding => "onboarding",
            EventKind::PhaseChange => "phase change",
            EventKind::HandBack => "hand-back",
            EventKind::Hire => "hire",
            EventKind::Departure => "departure",
            EventKind::Reorg => "re-organisation",
        }
    }

    fn colour(self) -> RGBColor {
        match self {
            EventKind::Onboarding => RGBColor(0, 158, 115),
            EventKind::PhaseChange => RGBColor(204, 121, 167),
            EventKind::HandBack => RGBColor(213, 94, 0),
            EventKind::Hire => RGBColor(86, 180, 233),
            EventKind::Departure => RGBColor(230, 159, 0),
            EventKind::Reorg => RGBColor(0, 0, 0),
        }
    }
}

/// Events of one kind in one week, in `share` of the replications (0..=1).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct EventMark {
    pub week: f64,
    pub kind: EventKind,
    pub share: f64,
}

/// Markers coloured by a second quantity (the other axis of a sampled sweep).
#[derive(Debug, Clone)]
pub(super) struct ColourBy {
    /// What the colour shows.
    pub desc: String,
    /// One value per point of the panel's first series: a number, or an index into
    /// `names`.
    pub values: Vec<f64>,
    /// Category names; empty when the values are numbers.
    pub names: Vec<String>,
}

impl ColourBy {
    /// The range the numeric colour scale spans.
    pub fn range(&self) -> (f64, f64) {
        let (lo, hi) = finite_bounds(self.values.iter().copied()).unwrap_or((0.0, 1.0));
        if hi > lo {
            (lo, hi)
        } else {
            (lo - 0.5, hi + 0.5)
        }
    }

    /// The colour of point `i`.
    pub fn colour(&self, i: usize) -> RGBColor {
        let v = self.values.get(i).copied().unwrap_or(f64::NAN);
        if !v.is_finite() {
            return NO_DATA_COLOUR;
        }
        if self.names.is_empty() {
            let (lo, hi) = self.range();
            viridis((v - lo) / (hi - lo))
        } else {
            colour(v.round().max(0.0) as usize)
        }
    }
}

/// A shaded stretch of the x axis (the warm-up weeks).
#[derive(Debug, Clone)]
pub(super) struct Shade {
    pub from: f64,
    pub to: f64,
    pub label: String,
}

/// How a panel's series are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Mark {
    /// A line through the means, a shaded band between low and high, and markers when
    /// `markers` is set.
    Lines { markers: bool },
    /// Markers only.
    Scatter,
}

/// One plot area: several series against a shared x axis.
#[derive(Debug, Clone)]
pub(super) struct Panel {
    pub y_desc: String,
    /// How the y values read.
    pub format: Format,
    pub series: Vec<Series>,
    pub limits: Vec<LimitLine>,
    pub shade: Option<Shade>,
    pub mark: Mark,
    /// Colours the markers of a scatter panel by another quantity.
    pub colour_by: Option<ColourBy>,
}

/// The x axis of line charts and the axes of heatmaps.
#[derive(Debug, Clone)]
pub(super) enum XAxis {
    /// Numbers on a linear scale.
    Numeric { desc: String },
    /// Named positions 0, 1, 2, … in the given order.
    Categories { desc: String, names: Vec<String> },
}

impl XAxis {
    fn desc(&self) -> &str {
        match self {
            XAxis::Numeric { desc } | XAxis::Categories { desc, .. } => desc,
        }
    }

    fn label(&self, v: f64) -> String {
        match self {
            XAxis::Numeric { .. } => tick_label(v),
            XAxis::Categories { names, .. } => category_label(names, v),
        }
    }

    /// The padded range and tick positions for data spanning `xs`.
    fn range(&self, xs: impl Iterator<Item = f64>) -> (f64, f64, Vec<f64>) {
        match self {
            XAxis::Numeric { .. } => {
                let (lo, hi) = finite_bounds(xs).unwrap_or((0.0, 1.0));
                let pad = if hi > lo {
                    (hi - lo) * 0.03
                } else {
                    (lo.abs() * 0.1).max(0.5)
                };
                let (lo, hi) = (lo - pad, hi + pad);
                (lo, hi, nice_ticks(lo, hi, 8))
            }
            XAxis::Categories { names, .. } => category_range(names.len()),
        }
    }
}

/// A line chart of one or more stacked panels sharing an x axis.
#[derive(Debug, Clone)]
pub(super) struct LineChart {
    pub title: String,
    pub subtitle: Option<String>,
    pub x: XAxis,
    pub panels: Vec<Panel>,
    /// Legend text for the shaded bands, when the panels have any.
    pub band_label: Option<String>,
    /// Weeks marked with a vertical line across every panel.
    pub events: Vec<EventMark>,
}

/// A grid of cells coloured by value.
#[derive(Debug, Clone)]
pub(super) struct Heatmap {
    pub title: String,
    pub subtitle: Option<String>,
    pub x: XAxis,
    pub y: XAxis,
    /// `values[yi][xi]`, NaN where there is no point.
    pub values: Vec<Vec<f64>>,
    /// What the colour shows, with its unit.
    pub value_desc: String,
    /// How the values read.
    pub format: Format,
    /// The values at the two ends of the colour scale (values beyond take the end's
    /// colour).
    pub scale: (f64, f64),
    /// Reference levels marked on the colour scale.
    pub limits: Vec<LimitLine>,
    /// Cells above this line are outlined.
    pub breach: Option<LimitLine>,
}

impl Heatmap {
    /// Where `v` lies on the colour scale, 0 to 1.
    pub fn position(&self, v: f64) -> f64 {
        let (lo, hi) = self.scale;
        if hi > lo {
            ((v - lo) / (hi - lo)).clamp(0.0, 1.0)
        } else {
            0.5
        }
    }

    /// The colour of a cell of value `v`.
    pub fn colour_of(&self, v: f64) -> RGBColor {
        if v.is_finite() {
            viridis(self.position(v))
        } else {
            NO_DATA_COLOUR
        }
    }
}

/// One variant's bar in a comparison panel.
#[derive(Debug, Clone, Copy)]
pub(super) struct Bar {
    pub mean: f64,
    pub low: f64,
    pub high: f64,
    /// Whether it differs significantly from the base variant.
    pub significant: bool,
}

/// One metric's panel in a comparison.
#[derive(Debug, Clone)]
pub(super) struct BarPanel {
    pub title: String,
    pub y_desc: String,
    /// How the values read.
    pub format: Format,
    pub bars: Vec<Bar>,
    pub limits: Vec<LimitLine>,
}

/// Variants side by side, one small bar chart per metric.
#[derive(Debug, Clone)]
pub(super) struct Compare {
    pub title: String,
    pub subtitle: Option<String>,
    pub variants: Vec<String>,
    pub panels: Vec<BarPanel>,
}

/// Any chart sresim draws.
#[derive(Debug, Clone)]
pub(super) enum Chart {
    Lines(LineChart),
    Heatmap(Heatmap),
    Compare(Compare),
}

impl Chart {
    /// Canvas size in pixels.
    pub fn size(&self) -> (u32, u32) {
        match self {
            Chart::Lines(_) | Chart::Heatmap(_) => SIZE,
            Chart::Compare(c) => {
                let rows = c
                    .panels
                    .len()
                    .max(1)
                    .div_ceil(compare_columns(c.panels.len()));
                let header = header_height(c.subtitle.is_some());
                let legend = legend_height(&compare_legend(c), COMPARE_WIDTH);
                // Rows grow by the lines the variant names take under the bars.
                let row = COMPARE_ROW_HEIGHT + compare_names(c).1.saturating_sub(40);
                (COMPARE_WIDTH, header + legend + rows as u32 * row + 20)
            }
        }
    }

    /// Draws the chart on `root`, which must be [`Chart::size`] large.
    pub fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<(), DB> {
        root.fill(&WHITE)?;
        match self {
            Chart::Lines(c) => draw_lines(root, c),
            Chart::Heatmap(h) => draw_heatmap(root, h),
            Chart::Compare(c) => draw_compare(root, c),
        }
    }
}

// ---------------------------------------------------------------------------------------
// Chart kinds

/// A line chart: header, legend, then its panels stacked top to bottom.
fn draw_lines<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    c: &LineChart,
) -> DrawResult<(), DB> {
    let area = draw_header(root, &c.title, c.subtitle.as_deref())?;
    let area = draw_legend(&area, &lines_legend(c))?;
    // A chart without panels still gets empty axes rather than a blank canvas.
    let empty;
    let panels: &[Panel] = if c.panels.is_empty() {
        empty = [Panel {
            y_desc: String::new(),
            format: Format::Plain,
            series: Vec::new(),
            limits: Vec::new(),
            shade: None,
            mark: Mark::Lines { markers: false },
            colour_by: None,
        }];
        &empty
    } else {
        &c.panels
    };
    let areas = area.split_evenly((panels.len(), 1));
    let last = panels.len() - 1;
    for (i, (panel, area)) in panels.iter().zip(&areas).enumerate() {
        draw_panel(area, &c.x, panel, &c.events, i == last)?;
    }
    Ok(())
}

/// A heatmap with the value printed in each cell and a colour scale on the right.
fn draw_heatmap<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    h: &Heatmap,
) -> DrawResult<(), DB> {
    let area = draw_header(root, &h.title, h.subtitle.as_deref())?;
    let mut legend = Vec::new();
    if let Some(b) = &h.breach {
        legend.push(LegendEntry {
            swatch: Swatch::Outline,
            label: format!("above {}", limit_text(b, h.format)),
        });
    }
    let missing = h.values.iter().any(|r| r.iter().any(|v| !v.is_finite()))
        || h.values
            .iter()
            .any(|r| r.len() < h.values.iter().map(Vec::len).max().unwrap_or(0));
    if missing {
        legend.push(LegendEntry {
            swatch: Swatch::Shade(NO_DATA_COLOUR),
            label: "no data".into(),
        });
    }
    let area = draw_legend(&area, &legend)?;
    let (w, _) = area.dim_in_pixel();
    let (main, scale) = area.split_horizontally(w.saturating_sub(SCALE_W));

    let nx = h.values.iter().map(Vec::len).max().unwrap_or(0);
    let ny = h.values.len();
    let (x0, x1, xt) = h.x.range(std::iter::empty());
    let (y0, y1, yt) = h.y.range(std::iter::empty());
    let (x0, x1, xt) = if nx == 0 {
        (x0, x1, xt)
    } else {
        category_range(nx)
    };
    let (y0, y1, yt) = if ny == 0 {
        (y0, y1, yt)
    } else {
        category_range(ny)
    };
    // Wide enough for the longest category label, within reason.
    let (main_w, _) = main.dim_in_pixel();
    let y_label_px = (0..ny)
        .map(|i| label_width_px(&h.y.label(i as f64)))
        .max()
        .unwrap_or(0)
        .clamp(160, main_w * 2 / 5);
    let mut chart = ChartBuilder::on(&main)
        .margin_left(20)
        .margin_right(10)
        .margin_top(10)
        .margin_bottom(10)
        .x_label_area_size(90)
        .y_label_area_size(y_label_px)
        .build_cartesian_2d(
            Ticked::new(x0, x1, thin(xt, 20)),
            Ticked::new(y0, y1, thin(yt, 20)),
        )?;
    chart
        .configure_mesh()
        .disable_mesh()
        .x_desc(h.x.desc())
        .y_desc(h.y.desc())
        .axis_desc_style(text(AXIS_DESC_PX, TEXT_COLOUR))
        .label_style(text(TICK_PX, TEXT_COLOUR))
        .x_label_formatter(&|v| h.x.label(*v))
        .y_label_formatter(&|v| h.y.label(*v))
        .axis_style(MUTED_COLOUR.stroke_width(2))
        .draw()?;

    let (lo, hi) = h.scale;

    let (pw, ph) = chart.plotting_area().dim_in_pixel();
    let cell_w = pw as f64 / nx.max(1) as f64;
    let cell_h = ph as f64 / ny.max(1) as f64;
    let value_px = (cell_h * 0.3).min(cell_w / 4.5).min(28.0);

    for (yi, row) in h.values.iter().enumerate() {
        for xi in 0..nx {
            let v = row.get(xi).copied().unwrap_or(f64::NAN);
            let (x, y) = (xi as f64, yi as f64);
            let fill = h.colour_of(v);
            chart.draw_series(std::iter::once(Rectangle::new(
                [(x - 0.5, y - 0.5), (x + 0.5, y + 0.5)],
                fill.filled(),
            )))?;
            chart.draw_series(std::iter::once(Rectangle::new(
                [(x - 0.5, y - 0.5), (x + 0.5, y + 0.5)],
                WHITE.stroke_width(2),
            )))?;
            let breaks = h.breach.as_ref().is_some_and(|b| v > b.value);
            if breaks {
                for (colour, width, inset) in [(WHITE, 10, 0.07), (BLACK, 5, 0.07)] {
                    chart.draw_series(std::iter::once(Rectangle::new(
                        [
                            (x - 0.5 + inset, y - 0.5 + inset),
                            (x + 0.5 - inset, y + 0.5 - inset),
                        ],
                        colour.stroke_width(width),
                    )))?;
                }
            }
            if value_px >= 11.0 {
                let ink = if is_dark(fill) { WHITE } else { BLACK };
                let style = if breaks {
                    bold(value_px as u32, ink)
                } else {
                    text(value_px as u32, ink)
                };
                chart.draw_series(std::iter::once(Text::new(
                    h.format.value(v),
                    (x, y),
                    style.pos(Pos::new(HPos::Center, VPos::Center)),
                )))?;
            }
        }
    }

    // The colour scale, level with the plot: a column of thin bands, ticks and values
    // to its right, and what it measures beside them.
    let (plot_y, scale_x) = (
        chart.plotting_area().get_pixel_range().1,
        scale.get_pixel_range().0,
    );
    let (top, bottom) = (plot_y.start, plot_y.end);
    let (left, right) = (scale_x.start + 30, scale_x.start + 80);
    let y_of = |v: f64| bottom - ((bottom - top) as f64 * h.position(v)).round() as i32;
    const STEPS: i32 = 100;
    for k in 0..STEPS {
        let a = top + (bottom - top) * k / STEPS;
        let b = top + (bottom - top) * (k + 1) / STEPS;
        let t = 1.0 - (k as f64 + 0.5) / STEPS as f64;
        root.draw(&Rectangle::new(
            [(left, a), (right, b)],
            viridis(t).filled(),
        ))?;
    }
    root.draw(&Rectangle::new(
        [(left, top), (right, bottom)],
        MUTED_COLOUR.stroke_width(1),
    ))?;
    let marked: Vec<i32> = h
        .limits
        .iter()
        .filter(|l| l.value >= lo && l.value <= hi)
        .map(|l| y_of(l.value))
        .collect();
    for v in h.format.ticks(lo, hi, 6) {
        let y = y_of(v);
        // A limit's name takes the place of a tick label it would cover.
        if marked.iter().any(|m| (m - y).abs() < TICK_PX as i32) {
            continue;
        }
        root.draw(&PathElement::new(
            vec![(right, y), (right + 8, y)],
            MUTED_COLOUR.stroke_width(2),
        ))?;
        root.draw(&Text::new(
            h.format.tick(v),
            (right + 14, y),
            text(TICK_PX, TEXT_COLOUR).pos(Pos::new(HPos::Left, VPos::Center)),
        ))?;
    }
    // Each reference level across the scale, named beside it, so the room sees which
    // colours are past it.
    for l in h.limits.iter().filter(|l| l.value >= lo && l.value <= hi) {
        let y = y_of(l.value);
        let ink = if l.colour == GOOD_COLOUR {
            l.colour
        } else {
            BLACK
        };
        root.draw(&PathElement::new(
            vec![(left - 8, y), (right + 8, y)],
            WHITE.stroke_width(LIMIT_STROKE + 4),
        ))?;
        root.draw(&PathElement::new(
            vec![(left - 8, y), (right + 8, y)],
            ink.stroke_width(LIMIT_STROKE + 1),
        ))?;
        root.draw(&Text::new(
            limit_text(l, h.format),
            (right + 14, y),
            bold(SCALE_LIMIT_PX, ink).pos(Pos::new(HPos::Left, VPos::Center)),
        ))?;
    }
    root.draw(&Text::new(
        h.value_desc.as_str(),
        (scale_x.end - 30, (top + bottom) / 2),
        text(AXIS_DESC_PX, TEXT_COLOUR)
            .transform(FontTransform::Rotate90)
            .pos(Pos::new(HPos::Center, VPos::Center)),
    ))?;
    Ok(())
}

/// A grid of small bar charts, one per metric, one bar per variant with its 95% CI.
fn draw_compare<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    c: &Compare,
) -> DrawResult<(), DB> {
    let area = draw_header(root, &c.title, c.subtitle.as_deref())?;
    let area = draw_legend(&area, &compare_legend(c))?;
    let cols = compare_columns(c.panels.len());
    let rows = c.panels.len().max(1).div_ceil(cols);
    let cells = area.split_evenly((rows, cols));
    let n = c.variants.len();
    let (x0, _, xt) = category_range(n.max(1));
    let (names, names_h) = compare_names(c);
    for ((panel, cell), names) in c.panels.iter().zip(&cells).zip(&names) {
        let (x1, _) = bar_slots(c, panel);
        let values = panel
            .bars
            .iter()
            .flat_map(|b| [b.mean, b.low, b.high])
            .chain(panel.limits.iter().map(|l| l.value));
        let (y0, y1) = y_range(values, true, 0.15);
        let mut chart = ChartBuilder::on(cell)
            .caption(&panel.title, bold(PANEL_TITLE_PX, TEXT_COLOUR))
            .margin(15)
            .margin_right(30)
            .x_label_area_size(names_h)
            .y_label_area_size(115)
            .build_cartesian_2d(
                Ticked::new(x0, x1, xt.clone()),
                Ticked::new(y0, y1, panel.format.ticks(y0, y1, 6)),
            )?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .y_desc(&panel.y_desc)
            .axis_desc_style(text(TICK_PX, TEXT_COLOUR))
            .label_style(text(TICK_PX, TEXT_COLOUR))
            .x_label_formatter(&|_| String::new())
            .y_label_formatter(&|v| panel.format.tick(*v))
            .bold_line_style(GRID_COLOUR.stroke_width(1))
            .light_line_style(TRANSPARENT)
            .axis_style(MUTED_COLOUR.stroke_width(2))
            .draw()?;
        let base = 0.0f64.clamp(y0, y1);
        for (i, b) in panel.bars.iter().enumerate() {
            let x = i as f64;
            if b.mean.is_finite() {
                chart.draw_series(std::iter::once(Rectangle::new(
                    [(x - 0.36, base), (x + 0.36, b.mean)],
                    colour(i).mix(0.85).filled(),
                )))?;
                if b.significant {
                    chart.draw_series(std::iter::once(Rectangle::new(
                        [(x - 0.36, base), (x + 0.36, b.mean)],
                        BLACK.stroke_width(4),
                    )))?;
                }
            }
            if b.low.is_finite() && b.high.is_finite() {
                let whisker = BLACK.stroke_width(3);
                for path in [
                    vec![(x, b.low), (x, b.high)],
                    vec![(x - 0.12, b.low), (x + 0.12, b.low)],
                    vec![(x - 0.12, b.high), (x + 0.12, b.high)],
                ] {
                    chart.draw_series(std::iter::once(PathElement::new(path, whisker)))?;
                }
            }
            if b.significant {
                let top = [b.high, b.mean]
                    .into_iter()
                    .find(|v| v.is_finite())
                    .unwrap_or(base);
                chart.draw_series(std::iter::once(
                    EmptyElement::at((x, top))
                        + Text::new(
                            "*",
                            (0, -4),
                            bold(40, TEXT_COLOUR).pos(Pos::new(HPos::Center, VPos::Bottom)),
                        ),
                ))?;
            }
        }
        draw_limits(&mut chart, &panel.limits, x0, x1, TICK_PX)?;
        // The variants' names under their bars, in their colours' order.
        for (i, lines) in names.iter().enumerate() {
            let (px, py) = chart.backend_coord(&(i as f64, y0));
            for (k, line) in lines.iter().enumerate() {
                root.draw(&Text::new(
                    line.as_str(),
                    (px, py + 8 + k as i32 * NAME_LINE_PX),
                    text(NAME_PX, TEXT_COLOUR).pos(Pos::new(HPos::Center, VPos::Top)),
                ))?;
            }
        }
    }
    Ok(())
}

/// Type size of the variant names under a comparison's bars, and their line height.
const NAME_PX: u32 = 18;
const NAME_LINE_PX: i32 = 21;
/// Most lines a variant's name takes under its bar.
const NAME_LINES: usize = 3;

/// `name` broken into at most `max_lines` lines of at most `width` pixels in `px`
/// type: at spaces (and after `:`, `,`, `;`, `=`, `/`, `.`, `_` or `-` inside a long
/// word), the last line cut with an ellipsis when the name does not fit.
pub(super) fn wrap_name(name: &str, width: i32, px: u32, max_lines: usize) -> Vec<String> {
    let fits = |s: &str| text_width(s, px, false) <= width;
    // Pieces of text, each marked with whether a space precedes it and whether it
    // starts a word too wide for a line, which is cut after its punctuation and starts
    // a line of its own.
    let mut pieces: Vec<(String, bool, bool)> = Vec::new();
    for w in name.split_whitespace() {
        let wide = !fits(w);
        let mut first = true;
        let mut part = String::new();
        for c in w.chars() {
            part.push(c);
            let cut = matches!(c, ':' | ',' | ';' | '=' | '/' | '.' | '_' | '-');
            if cut && wide && part.chars().count() > 1 {
                pieces.push((std::mem::take(&mut part), first, first));
                first = false;
            }
        }
        if !part.is_empty() {
            pieces.push((part, first, first && wide));
        }
    }
    let mut lines: Vec<String> = Vec::new();
    for (piece, spaced, breaks) in pieces {
        let joined = lines.last().map(|l| {
            if spaced {
                format!("{l} {piece}")
            } else {
                format!("{l}{piece}")
            }
        });
        match (lines.last_mut(), joined) {
            (Some(l), Some(j)) if !breaks && fits(&j) => *l = j,
            _ => lines.push(piece),
        }
    }
    if lines.len() > max_lines {
        lines.truncate(max_lines);
        if let Some(l) = lines.last_mut() {
            l.push('…');
        }
    }
    // A line still too wide (one long piece) is cut to fit.
    for l in &mut lines {
        while !fits(l) && l.chars().count() > 2 {
            let mut cut: String = l.chars().take(l.chars().count() - 2).collect();
            cut.push('…');
            *l = cut;
        }
    }
    lines
}

// ---------------------------------------------------------------------------------------
// Shared parts

type LineContext<'a, DB> = ChartContext<'a, DB, Cartesian2d<Ticked, Ticked>>;

/// One plot area of a line chart: shade, bands, limit lines, lines, markers.
fn draw_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    x: &XAxis,
    panel: &Panel,
    events: &[EventMark],
    show_x_desc: bool,
) -> DrawResult<(), DB> {
    let points = || panel.series.iter().flat_map(|s| s.points.iter());
    let (x0, x1, xt) = x.range(points().map(|p| p.x));
    let band = matches!(panel.mark, Mark::Lines { .. });
    let ys = points()
        .flat_map(|p| {
            if band {
                vec![p.mean, p.low, p.high]
            } else {
                vec![p.mean]
            }
        })
        .chain(panel.limits.iter().map(|l| l.value));
    let (y0, y1) = y_range(ys, true, 0.08);
    let mut chart = ChartBuilder::on(area)
        .margin_left(20)
        .margin_right(50)
        .margin_top(15)
        .margin_bottom(10)
        .x_label_area_size(if show_x_desc { 90 } else { 45 })
        .y_label_area_size(115)
        .build_cartesian_2d(
            Ticked::new(x0, x1, thin(xt, 20)),
            Ticked::new(y0, y1, panel.format.ticks(y0, y1, 8)),
        )?;
    let x_label = |v: &f64| x.label(*v);
    let y_label = |v: &f64| panel.format.tick(*v);
    let mut mesh = chart.configure_mesh();
    mesh.y_desc(&panel.y_desc)
        .axis_desc_style(text(AXIS_DESC_PX, TEXT_COLOUR))
        .label_style(text(TICK_PX, TEXT_COLOUR))
        .x_label_formatter(&x_label)
        .y_label_formatter(&y_label)
        .bold_line_style(GRID_COLOUR.stroke_width(1))
        .light_line_style(TRANSPARENT)
        .axis_style(MUTED_COLOUR.stroke_width(2));
    if show_x_desc {
        mesh.x_desc(x.desc());
    }
    mesh.draw()?;

    if let Some(shade) = &panel.shade {
        let (a, b) = (shade.from.max(x0), shade.to.min(x1));
        if a < b {
            chart.draw_series(std::iter::once(Rectangle::new(
                [(a, y0), (b, y1)],
                SHADE_COLOUR.mix(SHADE_ALPHA).filled(),
            )))?;
        }
    }

    if band {
        for s in &panel.series {
            for run in runs(&s.points, |p| p.low.is_finite() && p.high.is_finite()) {
                let mut outline: Vec<(f64, f64)> = run.iter().map(|p| (p.x, p.high)).collect();
                outline.extend(run.iter().rev().map(|p| (p.x, p.low)));
                if run.len() == 1 {
                    // A one-point band is an error bar.
                    chart.draw_series(std::iter::once(PathElement::new(
                        outline,
                        s.colour.mix(0.6).stroke_width(MEAN_STROKE),
                    )))?;
                } else {
                    chart.draw_series(std::iter::once(Polygon::new(
                        outline,
                        s.colour.mix(BAND_ALPHA).filled(),
                    )))?;
                }
            }
        }
    }

    // Events under the data, lighter where fewer replications had them.
    for e in events.iter().filter(|e| e.week >= x0 && e.week <= x1) {
        let alpha = 0.3 + 0.6 * e.share.clamp(0.0, 1.0);
        let width = if e.kind == EventKind::Reorg { 3 } else { 2 };
        chart.draw_series(DashedLineSeries::new(
            vec![(e.week, y0), (e.week, y1)],
            10,
            6,
            e.kind.colour().mix(alpha).stroke_width(width),
        ))?;
    }

    draw_limits(&mut chart, &panel.limits, x0, x1, LEGEND_PX)?;

    for (si, s) in panel.series.iter().enumerate() {
        if let Mark::Lines { .. } = panel.mark {
            for run in runs(&s.points, |p| p.mean.is_finite()) {
                chart.draw_series(LineSeries::new(
                    run.iter().map(|p| (p.x, p.mean)),
                    s.colour.stroke_width(MEAN_STROKE),
                ))?;
            }
        }
        let markers = match panel.mark {
            Mark::Lines { markers } => markers,
            Mark::Scatter => true,
        };
        // A lone finite point has no line through it, so it gets a marker anyway.
        let lone = |i: usize| {
            let finite = |j: Option<usize>| {
                j.and_then(|j| s.points.get(j))
                    .is_some_and(|p| p.mean.is_finite())
            };
            !finite(i.checked_sub(1)) && !finite(Some(i + 1))
        };
        let (fill, radius) = (
            |i: usize| match (&panel.colour_by, si) {
                (Some(by), 0) => by.colour(i),
                _ => s.colour,
            },
            // Colours read better on larger markers.
            if panel.colour_by.is_some() {
                MARKER_RADIUS + 4
            } else {
                MARKER_RADIUS
            },
        );
        chart.draw_series(
            s.points
                .iter()
                .enumerate()
                .filter(|(i, p)| p.mean.is_finite() && (markers || lone(*i)))
                .map(|(i, p)| Circle::new((p.x, p.mean), radius, fill(i).filled())),
        )?;
        if panel.colour_by.is_some() && si == 0 {
            // Outlined, so that pale markers stay visible on white.
            chart.draw_series(
                s.points
                    .iter()
                    .filter(|p| p.mean.is_finite())
                    .map(|p| Circle::new((p.x, p.mean), radius, MUTED_COLOUR)),
            )?;
        }
    }

    if !points().any(|p| p.mean.is_finite()) {
        chart.draw_series(std::iter::once(Text::new(
            "no finite values to draw",
            ((x0 + x1) / 2.0, (y0 + y1) / 2.0),
            text(AXIS_DESC_PX, MUTED_COLOUR).pos(Pos::new(HPos::Center, VPos::Center)),
        )))?;
    }
    Ok(())
}

/// Dashed horizontal lines across the plot, each labelled at its right end in
/// `label_px` type (none when 0).
fn draw_limits<DB: DrawingBackend>(
    chart: &mut LineContext<'_, DB>,
    limits: &[LimitLine],
    x0: f64,
    x1: f64,
    label_px: u32,
) -> DrawResult<(), DB> {
    for limit in limits.iter().filter(|l| l.value.is_finite()) {
        chart.draw_series(DashedLineSeries::new(
            vec![(x0, limit.value), (x1, limit.value)],
            18,
            10,
            limit.colour.stroke_width(LIMIT_STROKE),
        ))?;
        if label_px > 0 {
            chart.draw_series(std::iter::once(
                EmptyElement::at((x1, limit.value))
                    + Text::new(
                        limit.label.clone(),
                        (-12, -8),
                        bold(label_px, limit.colour).pos(Pos::new(HPos::Right, VPos::Bottom)),
                    ),
            ))?;
        }
    }
    Ok(())
}

/// The title (bold, centred) and an optional subtitle; returns the area below them.
fn draw_header<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    subtitle: Option<&str>,
) -> DrawResult<DrawingArea<DB, Shift>, DB> {
    let (top, rest) = root.split_vertically(header_height(subtitle.is_some()));
    let centre = top.dim_in_pixel().0 as i32 / 2;
    let top_pos = Pos::new(HPos::Center, VPos::Top);
    top.draw(&Text::new(
        title,
        (centre, 18),
        bold(TITLE_PX, TEXT_COLOUR).pos(top_pos),
    ))?;
    if let Some(sub) = subtitle {
        let y = 18 + TITLE_PX as i32 + 12;
        top.draw(&Text::new(
            sub,
            (centre, y),
            text(SUBTITLE_PX, MUTED_COLOUR).pos(top_pos),
        ))?;
    }
    Ok(rest)
}

fn header_height(subtitle: bool) -> u32 {
    18 + TITLE_PX + 16 + if subtitle { SUBTITLE_PX + 12 } else { 0 }
}

/// What a legend entry's sample looks like.
#[derive(Debug, Clone, Copy)]
enum Swatch {
    Line(RGBColor),
    Marker(RGBColor),
    Band(RGBColor),
    Dashed(RGBColor),
    Shade(RGBColor),
    Bar(RGBColor),
    Whisker,
    Outline,
    Glyph(&'static str),
    /// A vertical event line.
    Event(RGBColor),
    /// The viridis colour ramp, low to high.
    Ramp,
}

#[derive(Debug, Clone)]
struct LegendEntry {
    swatch: Swatch,
    label: String,
}

const LEGEND_ROW: u32 = 38;
const SWATCH_W: i32 = 50;
const LEGEND_LEFT: i32 = 150;

/// Where each legend entry goes: rows of (entry index, x offset).
fn legend_rows(entries: &[LegendEntry], width: u32) -> Vec<Vec<(usize, i32)>> {
    let right = width as i32 - 40;
    let mut rows: Vec<Vec<(usize, i32)>> = Vec::new();
    let mut x = LEGEND_LEFT;
    for (i, e) in entries.iter().enumerate() {
        let text_w = text_width(&e.label, LEGEND_PX, false);
        let w = SWATCH_W + 12 + text_w + 44;
        if rows.is_empty() || (x + w > right && x > LEGEND_LEFT) {
            rows.push(Vec::new());
            x = LEGEND_LEFT;
        }
        if let Some(row) = rows.last_mut() {
            row.push((i, x));
        }
        x += w;
    }
    rows
}

fn legend_height(entries: &[LegendEntry], width: u32) -> u32 {
    let rows = legend_rows(entries, width).len() as u32;
    if rows == 0 {
        0
    } else {
        rows * LEGEND_ROW + 14
    }
}

/// A legend laid out in rows across the top; returns the area below it.
fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[LegendEntry],
) -> DrawResult<DrawingArea<DB, Shift>, DB> {
    let width = area.dim_in_pixel().0;
    let (top, rest) = area.split_vertically(legend_height(entries, width));
    for (r, row) in legend_rows(entries, width).iter().enumerate() {
        let cy = r as i32 * LEGEND_ROW as i32 + LEGEND_ROW as i32 / 2 + 4;
        for &(i, x) in row {
            let Some(e) = entries.get(i) else { continue };
            draw_swatch(&top, e.swatch, x, cy)?;
            top.draw(&Text::new(
                e.label.as_str(),
                (x + SWATCH_W + 12, cy),
                text(LEGEND_PX, TEXT_COLOUR).pos(Pos::new(HPos::Left, VPos::Center)),
            ))?;
        }
    }
    Ok(rest)
}

fn draw_swatch<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    swatch: Swatch,
    x: i32,
    cy: i32,
) -> DrawResult<(), DB> {
    let (l, r) = (x, x + SWATCH_W);
    let boxed = [(l + 4, cy - 12), (r - 4, cy + 12)];
    match swatch {
        Swatch::Line(c) => area.draw(&PathElement::new(
            vec![(l, cy), (r, cy)],
            c.stroke_width(MEAN_STROKE),
        )),
        Swatch::Marker(c) => area.draw(&Circle::new(((l + r) / 2, cy), MARKER_RADIUS, c.filled())),
        Swatch::Band(c) => area.draw(&Rectangle::new(boxed, c.mix(BAND_ALPHA * 1.5).filled())),
        Swatch::Dashed(c) => {
            for k in 0..3 {
                let a = l + k * 18;
                area.draw(&PathElement::new(
                    vec![(a, cy), ((a + 11).min(r), cy)],
                    c.stroke_width(LIMIT_STROKE),
                ))?;
            }
            Ok(())
        }
        Swatch::Shade(c) => area.draw(&Rectangle::new(boxed, c.filled())),
        Swatch::Bar(c) => area.draw(&Rectangle::new(boxed, c.mix(0.85).filled())),
        Swatch::Whisker => {
            let m = (l + r) / 2;
            let style = BLACK.stroke_width(3);
            area.draw(&PathElement::new(vec![(m, cy - 13), (m, cy + 13)], style))?;
            area.draw(&PathElement::new(
                vec![(m - 8, cy - 13), (m + 8, cy - 13)],
                style,
            ))?;
            area.draw(&PathElement::new(
                vec![(m - 8, cy + 13), (m + 8, cy + 13)],
                style,
            ))
        }
        Swatch::Outline => {
            area.draw(&Rectangle::new(boxed, viridis(0.5).filled()))?;
            area.draw(&Rectangle::new(boxed, BLACK.stroke_width(4)))
        }
        Swatch::Event(c) => {
            let m = (l + r) / 2;
            for k in 0..3 {
                let a = cy - 14 + k * 11;
                area.draw(&PathElement::new(
                    vec![(m, a), (m, (a + 7).min(cy + 14))],
                    c.stroke_width(3),
                ))?;
            }
            Ok(())
        }
        Swatch::Ramp => {
            const STEPS: i32 = 10;
            let w = (r - l) / STEPS;
            for k in 0..STEPS {
                let t = (k as f64 + 0.5) / STEPS as f64;
                area.draw(&Rectangle::new(
                    [(l + k * w, cy - 10), (l + (k + 1) * w, cy + 10)],
                    viridis(t).filled(),
                ))?;
            }
            Ok(())
        }
        Swatch::Glyph(g) => area.draw(&Text::new(
            g,
            ((l + r) / 2, cy + 6),
            bold(40, TEXT_COLOUR).pos(Pos::new(HPos::Center, VPos::Center)),
        )),
    }
}

/// Legend of a line chart: each series once, the band, the limits, the shade.
fn lines_legend(c: &LineChart) -> Vec<LegendEntry> {
    let mut entries: Vec<LegendEntry> = Vec::new();
    let push = |entries: &mut Vec<LegendEntry>, e: LegendEntry| {
        if !entries.iter().any(|x| x.label == e.label) {
            entries.push(e);
        }
    };
    for p in &c.panels {
        if let Some(by) = &p.colour_by {
            colour_by_legend(&mut entries, by);
            continue;
        }
        for s in &p.series {
            let swatch = match p.mark {
                Mark::Lines { .. } => Swatch::Line(s.colour),
                Mark::Scatter => Swatch::Marker(s.colour),
            };
            push(
                &mut entries,
                LegendEntry {
                    swatch,
                    label: s.label.clone(),
                },
            );
        }
    }
    let has_band = c.panels.iter().any(|p| {
        matches!(p.mark, Mark::Lines { .. })
            && p.series.iter().any(|s| {
                s.points
                    .iter()
                    .any(|pt| pt.low.is_finite() && pt.high.is_finite())
            })
    });
    if let (true, Some(label)) = (has_band, &c.band_label) {
        let colour = match c.panels.iter().flat_map(|p| &p.series).count() {
            1 => c
                .panels
                .iter()
                .flat_map(|p| &p.series)
                .map(|s| s.colour)
                .next(),
            _ => None,
        };
        push(
            &mut entries,
            LegendEntry {
                swatch: Swatch::Band(colour.unwrap_or(SHADE_COLOUR)),
                label: label.clone(),
            },
        );
    }
    for p in &c.panels {
        for l in &p.limits {
            push(
                &mut entries,
                LegendEntry {
                    swatch: Swatch::Dashed(l.colour),
                    label: limit_text(l, p.format),
                },
            );
        }
        if let Some(s) = &p.shade {
            push(
                &mut entries,
                LegendEntry {
                    swatch: Swatch::Shade(shade_on_white()),
                    label: s.label.clone(),
                },
            );
        }
    }
    let mut kinds: Vec<EventKind> = c.events.iter().map(|e| e.kind).collect();
    kinds.sort_unstable();
    kinds.dedup();
    for k in kinds {
        push(
            &mut entries,
            LegendEntry {
                swatch: Swatch::Event(k.colour()),
                label: k.label().into(),
            },
        );
    }
    entries
}

/// Legend entries explaining marker colours: one per category, or the colour ramp
/// with its two ends.
fn colour_by_legend(entries: &mut Vec<LegendEntry>, by: &ColourBy) {
    if by.names.is_empty() {
        let (lo, hi) = by.range();
        entries.push(LegendEntry {
            swatch: Swatch::Ramp,
            label: format!(
                "colour: {}, {} (purple) to {} (yellow)",
                by.desc,
                chart_number(lo),
                chart_number(hi)
            ),
        });
    } else {
        for (i, name) in by.names.iter().enumerate() {
            entries.push(LegendEntry {
                swatch: Swatch::Marker(colour(i)),
                label: format!("{}: {}", by.desc, compact_label(name)),
            });
        }
    }
}

/// A limit's name with its value, unless the name already starts with it ("50% ops
/// cap", but "pager budget (2)").
fn limit_text(l: &LimitLine, format: Format) -> String {
    if l.label.starts_with(|c: char| c.is_ascii_digit()) {
        l.label.clone()
    } else {
        format!("{} ({})", l.label, format.value(l.value))
    }
}

/// Legend of a comparison: the variants in their colours (named under the bars too,
/// shortened where long), then how to read the marks (limit lines are labelled in the
/// panels).
fn compare_legend(c: &Compare) -> Vec<LegendEntry> {
    let mut entries: Vec<LegendEntry> = c
        .variants
        .iter()
        .enumerate()
        .map(|(i, v)| LegendEntry {
            swatch: Swatch::Bar(colour(i)),
            label: v.clone(),
        })
        .collect();
    entries.push(LegendEntry {
        swatch: Swatch::Whisker,
        label: "95% CI".into(),
    });
    if c.panels
        .iter()
        .any(|p| p.bars.iter().any(|b| b.significant))
    {
        entries.push(LegendEntry {
            swatch: Swatch::Glyph("*"),
            label: format!(
                "different from {} beyond the metric's minimum effect, 95% paired CI (outlined)",
                c.variants.first().map_or("base", String::as_str)
            ),
        });
    }
    entries
}

/// The right end of a comparison panel's x range and the width of one bar's slot in
/// pixels. The range is widened by an empty slot on the right, just wide enough for
/// the limit labels, so that they never sit on a bar.
fn bar_slots(c: &Compare, panel: &BarPanel) -> (f64, f64) {
    let (x0, x1, _) = category_range(c.variants.len().max(1));
    let label_w = panel
        .limits
        .iter()
        .map(|l| text_width(&l.label, TICK_PX, true) + 24)
        .max()
        .unwrap_or(0) as f64;
    let cols = compare_columns(c.panels.len()) as f64;
    let plot_w = COMPARE_WIDTH as f64 / cols - 115.0 - 45.0;
    let x1 = if label_w > 0.0 && plot_w > label_w * 1.5 {
        x1 + label_w * (x1 - x0) / (plot_w - label_w)
    } else {
        x1
    };
    (x1, plot_w / (x1 - x0))
}

/// Each panel's variant names, each wrapped to the width of its bar's slot, and the
/// height the longest needs under the axes.
fn compare_names(c: &Compare) -> (Vec<Vec<Vec<String>>>, u32) {
    let names: Vec<Vec<Vec<String>>> = c
        .panels
        .iter()
        .map(|p| {
            let slot = (bar_slots(c, p).1 as i32 - 8).max(40);
            c.variants
                .iter()
                .map(|v| wrap_name(v, slot, NAME_PX, NAME_LINES))
                .collect()
        })
        .collect();
    let lines = names
        .iter()
        .flatten()
        .map(Vec::len)
        .max()
        .unwrap_or(1)
        .max(1);
    (names, 16 + lines as u32 * NAME_LINE_PX as u32)
}

fn compare_columns(panels: usize) -> usize {
    match panels {
        0..=1 => 1,
        2 | 4 => 2,
        _ => 3,
    }
}

// ---------------------------------------------------------------------------------------
// Small helpers

/// A linear f64 axis whose ticks are given, not chosen by plotters: round numbers for
/// numeric axes, whole positions for categories. (plotters' own `WithKeyPoints` cannot
/// take a label formatter on an f64 axis.)
#[derive(Debug, Clone)]
struct Ticked {
    lo: f64,
    hi: f64,
    ticks: Vec<f64>,
}

impl Ticked {
    fn new(lo: f64, hi: f64, ticks: Vec<f64>) -> Ticked {
        let (lo, hi) = if hi > lo {
            (lo, hi)
        } else {
            (lo - 0.5, lo + 0.5)
        };
        let ticks = ticks.into_iter().filter(|t| *t >= lo && *t <= hi).collect();
        Ticked { lo, hi, ticks }
    }
}

impl Ranged for Ticked {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        let t = (value - self.lo) / (self.hi - self.lo);
        let px = limit.0 as f64 + (limit.1 - limit.0) as f64 * t;
        // `as` saturates, so values far outside the range stay drawable.
        px.round() as i32
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        if hint.weight().allow_light_points() || hint.max_num_points() == 0 {
            Vec::new()
        } else {
            self.ticks.clone()
        }
    }

    fn range(&self) -> Range<f64> {
        self.lo..self.hi
    }
}

const SHADE_ALPHA: f64 = 0.25;
/// Width of a heatmap's colour scale column, its labels included.
const SCALE_W: u32 = 330;
/// Type size of the limits named on a colour scale.
const SCALE_LIMIT_PX: u32 = 16;
const NO_DATA_COLOUR: RGBColor = RGBColor(235, 235, 235);

/// The shade's colour as it looks over white, for its legend sample.
fn shade_on_white() -> RGBColor {
    let over = |c: u8| (255.0 - (255.0 - c as f64) * SHADE_ALPHA).round() as u8;
    RGBColor(
        over(SHADE_COLOUR.0),
        over(SHADE_COLOUR.1),
        over(SHADE_COLOUR.2),
    )
}

/// The width of `s` in pixels, estimated from the font (roughly, if that fails).
fn text_width(s: &str, px: u32, is_bold: bool) -> i32 {
    let style = if is_bold {
        FontStyle::Bold
    } else {
        FontStyle::Normal
    };
    FontDesc::new(FontFamily::Name(FAMILY), px as f64, style)
        .box_size(s)
        .map_or(s.chars().count() as i32 * px as i32 * 6 / 10, |(w, _)| {
            w as i32
        })
}

fn font(px: u32) -> FontDesc<'static> {
    FontDesc::new(FontFamily::Name(FAMILY), px as f64, FontStyle::Normal)
}

fn text(px: u32, colour: RGBColor) -> TextStyle<'static> {
    font(px).color(&colour)
}

fn bold(px: u32, colour: RGBColor) -> TextStyle<'static> {
    FontDesc::new(FontFamily::Name(FAMILY), px as f64, FontStyle::Bold).color(&colour)
}

/// Range and ticks of `n` categories at 0, 1, …, n−1.
fn category_range(n: usize) -> (f64, f64, Vec<f64>) {
    let n = n.max(1);
    (-0.5, n as f64 - 0.5, (0..n).map(|i| i as f64).collect())
}

fn category_label(names: &[String], v: f64) -> String {
    let i = v.round();
    if (v - i).abs() > 1e-6 || i < 0.0 {
        return String::new();
    }
    names
        .get(i as usize)
        .map(|n| compact_label(n))
        .unwrap_or_default()
}

/// A shorter form of an inline-table value for tick labels:
/// `{ london = 8, mountain-view = 8 }` reads `london 8, mountain-view 8`, and quoted
/// strings lose their quotes.
pub(crate) fn compact_label(name: &str) -> String {
    let t = name.trim();
    let unquote = |s: &str| s.trim().trim_matches('"').trim_matches('\'').to_owned();
    match t.strip_prefix('{').and_then(|r| r.strip_suffix('}')) {
        Some(inner) => inner
            .split(',')
            .map(|kv| {
                kv.split('=')
                    .map(unquote)
                    .filter(|p| !p.is_empty())
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .filter(|kv| !kv.is_empty())
            .collect::<Vec<_>>()
            .join(", "),
        None => t.to_owned(),
    }
}

/// Pixels a tick label needs, roughly: DejaVu Sans averages about 0.6 em a character.
fn label_width_px(label: &str) -> u32 {
    (label.chars().count() as f64 * TICK_PX as f64 * 0.6).ceil() as u32 + 30
}

/// At most `max` of `ticks`, evenly spaced.
fn thin(ticks: Vec<f64>, max: usize) -> Vec<f64> {
    if ticks.len() <= max {
        return ticks;
    }
    let step = ticks.len().div_ceil(max);
    ticks.into_iter().step_by(step).collect()
}

/// Values beyond this are drawn at the edge: it keeps spans and padding finite.
const HUGE: f64 = 1e300;

/// Smallest and largest finite value (within ±[`HUGE`]), if any.
pub(super) fn finite_bounds(values: impl Iterator<Item = f64>) -> Option<(f64, f64)> {
    values
        .filter(|v| v.is_finite())
        .map(|v| v.clamp(-HUGE, HUGE))
        .fold(None, |acc, v| match acc {
            None => Some((v, v)),
            Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
        })
}

/// A y range covering `values` (and zero when `from_zero` and all are positive), with
/// `headroom` of the span added on top.
fn y_range(values: impl Iterator<Item = f64>, from_zero: bool, headroom: f64) -> (f64, f64) {
    let (mut lo, mut hi) = finite_bounds(values).unwrap_or((0.0, 1.0));
    if from_zero {
        lo = lo.min(0.0);
        hi = hi.max(0.0);
    }
    if hi <= lo {
        let pad = (lo.abs() * 0.1).max(0.5);
        return (lo - pad, hi + pad);
    }
    let span = hi - lo;
    let lo = if lo < 0.0 {
        lo - span * headroom / 2.0
    } else {
        lo
    };
    (lo, hi + span * headroom)
}

/// Maximal runs of consecutive points that satisfy `keep`.
fn runs(points: &[Point], keep: impl Fn(&Point) -> bool) -> Vec<&[Point]> {
    points
        .split(|p| !keep(p))
        .filter(|r| !r.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn y_range_covers_odd_input() {
        let (lo, hi) = y_range([f64::NAN].into_iter(), true, 0.1);
        assert!(lo == 0.0 && hi >= 1.0, "no data gives a unit range");
        let (lo, hi) = y_range([3.0].into_iter(), false, 0.1);
        assert!(lo < 3.0 && hi > 3.0);
        let (lo, hi) = y_range([-2.0, 1.0].into_iter(), true, 0.1);
        assert!(lo < -2.0 && hi > 1.0);
    }

    #[test]
    fn runs_split_at_gaps() {
        let p = |mean| Point {
            x: 0.0,
            mean,
            low: f64::NAN,
            high: f64::NAN,
        };
        let pts = [p(1.0), p(f64::NAN), p(2.0), p(3.0)];
        let r = runs(&pts, |p| p.mean.is_finite());
        assert_eq!(r.iter().map(|r| r.len()).collect::<Vec<_>>(), vec![1, 2]);
    }

    #[test]
    fn inline_table_labels_are_compacted() {
        assert_eq!(
            compact_label("{ london = 8, mountain-view = 8 }"),
            "london 8, mountain-view 8"
        );
        assert_eq!(compact_label("{ \"new york\" = 4 }"), "new york 4");
        assert_eq!(compact_label("by_stack"), "by_stack");
    }

    #[test]
    fn shares_read_as_percentages_and_counts_tick_at_whole_numbers() {
        assert_eq!(Format::Share.tick(0.25), "25%");
        assert_eq!(Format::Share.tick(0.0), "0%");
        assert_eq!(Format::Share.value(0.9931), "99.3%");
        assert_eq!(Format::Plain.tick(0.25), "0.25");
        let ticks = Format::Share.ticks(0.0, 1.0, 5);
        let labels: Vec<String> = ticks.iter().map(|t| Format::Share.tick(*t)).collect();
        assert_eq!(labels, ["0%", "20%", "40%", "60%", "80%", "100%"]);
        assert_eq!(Format::Count.ticks(0.0, 3.0, 8), vec![0.0, 1.0, 2.0, 3.0]);
        assert!(Format::Plain
            .ticks(0.0, 3.0, 8)
            .iter()
            .any(|t| t.fract() != 0.0));
    }

    #[test]
    fn long_variant_names_wrap_at_words_and_punctuation() {
        ensure_fonts().expect("fonts");
        let lines = wrap_name(
            "two more in London: teams.core.members.london=8",
            150,
            18,
            3,
        );
        assert!(lines.len() > 1 && lines.len() <= 3, "{lines:?}");
        assert_eq!(lines[0], "two more in");
        for l in &lines {
            assert!(text_width(l, 18, false) <= 150, "{l:?} too wide");
        }
        assert_eq!(wrap_name("base", 150, 18, 3), ["base"]);
        let cut = wrap_name(&"word ".repeat(40), 150, 18, 2);
        assert_eq!(cut.len(), 2);
        assert!(cut[1].ends_with('…'), "{cut:?}");
    }

    #[test]
    fn category_labels_only_at_whole_positions() {
        let names = vec!["a".to_string(), "b".to_string()];
        assert_eq!(category_label(&names, 1.0), "b");
        assert_eq!(category_label(&names, 0.5), "");
        assert_eq!(category_label(&names, 7.0), "");
        assert_eq!(category_label(&names, -1.0), "");
    }
}
