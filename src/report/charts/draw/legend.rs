//! What every chart kind shares above its plot: the header (title and subtitle) and
//! the legend.

use super::*;

/// The title (bold, centred) and an optional subtitle; returns the area below them.
pub(super) fn draw_header<DB: DrawingBackend>(
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

pub(super) fn header_height(subtitle: bool) -> u32 {
    18 + TITLE_PX + 16 + if subtitle { SUBTITLE_PX + 12 } else { 0 }
}

/// What a legend entry's sample looks like.
#[derive(Debug, Clone, Copy)]
pub(super) enum Swatch {
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
pub(super) struct LegendEntry {
    pub(super) swatch: Swatch,
    pub(super) label: String,
}

pub(super) const LEGEND_ROW: u32 = 38;
pub(super) const SWATCH_W: i32 = 50;
pub(super) const LEGEND_LEFT: i32 = 150;

/// Where each legend entry goes: rows of (entry index, x offset).
pub(super) fn legend_rows(entries: &[LegendEntry], width: u32) -> Vec<Vec<(usize, i32)>> {
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

pub(super) fn legend_height(entries: &[LegendEntry], width: u32) -> u32 {
    let rows = legend_rows(entries, width).len() as u32;
    if rows == 0 {
        0
    } else {
        rows * LEGEND_ROW + 14
    }
}

/// A legend laid out in rows across the top; returns the area below it.
pub(super) fn draw_legend<DB: DrawingBackend>(
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

pub(super) fn draw_swatch<DB: DrawingBackend>(
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
