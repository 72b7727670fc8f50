//! What a chart shows ([`Chart`] and its parts, plain data) and how each kind is drawn
//! on any plotters backend: one function per chart kind, sharing the header, legend and
//! panel helpers.

use std::ops::Range;

use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::style::*;

mod axes;
mod bars;
mod heatmap;
mod legend;
mod lines;
mod tornado;

use crate::model::metrics::Limit;
use crate::model::MetricDef;
use crate::report::format::{chart_number, tick as tick_label};
pub(crate) use axes::compact_label;
pub(super) use axes::finite_bounds;
use axes::*;
use bars::*;
use heatmap::*;
use legend::*;
use lines::*;
use tornado::draw_tornado;
pub(super) use tornado::{Tornado, TornadoBar};

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
    Tornado(Tornado),
}

impl Chart {
    /// Canvas size in pixels.
    pub fn size(&self) -> (u32, u32) {
        match self {
            Chart::Lines(_) | Chart::Heatmap(_) => SIZE,
            Chart::Tornado(t) => (
                SIZE.0,
                (header_height(t.subtitle.is_some()) + 110 + 38 * t.bars.len().max(1) as u32)
                    .max(400),
            ),
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
            Chart::Tornado(t) => draw_tornado(root, t),
        }
    }
}
