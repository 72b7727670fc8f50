//! Comparison bars: one panel per metric, a bar per variant with its interval, names
//! under the bars.

use super::*;

/// A grid of small bar charts, one per metric, one bar per variant with its 95% CI.
pub(super) fn draw_compare<DB: DrawingBackend>(
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
pub(super) const NAME_PX: u32 = 18;
pub(super) const NAME_LINE_PX: i32 = 21;
/// Most lines a variant's name takes under its bar.
pub(super) const NAME_LINES: usize = 3;

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

pub(super) type LineContext<'a, DB> = ChartContext<'a, DB, Cartesian2d<Ticked, Ticked>>;

/// Legend of a comparison: the variants in their colours (named under the bars too,
/// shortened where long), then how to read the marks (limit lines are labelled in the
/// panels).
pub(super) fn compare_legend(c: &Compare) -> Vec<LegendEntry> {
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
pub(super) fn bar_slots(c: &Compare, panel: &BarPanel) -> (f64, f64) {
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
pub(super) fn compare_names(c: &Compare) -> (Vec<Vec<Vec<String>>>, u32) {
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

pub(super) fn compare_columns(panels: usize) -> usize {
    match panels {
        0..=1 => 1,
        2 | 4 => 2,
        _ => 3,
    }
}
