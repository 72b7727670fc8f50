//! Heatmaps: the value in each cell and a colour scale anchored to the limits.

use super::*;

/// A heatmap with the value printed in each cell and a colour scale on the right.
pub(super) fn draw_heatmap<DB: DrawingBackend>(
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
