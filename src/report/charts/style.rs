//! Shared look of every chart: canvas sizes, fonts, line widths, the colour-blind-safe
//! palette, and number formatting. Metric titles, units and limits come from the
//! metric catalogue.

use std::sync::OnceLock;

use crate::model::{MetricDef, CATALOGUE};

use plotters::style::{register_font, FontStyle, RGBColor};

/// Canvas of a single chart, in pixels: sized for a projector.
pub(super) const SIZE: (u32, u32) = (1600, 1000);
/// Width of the comparison grid; its height grows with the number of panels.
pub(super) const COMPARE_WIDTH: u32 = 1800;
/// Height of one row of comparison panels.
pub(super) const COMPARE_ROW_HEIGHT: u32 = 440;

/// The font family every text element asks for; the bundled DejaVu Sans answers it.
pub(super) const FAMILY: &str = "sans-serif";
pub(super) const TITLE_PX: u32 = 32;
pub(super) const SUBTITLE_PX: u32 = 24;
pub(super) const AXIS_DESC_PX: u32 = 26;
pub(super) const TICK_PX: u32 = 22;
pub(super) const LEGEND_PX: u32 = 24;
pub(super) const PANEL_TITLE_PX: u32 = 24;

pub(super) const MEAN_STROKE: u32 = 4;
pub(super) const LIMIT_STROKE: u32 = 3;
pub(super) const MARKER_RADIUS: u32 = 7;
/// Opacity of confidence and percentile bands.
pub(super) const BAND_ALPHA: f64 = 0.22;

/// Okabe & Ito's palette (2008), safe for the common colour-vision deficiencies; yellow
/// comes late because it is hard to see on white.
pub(super) const PALETTE: [RGBColor; 8] = [
    RGBColor(0, 114, 178),   // blue
    RGBColor(213, 94, 0),    // vermillion
    RGBColor(0, 158, 115),   // bluish green
    RGBColor(204, 121, 167), // reddish purple
    RGBColor(230, 159, 0),   // orange
    RGBColor(86, 180, 233),  // sky blue
    RGBColor(0, 0, 0),       // black
    RGBColor(240, 228, 66),  // yellow
];
/// Limit lines that must not be crossed.
pub(super) const LIMIT_COLOUR: RGBColor = RGBColor(40, 40, 40);
/// Limit lines that mark a good level rather than a hard limit.
pub(super) const GOOD_COLOUR: RGBColor = RGBColor(0, 158, 115);
pub(super) const TEXT_COLOUR: RGBColor = RGBColor(20, 20, 20);
pub(super) const MUTED_COLOUR: RGBColor = RGBColor(90, 90, 90);
pub(super) const GRID_COLOUR: RGBColor = RGBColor(215, 215, 215);
pub(super) const SHADE_COLOUR: RGBColor = RGBColor(160, 160, 160);

/// The colour of the `i`th series.
pub(super) fn colour(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

/// Registers the bundled fonts with plotters once per process. Drawing text needs them
/// because plotters is built without system font support.
pub(super) fn ensure_fonts() -> Result<(), String> {
    static REGISTERED: OnceLock<Result<(), String>> = OnceLock::new();
    REGISTERED
        .get_or_init(|| {
            const REGULAR: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");
            const BOLD: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans-Bold.ttf");
            register_font(FAMILY, FontStyle::Normal, REGULAR)
                .map_err(|_| "the bundled font DejaVuSans.ttf cannot be read".to_string())?;
            register_font(FAMILY, FontStyle::Bold, BOLD)
                .map_err(|_| "the bundled font DejaVuSans-Bold.ttf cannot be read".to_string())
        })
        .clone()
}

/// The pager budget drawn when teams.csv does not say: the SRE book's.
pub(super) const DEFAULT_PAGER_BUDGET: f64 = crate::model::accounting::BOOK_PAGER_BUDGET as f64;

/// The headline metrics of the catalogue, in drawing order.
pub(super) fn headline_metrics() -> impl Iterator<Item = &'static MetricDef> {
    CATALOGUE.iter().filter(|d| d.headline)
}

/// The viridis colour map (van der Walt & Smith), perceptually uniform and readable
/// in grey scale and by colour-blind viewers; `t` in 0..=1.
pub(super) fn viridis(t: f64) -> RGBColor {
    const STOPS: [(u8, u8, u8); 9] = [
        (68, 1, 84),
        (71, 45, 123),
        (59, 82, 139),
        (44, 114, 142),
        (33, 145, 140),
        (39, 173, 129),
        (92, 200, 99),
        (170, 220, 50),
        (253, 231, 37),
    ];
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let pos = t * (STOPS.len() - 1) as f64;
    let i = (pos.floor() as usize).min(STOPS.len() - 2);
    let f = pos - i as f64;
    let lerp = |a: u8, b: u8| (a as f64 + (b as f64 - a as f64) * f).round() as u8;
    let (a, b) = (STOPS[i], STOPS[i + 1]);
    RGBColor(lerp(a.0, b.0), lerp(a.1, b.1), lerp(a.2, b.2))
}

/// Whether text on this background should be white rather than black.
pub(super) fn is_dark(c: RGBColor) -> bool {
    let l = 0.2126 * c.0 as f64 + 0.7152 * c.1 as f64 + 0.0722 * c.2 as f64;
    l < 128.0
}

/// "Nice" tick positions (steps of 1, 2 or 5 times a power of ten) covering `lo..=hi`,
/// about `target` of them.
pub(super) fn nice_ticks(lo: f64, hi: f64, target: usize) -> Vec<f64> {
    if !(lo.is_finite() && hi.is_finite()) || hi <= lo {
        return if lo.is_finite() { vec![lo] } else { Vec::new() };
    }
    let raw = (hi - lo) / target.max(1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag);
    let first = (lo / step).ceil();
    let last = (hi / step).floor();
    let count = (last - first) as i64;
    if !(0..=1000).contains(&count) {
        return vec![lo, hi];
    }
    // Round away the binary noise of `k * step` (0.6000000000000001 → 0.6).
    let decimals = (-step.log10().floor()).max(0.0) as usize + 1;
    (0..=count)
        .map(|k| {
            let v = (first + k as f64) * step;
            format!("{v:.decimals$}").parse::<f64>().unwrap_or(v) + 0.0
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_ticks_cover_the_range_in_round_steps() {
        assert_eq!(nice_ticks(0.0, 1.0, 5), vec![0.0, 0.2, 0.4, 0.6, 0.8, 1.0]);
        assert_eq!(nice_ticks(3.0, 3.0, 5), vec![3.0]);
        assert!(nice_ticks(f64::NAN, 1.0, 5).is_empty());
        assert_eq!(
            nice_ticks(-10.0, 10.0, 4),
            vec![-10.0, -5.0, 0.0, 5.0, 10.0]
        );
    }

    #[test]
    fn viridis_runs_from_purple_to_yellow() {
        assert_eq!(viridis(0.0), RGBColor(68, 1, 84));
        assert_eq!(viridis(1.0), RGBColor(253, 231, 37));
        assert_eq!(viridis(f64::NAN), RGBColor(68, 1, 84));
        assert!(is_dark(viridis(0.1)) && !is_dark(viridis(0.95)));
    }
}
