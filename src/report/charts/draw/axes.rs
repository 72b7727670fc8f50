//! Axes, text and colours every chart kind shares: tick ranges, category labels, text
//! widths, bounds.

use super::*;

/// A linear f64 axis whose ticks are given, not chosen by plotters: round numbers for
/// numeric axes, whole positions for categories. (plotters' own `WithKeyPoints` cannot
/// take a label formatter on an f64 axis.)
#[derive(Debug, Clone)]
pub(super) struct Ticked {
    lo: f64,
    hi: f64,
    ticks: Vec<f64>,
}

impl Ticked {
    pub(super) fn new(lo: f64, hi: f64, ticks: Vec<f64>) -> Ticked {
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

pub(super) const SHADE_ALPHA: f64 = 0.25;
/// Width of a heatmap's colour scale column, its labels included.
pub(super) const SCALE_W: u32 = 330;
/// Type size of the limits named on a colour scale.
pub(super) const SCALE_LIMIT_PX: u32 = 16;
pub(super) const NO_DATA_COLOUR: RGBColor = RGBColor(235, 235, 235);

/// The shade's colour as it looks over white, for its legend sample.
pub(super) fn shade_on_white() -> RGBColor {
    let over = |c: u8| (255.0 - (255.0 - c as f64) * SHADE_ALPHA).round() as u8;
    RGBColor(
        over(SHADE_COLOUR.0),
        over(SHADE_COLOUR.1),
        over(SHADE_COLOUR.2),
    )
}

/// The width of `s` in pixels, estimated from the font (roughly, if that fails).
pub(super) fn text_width(s: &str, px: u32, is_bold: bool) -> i32 {
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

pub(super) fn font(px: u32) -> FontDesc<'static> {
    FontDesc::new(FontFamily::Name(FAMILY), px as f64, FontStyle::Normal)
}

pub(super) fn text(px: u32, colour: RGBColor) -> TextStyle<'static> {
    font(px).color(&colour)
}

pub(super) fn bold(px: u32, colour: RGBColor) -> TextStyle<'static> {
    FontDesc::new(FontFamily::Name(FAMILY), px as f64, FontStyle::Bold).color(&colour)
}

/// Range and ticks of `n` categories at 0, 1, …, n−1.
pub(super) fn category_range(n: usize) -> (f64, f64, Vec<f64>) {
    let n = n.max(1);
    (-0.5, n as f64 - 0.5, (0..n).map(|i| i as f64).collect())
}

pub(super) fn category_label(names: &[String], v: f64) -> String {
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
pub(super) fn label_width_px(label: &str) -> u32 {
    (label.chars().count() as f64 * TICK_PX as f64 * 0.6).ceil() as u32 + 30
}

/// At most `max` of `ticks`, evenly spaced.
pub(super) fn thin(ticks: Vec<f64>, max: usize) -> Vec<f64> {
    if ticks.len() <= max {
        return ticks;
    }
    let step = ticks.len().div_ceil(max);
    ticks.into_iter().step_by(step).collect()
}

/// Values beyond this are drawn at the edge: it keeps spans and padding finite.
pub(super) const HUGE: f64 = 1e300;

/// Smallest and largest finite value (within ±[`HUGE`]), if any.
pub(in crate::report::charts) fn finite_bounds(
    values: impl Iterator<Item = f64>,
) -> Option<(f64, f64)> {
    values
        .filter(|v| v.is_finite())
        .map(|v| v.clamp(-HUGE, HUGE))
        .fold(None, |acc, v| match acc {
            None => Some((v, v)),
            Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
        })
}
