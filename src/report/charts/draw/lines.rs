//! Line charts: panels of series with their bands, limit lines, shaded stretches and
//! event marks, and their legend.

use super::*;

/// A line chart: header, legend, then its panels stacked top to bottom.
pub(super) fn draw_lines<DB: DrawingBackend>(
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

/// One plot area of a line chart: shade, bands, limit lines, lines, markers.
pub(super) fn draw_panel<DB: DrawingBackend>(
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
pub(super) fn draw_limits<DB: DrawingBackend>(
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

/// Legend of a line chart: each series once, the band, the limits, the shade.
pub(super) fn lines_legend(c: &LineChart) -> Vec<LegendEntry> {
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
pub(super) fn colour_by_legend(entries: &mut Vec<LegendEntry>, by: &ColourBy) {
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
pub(super) fn limit_text(l: &LimitLine, format: Format) -> String {
    if l.label.starts_with(|c: char| c.is_ascii_digit()) {
        l.label.clone()
    } else {
        format!("{} ({})", l.label, format.value(l.value))
    }
}

/// A y range covering `values` (and zero when `from_zero` and all are positive), with
/// `headroom` of the span added on top.
pub(super) fn y_range(
    values: impl Iterator<Item = f64>,
    from_zero: bool,
    headroom: f64,
) -> (f64, f64) {
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
pub(super) fn runs(points: &[Point], keep: impl Fn(&Point) -> bool) -> Vec<&[Point]> {
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
