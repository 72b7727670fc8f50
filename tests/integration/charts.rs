//! Charts drawn from small hand-written CSV folders (no simulation): which files each
//! kind of folder yields, that they are real PNG and SVG files, and that odd input
//! gives errors naming the file instead of panics.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use sresim::model::Metric;
use sresim::report::charts::{plot_dir, ChartError};

use crate::support::{read, sresim, stderr, temp_dir};

const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// Every headline metric of the catalogue: the ones the charts draw.
fn headline_keys() -> Vec<&'static str> {
    Metric::headline().map(|m| m.key()).collect()
}

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap_or_else(|e| panic!("{name}: {e}"));
}

/// A run folder: 3 replications, 2 teams, 12 weeks (2 of warm-up), NaN pages in
/// week 0 while nobody is on call yet.
fn run_folder(name: &str, budget_column: bool) -> PathBuf {
    let dir = temp_dir(name);
    let mut weekly = String::from(
        "replication,team,week,in_warmup,headcount,incidents,shifts,pages_per_shift,\
         ops_hours,capacity_hours,ops_load_frac,oncall_time_frac,project_hours\n",
    );
    for rep in 0..3 {
        for (t, team) in ["core", "data"].iter().enumerate() {
            for week in 0..12 {
                let wiggle = ((rep * 7 + week * 3 + t) % 5) as f64 / 20.0;
                let pages = if week == 0 {
                    "NaN".to_string()
                } else {
                    format!("{}", 1.2 + t as f64 + wiggle * 4.0)
                };
                let ops = 0.3 + 0.1 * t as f64 + wiggle;
                let _ = writeln!(
                    weekly,
                    "{rep},{team},{week},{},12,20,14,{pages},{},480,{ops},0.15625,200",
                    week < 2,
                    ops * 480.0
                );
            }
        }
    }
    write(&dir, "weekly.csv", &weekly);
    let mut teams = String::from("replication,team,headcount_mean,incidents,ops_load_frac");
    teams.push_str(if budget_column {
        ",pager_budget_per_shift\n"
    } else {
        "\n"
    });
    for rep in 0..3 {
        for (team, budget) in [("core", 2), ("data", 3)] {
            let _ = write!(teams, "{rep},{team},12,240,0.4");
            let _ = if budget_column {
                writeln!(teams, ",{budget}")
            } else {
                writeln!(teams)
            };
        }
    }
    write(&dir, "teams.csv", &teams);
    write(&dir, "summary.csv", "replication,seed,incidents\n0,1,10\n");
    dir
}

/// A points.csv with the given axis columns and rows of axis values; metric values
/// grow with the first numeric axis value so that limits get crossed.
fn points_csv(axes: &[&str], rows: &[Vec<String>]) -> String {
    let mut out = String::from("point");
    for a in axes {
        let _ = write!(out, ",{a}");
    }
    out.push_str(",n");
    for m in headline_keys() {
        let _ = write!(out, ",{m}_mean,{m}_sd,{m}_ci95_low,{m}_ci95_high");
    }
    out.push('\n');
    for (i, row) in rows.iter().enumerate() {
        let level = row
            .iter()
            .filter_map(|v| v.parse::<f64>().ok())
            .next()
            .unwrap_or(i as f64);
        let _ = write!(out, "{i},{},20", row.join(","));
        for (k, _) in headline_keys().iter().enumerate() {
            let mean = (0.1 * level + 0.15 * i as f64) * (1.0 + k as f64 / 4.0);
            let _ = write!(out, ",{mean},0.1,{},{}", mean * 0.9, mean * 1.1);
        }
        out.push('\n');
    }
    out
}

fn row(values: &[&str]) -> Vec<String> {
    values.iter().map(|v| v.to_string()).collect()
}

/// Asserts `<stem>.png` and `<stem>.svg` were written, are real, and show `title`.
fn assert_chart(dir: &Path, written: &[PathBuf], stem: &str, title: &str) {
    let png = dir.join(format!("{stem}.png"));
    let svg = dir.join(format!("{stem}.svg"));
    assert!(
        written.contains(&png),
        "{} not reported in {written:?}",
        png.display()
    );
    assert!(written.contains(&svg), "{} not reported", svg.display());
    let bytes = std::fs::read(&png).unwrap_or_else(|e| panic!("{}: {e}", png.display()));
    assert!(bytes.len() > 1000, "{} is nearly empty", png.display());
    assert!(
        bytes.starts_with(PNG_SIGNATURE),
        "{} is not a PNG",
        png.display()
    );
    let text = read(&svg);
    assert!(text.contains("<svg"), "{} is not an SVG", svg.display());
    assert!(
        text.contains(title),
        "{} lacks its title {title:?}",
        svg.display()
    );
}

fn stems(written: &[PathBuf], ext: &str) -> Vec<String> {
    let mut out: Vec<String> = written
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .filter_map(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .collect();
    out.sort();
    out
}

fn no_temporary_files_left(dir: &Path) {
    for entry in std::fs::read_dir(dir).expect("read dir").flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        assert!(!name.contains(".tmp"), "temporary file {name} left behind");
    }
}

#[test]
fn run_folder_gets_ops_load_and_pages_per_shift_charts() {
    let dir = run_folder("charts-run", true);
    let written = plot_dir(&dir).expect("run charts");
    assert_eq!(stems(&written, "png"), ["ops_load", "pages_per_shift"]);
    assert_eq!(stems(&written, "svg"), ["ops_load", "pages_per_shift"]);
    assert_chart(&dir, &written, "ops_load", "Weekly ops load by team");
    assert_chart(
        &dir,
        &written,
        "pages_per_shift",
        "Weekly pages per shift by team",
    );
    let pages = read(&dir.join("pages_per_shift.svg"));
    assert!(
        pages.contains("pager budget, data"),
        "per-team budgets differ"
    );
    assert!(read(&dir.join("ops_load.svg")).contains("50% ops cap"));
    no_temporary_files_left(&dir);
}

#[test]
fn run_without_budget_column_draws_the_default_budget() {
    let dir = run_folder("charts-run-nobudget", false);
    let written = plot_dir(&dir).expect("run charts");
    assert_chart(
        &dir,
        &written,
        "pages_per_shift",
        "Weekly pages per shift by team",
    );
    assert!(read(&dir.join("pages_per_shift.svg")).contains("pager budget (2)"));
}

#[test]
fn replotting_overwrites_the_same_files() {
    let dir = run_folder("charts-replot", true);
    let first = plot_dir(&dir).expect("first");
    let second = plot_dir(&dir).expect("second");
    assert_eq!(first, second);
    no_temporary_files_left(&dir);
}

#[test]
fn one_axis_sweep_gets_a_line_chart_per_metric_and_a_capacity_chart() {
    let dir = temp_dir("charts-sweep1");
    let rows: Vec<Vec<String>> = (2..=8).map(|v| row(&[&v.to_string()])).collect();
    write(
        &dir,
        "points.csv",
        &points_csv(&["teams.core.members.london"], &rows),
    );
    // A sweep's weekly.csv has a `point` column; it must not give run charts.
    write(
        &dir,
        "weekly.csv",
        "point,replication,team,week,pages_per_shift,ops_load_frac\n0,0,core,0,1,0.2\n",
    );
    let written = plot_dir(&dir).expect("sweep charts");
    let mut expected: Vec<String> = headline_keys()
        .iter()
        .map(|m| format!("sweep_{m}"))
        .collect();
    expected.push("capacity".into());
    expected.sort();
    assert_eq!(stems(&written, "png"), expected);
    assert_chart(
        &dir,
        &written,
        "sweep_pages_per_shift_mean",
        "Pages per shift by core: members in london",
    );
    assert_chart(
        &dir,
        &written,
        "capacity",
        "Capacity: pages and ops load by core: members in london",
    );
    let capacity = read(&dir.join("capacity.svg"));
    assert!(capacity.contains("pager budget") && capacity.contains("50% ops cap"));
    let offhours = read(&dir.join("sweep_offhours_pages_per_engineer_month.svg"));
    assert!(offhours.contains("good") && offhours.contains("bad"));
    assert!(read(&dir.join("sweep_oncall_time_frac.svg")).contains("25% on-call limit"));
    no_temporary_files_left(&dir);
}

#[test]
fn string_axis_sweep_draws_categories_in_file_order() {
    let dir = temp_dir("charts-sweep-string");
    let rows = vec![
        row(&["follow_the_sun"]),
        row(&["single_site"]),
        row(&["hybrid"]),
    ];
    write(
        &dir,
        "points.csv",
        &points_csv(&["teams.core.rotation"], &rows),
    );
    let written = plot_dir(&dir).expect("sweep charts");
    assert_chart(
        &dir,
        &written,
        "sweep_ops_load_frac",
        "Ops load by core: rotation",
    );
    let svg = read(&dir.join("sweep_ops_load_frac.svg"));
    // plotters writes each text element's content on a line of its own.
    let at = |s: &str| {
        svg.find(&format!("\n{s}\n"))
            .unwrap_or_else(|| panic!("no label {s}"))
    };
    assert!(at("follow_the_sun") < at("single_site") && at("single_site") < at("hybrid"));
}

#[test]
fn boolean_axis_sweep_is_drawn_as_categories() {
    let dir = temp_dir("charts-sweep-bool");
    let rows = vec![row(&["false"]), row(&["true"])];
    write(
        &dir,
        "points.csv",
        &points_csv(&["teams.core.follow_the_sun"], &rows),
    );
    let written = plot_dir(&dir).expect("sweep charts");
    assert_chart(&dir, &written, "capacity", "Capacity");
}

#[test]
fn two_axis_grid_gets_heatmaps() {
    let dir = temp_dir("charts-sweep2");
    let mut rows = Vec::new();
    for shift in [8, 12, 24] {
        for london in 3..=6 {
            rows.push(row(&[&london.to_string(), &shift.to_string()]));
        }
    }
    // One cell of the grid was not run.
    rows.remove(5);
    write(
        &dir,
        "points.csv",
        &points_csv(
            &["teams.core.members.london", "teams.core.shift_hours"],
            &rows,
        ),
    );
    let written = plot_dir(&dir).expect("heatmaps");
    let mut expected: Vec<String> = headline_keys()
        .iter()
        .map(|m| format!("heatmap_{m}"))
        .collect();
    expected.sort();
    assert_eq!(stems(&written, "png"), expected);
    assert_chart(
        &dir,
        &written,
        "heatmap_pages_per_shift_mean",
        "Pages per shift",
    );
    let svg = read(&dir.join("heatmap_pages_per_shift_mean.svg"));
    assert!(
        svg.contains("above pager budget"),
        "breaking cells are explained"
    );
    assert!(svg.contains("no data"), "the missing cell is explained");
}

#[test]
fn scattered_sample_gets_scatter_plots_per_metric_and_axis() {
    let dir = temp_dir("charts-lhs");
    let rows = vec![
        row(&["3.2", "0.9", "x"]),
        row(&["5.7", "0.1", "y"]),
        row(&["4.1", "0.5", "x"]),
        row(&["7.9", "0.3", "y"]),
    ];
    write(
        &dir,
        "points.csv",
        &points_csv(&["a.b", "c.d", "mode"], &rows),
    );
    let written = plot_dir(&dir).expect("scatter plots");
    assert_eq!(written.len(), 2 * 3 * headline_keys().len());
    assert_chart(
        &dir,
        &written,
        "scatter_ttm_hours_mean__c.d",
        "Time to mitigate by d",
    );
    // Two axes that do not form a grid are scattered too.
    let dir = temp_dir("charts-lhs2");
    let rows = vec![
        row(&["3.2", "0.9"]),
        row(&["5.7", "0.1"]),
        row(&["4.1", "0.5"]),
    ];
    write(&dir, "points.csv", &points_csv(&["a.b", "c.d"], &rows));
    let written = plot_dir(&dir).expect("scatter plots");
    assert_chart(
        &dir,
        &written,
        "scatter_slo_met_frac__a.b",
        "SLO windows met by b",
    );
}

#[test]
fn an_axis_with_one_value_is_a_constant_not_a_dimension() {
    let dir = temp_dir("charts-constant-axis");
    let text = "point,x,y,n,ops_load_frac_mean\n0,1,7,5,0.2\n1,2,7,5,0.4\n2,3,7,5,0.6\n";
    write(&dir, "points.csv", text);
    let written = plot_dir(&dir).expect("constant axis");
    assert_chart(&dir, &written, "sweep_ops_load_frac", "Ops load by x");
    assert!(!written
        .iter()
        .any(|p| p.to_string_lossy().contains("heatmap")));
}

#[test]
fn single_point_and_nan_sweeps_do_not_panic() {
    let dir = temp_dir("charts-single");
    write(&dir, "points.csv", &points_csv(&["x"], &[row(&["4"])]));
    let written = plot_dir(&dir).expect("one point");
    assert_chart(&dir, &written, "capacity", "Capacity");

    let dir = temp_dir("charts-nan");
    let text = "point,x,n,pages_per_shift_mean_mean,pages_per_shift_mean_ci95_low,\
                pages_per_shift_mean_ci95_high,ops_load_frac_mean,slo_met_frac_mean\n\
                0,1,20,NaN,NaN,NaN,NaN,-0.5\n\
                1,2,20,1.5,,,NaN,-0.2\n\
                2,3,20,NaN,1,2,NaN,-1\n";
    write(&dir, "points.csv", text);
    let written = plot_dir(&dir).expect("NaN, missing and negative values");
    assert_chart(&dir, &written, "sweep_ops_load_frac", "Ops load by x");
    assert!(read(&dir.join("sweep_ops_load_frac.svg")).contains("no finite values"));
    assert_chart(&dir, &written, "sweep_slo_met_frac", "SLO windows met by x");

    let dir = temp_dir("charts-nan-grid");
    // Both axes vary (an axis with one value is a constant, not a heatmap dimension).
    let text =
        "point,x,y,n,ops_load_frac_mean\n0,1,1,5,NaN\n1,1,2,5,NaN\n2,2,1,5,NaN\n3,2,2,5,NaN\n";
    write(&dir, "points.csv", text);
    let written = plot_dir(&dir).expect("all-NaN heatmap");
    assert_chart(&dir, &written, "heatmap_ops_load_frac", "Ops load");
}

#[test]
fn compare_folder_gets_a_grid_of_bar_charts() {
    let dir = temp_dir("charts-compare");
    let variants = [
        "base",
        "12h shifts: teams.core.shift_hours=12",
        "two more in London: teams.core.members.london=8",
    ];
    let mut text = String::from(
        "variant,metric,n,mean,ci95_low,ci95_high,diff_mean,diff_ci95_low,diff_ci95_high,\
         unpaired_diff_ci95_low,unpaired_diff_ci95_high,significant\n",
    );
    for (v, name) in variants.iter().enumerate() {
        for (k, m) in headline_keys().iter().enumerate() {
            let mean = 0.4 + 0.3 * v as f64 + 0.05 * k as f64;
            let (lo, hi) = (mean * 0.9, mean * 1.1);
            if v == 0 {
                let _ = writeln!(text, "\"{name}\",{m},20,{mean},{lo},{hi},,,,,,");
            } else {
                let sig = (v + k) % 2 == 0;
                let _ = writeln!(
                    text,
                    "\"{name}\",{m},20,{mean},{lo},{hi},0.3,0.1,0.5,0.0,0.6,{sig}"
                );
            }
        }
    }
    // A metric the charts do not know is ignored.
    let _ = writeln!(text, "base,incidents,20,2000,1900,2100,,,,,,");
    write(&dir, "compare.csv", &text);
    let written = plot_dir(&dir).expect("compare chart");
    assert_eq!(stems(&written, "png"), ["compare"]);
    assert_chart(&dir, &written, "compare", "Comparison of variants");
    let svg = read(&dir.join("compare.svg"));
    assert!(
        svg.contains("12h shifts: teams.core.shift_hours=12"),
        "variant names in the legend"
    );
    assert!(
        svg.contains("beyond the metric"),
        "meaningful differences explained"
    );
    // Under the bars: names, not numbers, wrapped at words, once per panel.
    let panels = headline_keys().len();
    assert!(
        svg.matches("\n12h shifts:\n").count() >= panels / 2,
        "wrapped names"
    );
    assert_eq!(
        svg.matches("12h shifts: teams.core.shift_hours=12").count(),
        1,
        "in full only in the legend"
    );
    assert_eq!(
        svg.matches("\nbase\n").count(),
        panels + 1,
        "and the legend"
    );
    assert!(!svg.contains("\n1: base\n"), "no numbered legend");
    // Shares tick as percentages, counts and other numbers plainly.
    assert!(svg.contains("\n0%\n"), "share ticks");
}

/// The text elements of an SVG plotters wrote (each on a line of its own).
fn has_text(svg: &str, text: &str) -> bool {
    svg.contains(&format!("\n{text}\n"))
}

#[test]
fn sweep_axis_titles_come_from_the_manifest_label_or_the_key() {
    let dir = temp_dir("charts-axis-label");
    let rows: Vec<Vec<String>> = (1..=4).map(|v| row(&[&(10 * v).to_string()])).collect();
    write(
        &dir,
        "points.csv",
        &points_csv(&["services.svc.count"], &rows),
    );
    let written = plot_dir(&dir).expect("no manifest");
    assert_chart(
        &dir,
        &written,
        "capacity",
        "Capacity: pages and ops load by svc services",
    );
    assert!(has_text(
        &read(&dir.join("sweep_ops_load_frac.svg")),
        "svc services"
    ));

    write(
        &dir,
        "manifest.json",
        r#"{"version": "x", "axes": ["services.svc.count"],
            "axis_labels": {"services.svc.count": "services on the rota"}}"#,
    );
    let written = plot_dir(&dir).expect("labelled");
    assert_chart(
        &dir,
        &written,
        "sweep_ops_load_frac",
        "Ops load by services on the rota",
    );
    let svg = read(&dir.join("sweep_ops_load_frac.svg"));
    assert!(has_text(&svg, "services on the rota"), "axis title");
    assert!(!svg.contains("services.svc.count"), "no raw key path");

    // A manifest that is not JSON only loses the labels.
    write(&dir, "manifest.json", "{ not json");
    plot_dir(&dir).expect("broken manifest");
    assert!(has_text(
        &read(&dir.join("sweep_ops_load_frac.svg")),
        "svc services"
    ));
}

#[test]
fn inline_table_axis_values_read_compactly() {
    let dir = temp_dir("charts-inline-table");
    let mut rows = Vec::new();
    for services in [10, 20] {
        for size in [4, 6] {
            rows.push(row(&[
                &services.to_string(),
                &format!("\"{{ london = {size}, mountain-view = {size} }}\""),
            ]));
        }
    }
    write(
        &dir,
        "points.csv",
        &points_csv(&["services.svc.count", "teams.core.members"], &rows),
    );
    plot_dir(&dir).expect("heatmaps");
    let svg = read(&dir.join("heatmap_ops_load_frac.svg"));
    assert!(has_text(&svg, "london 4, mountain-view 4"), "compact tick");
    assert!(has_text(&svg, "core: members per site"), "derived title");
    assert!(!svg.contains("london = 4"), "no TOML syntax");
}

#[test]
fn heatmap_scales_mark_the_limit_and_read_shares_as_percentages() {
    let dir = temp_dir("charts-heatmap-scale");
    let mut rows = Vec::new();
    for a in 1..=3 {
        for b in 1..=2 {
            rows.push(row(&[&a.to_string(), &b.to_string()]));
        }
    }
    write(&dir, "points.csv", &points_csv(&["x", "y"], &rows));
    plot_dir(&dir).expect("heatmaps");
    let ops = read(&dir.join("heatmap_ops_load_frac.svg"));
    // 0% to 100% (twice the 50% cap), the cap named on the scale.
    assert!(
        has_text(&ops, "0%") && has_text(&ops, "100%"),
        "percent ticks"
    );
    assert!(has_text(&ops, "50% ops cap"), "the cap on the scale");
    let pages = read(&dir.join("heatmap_pages_per_shift_mean.svg"));
    assert!(
        has_text(&pages, "pager budget (2)"),
        "the budget on the scale"
    );
    assert!(has_text(&pages, "4"), "the scale runs to twice the budget");
}

#[test]
fn sample_scatter_plots_colour_markers_by_the_other_axis() {
    let dir = temp_dir("charts-lhs-colour");
    let rows = vec![
        row(&["3.2", "0.9"]),
        row(&["5.7", "0.1"]),
        row(&["4.1", "0.5"]),
    ];
    write(&dir, "points.csv", &points_csv(&["a.b", "c.d"], &rows));
    plot_dir(&dir).expect("scatter plots");
    let svg = read(&dir.join("scatter_slo_met_frac__a.b.svg"));
    assert!(
        has_text(&svg, "colour: d, 0.1 (purple) to 0.9 (yellow)"),
        "colour legend"
    );
    let svg = read(&dir.join("scatter_slo_met_frac__c.d.svg"));
    assert!(
        has_text(&svg, "colour: b, 3.2 (purple) to 5.7 (yellow)"),
        "and the other way"
    );
    // With three axes each is coloured by the next; a category axis gets one legend
    // entry per value.
    let dir = temp_dir("charts-lhs-colour-names");
    let rows = vec![
        row(&["3.2", "0.9", "fast"]),
        row(&["5.7", "0.1", "slow"]),
        row(&["4.1", "0.5", "fast"]),
        row(&["7.9", "0.3", "slow"]),
    ];
    write(
        &dir,
        "points.csv",
        &points_csv(&["a.b", "c.d", "mode"], &rows),
    );
    plot_dir(&dir).expect("scatter plots");
    let svg = read(&dir.join("scatter_ops_load_frac__c.d.svg"));
    assert!(has_text(&svg, "mode: fast") && has_text(&svg, "mode: slow"));
    let svg = read(&dir.join("scatter_ops_load_frac__mode.svg"));
    assert!(has_text(&svg, "colour: b, 3.2 (purple) to 7.9 (yellow)"));
}

#[test]
fn run_charts_mark_phase_changes_hand_backs_people_and_reorgs() {
    let dir = run_folder("charts-run-events", true);
    plot_dir(&dir).expect("run charts");
    let quiet = read(&dir.join("ops_load.svg"));
    for kind in [
        "hire",
        "departure",
        "phase change",
        "hand-back",
        "re-organisation",
    ] {
        assert!(
            !has_text(&quiet, kind),
            "nothing happened, yet {kind} is marked"
        );
    }

    // Head count rises in week 5 and falls in week 8 of every replication.
    let weekly = read(&dir.join("weekly.csv"));
    let mut text = String::new();
    for (i, line) in weekly.lines().enumerate() {
        let cells: Vec<&str> = line.split(',').collect();
        if i == 0 {
            text.push_str(line);
        } else {
            let week: i64 = cells[2].parse().expect("week");
            let head = match week {
                5..=7 => "13",
                8.. => "11",
                _ => "12",
            };
            let mut cells = cells.clone();
            cells[4] = head;
            text.push_str(&cells.join(","));
        }
        text.push('\n');
    }
    write(&dir, "weekly.csv", &text);
    let mut teams = String::from("replication,team,kind,pager_budget_per_shift\n");
    for rep in 0..3 {
        let _ = writeln!(teams, "{rep},core,sre,2\n{rep},data,sre,3");
    }
    write(&dir, "teams.csv", &teams);
    write(
        &dir,
        "engagements.csv",
        "point,replication,week,at_hours,service,from,to,reason\n\
         0,0,3,504,api,dev,core,onboarded\n\
         0,0,4,672,api,core,core,general_availability\n\
         0,1,9,1512,api,core,dev,handback\n",
    );
    write(
        &dir,
        "reorgs.csv",
        "point,replication,week,kind,teams_before,teams_after,lines_moved,services_moved,\
         engineers_moved,reason\n0,2,6,split,core,core;core-2,go,4,6,too many services\n",
    );
    plot_dir(&dir).expect("run charts with events");
    for stem in ["ops_load", "pages_per_shift", "headcount"] {
        let svg = read(&dir.join(format!("{stem}.svg")));
        for kind in [
            "onboarding",
            "phase change",
            "hand-back",
            "hire",
            "departure",
            "re-organisation",
        ] {
            assert!(has_text(&svg, kind), "{stem} lacks the {kind} marks");
        }
    }
    // Ops load reads in percent.
    assert!(has_text(&read(&dir.join("ops_load.svg")), "40%"));
}

/// Regression: labels from the scenario file reach the manifest and the charts, also
/// when `--vary` gives the labelled axis new values.
#[test]
fn a_labelled_sweep_records_its_labels_and_draws_them() {
    let dir = temp_dir("charts-labelled-sweep");
    let out = dir.to_string_lossy().into_owned();
    let o = sresim(&[
        "sweep",
        "scenarios/capacity.toml",
        "--out",
        &out,
        "--quiet",
        "--replications",
        "2",
        "--set",
        "simulation.horizon_weeks=4",
        "--set",
        "simulation.warmup_weeks=1",
        "--vary",
        "services.svc.count=10,20",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let m: serde_json::Value =
        serde_json::from_str(&read(&dir.join("manifest.json"))).expect("manifest is JSON");
    assert_eq!(m["axis_labels"]["services.svc.count"], "services");
    assert_eq!(
        m["axis_labels"]["teams.core.members"],
        "team size (engineers per site)"
    );
    let svg = read(&dir.join("heatmap_ops_load_frac.svg"));
    assert!(has_text(&svg, "services") && has_text(&svg, "team size (engineers per site)"));
    assert!(!has_text(&svg, "services.svc.count"));
}

#[test]
fn folder_without_known_csv_is_an_empty_error() {
    let dir = temp_dir("charts-empty");
    write(&dir, "notes.csv", "a,b\n1,2\n");
    match plot_dir(&dir) {
        Err(ChartError::Empty { dir: d }) => assert_eq!(d, dir),
        other => panic!("expected Empty, got {other:?}"),
    }
    let message = plot_dir(&dir).expect_err("empty").to_string();
    assert!(
        message.contains("no summary.csv, points.csv or compare.csv in"),
        "{message}"
    );
    assert!(message.contains(&dir.display().to_string()), "{message}");
}

#[test]
fn missing_folder_is_an_io_error_naming_it() {
    let dir = temp_dir("charts-missing").join("nope");
    match plot_dir(&dir) {
        Err(ChartError::Io { path, .. }) => assert_eq!(path, dir),
        other => panic!("expected Io, got {other:?}"),
    }
}

#[test]
fn malformed_csv_is_a_csv_error_naming_the_file() {
    let dir = temp_dir("charts-bad-number");
    write(
        &dir,
        "compare.csv",
        "variant,metric,n,mean,ci95_low,ci95_high,significant\nbase,ops_load_frac,20,abc,0,1,\n",
    );
    let err = plot_dir(&dir).expect_err("bad number");
    let ChartError::Csv { path, message } = &err else {
        panic!("expected Csv, got {err:?}");
    };
    assert_eq!(path, &dir.join("compare.csv"));
    assert!(
        message.contains("abc") && message.contains("line 2"),
        "{message}"
    );
    assert!(err.to_string().contains("compare.csv"), "{err}");

    let dir = temp_dir("charts-ragged");
    write(
        &dir,
        "points.csv",
        "point,x,n,ops_load_frac_mean\n0,1,20,0.3\n1,2\n",
    );
    let err = plot_dir(&dir).expect_err("ragged row");
    assert!(
        matches!(&err, ChartError::Csv { path, .. } if path.ends_with("points.csv")),
        "{err:?}"
    );

    let dir = temp_dir("charts-no-axis");
    write(&dir, "points.csv", "point,n,ops_load_frac_mean\n0,20,0.3\n");
    let err = plot_dir(&dir).expect_err("no axis");
    assert!(matches!(err, ChartError::Csv { .. }), "{err:?}");

    let dir = temp_dir("charts-summary-only");
    write(&dir, "summary.csv", "replication,seed\n0,1\n");
    let err = plot_dir(&dir).expect_err("no weekly.csv");
    assert!(err.to_string().contains("weekly.csv"), "{err}");
}

/// Regression: a span of ±1e308 once made plotters' tick search loop forever.
#[test]
fn huge_and_infinite_values_draw_without_hanging() {
    let dir = temp_dir("charts-huge");
    let text = "point,x,n,ops_load_frac_mean,ops_load_frac_ci95_low,ops_load_frac_ci95_high,\
                slo_met_frac_mean\n\
                0,1e300,5,1e308,-1e308,inf,1e-300\n\
                1,-1e300,5,-1e308,NaN,-inf,2e-300\n\
                2,0,5,inf,1,2,3e-300\n";
    write(&dir, "points.csv", text);
    let written = plot_dir(&dir).expect("huge values");
    assert_chart(&dir, &written, "sweep_ops_load_frac", "Ops load by x");
    assert_chart(&dir, &written, "sweep_slo_met_frac", "SLO windows met by x");

    let dir = temp_dir("charts-huge-grid");
    let text = "point,x,y,n,ops_load_frac_mean\n0,1e300,1,5,1e308\n1,-1e300,1,5,-1e308\n\
                2,-1e300,2,5,5\n3,1e300,2,5,-inf\n";
    write(&dir, "points.csv", text);
    let written = plot_dir(&dir).expect("huge heatmap");
    assert_chart(&dir, &written, "heatmap_ops_load_frac", "Ops load");
}

#[test]
fn a_capacity_chart_over_categories_claims_no_crossings() {
    // The disengagement strategies pass the pager budget and come back under it from
    // one to the next; categories have no order, so there is nothing to "cross".
    let dir = temp_dir("charts-capacity-categories");
    let o = sresim(&[
        "sweep",
        "scenarios/disengagement.toml",
        "--replications",
        "2",
        "--out",
        dir.to_str().unwrap(),
        "--quiet",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let svg = read(&dir.join("capacity.svg"));
    assert!(svg.contains("pager budget"), "the limit is drawn");
    assert!(
        !svg.contains("rises above") && !svg.contains("falls below"),
        "no crossing between categories"
    );
}
