//! The HTML report and the workshop: `sresim report DIR` on run, sweep and compare
//! folders, `sresim workshop`, and the workshop page rendered in a real browser
//! (headless Chromium) when one is installed.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::*;

/// Runs sresim with `args` and checks that it succeeded.
fn ok(args: &[&str]) -> std::process::Output {
    let o = sresim(args);
    assert!(
        o.status.success(),
        "sresim {}: {}",
        args.join(" "),
        stderr(&o)
    );
    o
}

/// The page of `dir`, after checking the command succeeded.
fn report(dir: &Path) -> String {
    let o = sresim(&["report", dir.to_str().expect("utf-8 path")]);
    assert!(o.status.success(), "report failed: {}", stderr(&o));
    let page = dir.join("index.html");
    assert_eq!(stdout(&o).trim(), page.display().to_string());
    read(&page)
}

/// What every page must be: one self-contained document, no network, no raw markup
/// from the data, and a figure for each SVG chart shown.
fn assert_self_contained(page: &str) {
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.trim_end().ends_with("</html>"));
    for outside in [
        "src=\"http",
        "href=\"http",
        "<link",
        "<img",
        "@import",
        "url(",
    ] {
        assert!(
            !page.contains(outside),
            "the page reaches outside: {outside}"
        );
    }
    assert_eq!(
        page.matches("<script>").count(),
        1,
        "only the page's own check"
    );
    assert_eq!(
        page.matches("<figure class=\"chart\"").count(),
        page.matches("<svg").count(),
        "every chart is an inline SVG"
    );
}

/// Every `href` of the page that names a file resolves beside it.
fn assert_links_resolve(page: &str, dir: &Path) {
    let mut n = 0;
    for part in page.split("href=\"").skip(1) {
        let target = part.split('"').next().unwrap_or("");
        if target.starts_with('#') {
            continue;
        }
        n += 1;
        assert!(dir.join(target).is_file(), "broken link {target}");
    }
    assert!(n > 0, "the page links its data files");
}

#[test]
fn a_run_folder_gets_a_page_with_readings_tables_charts_and_sources() {
    let dir = temp_dir("report-run");
    ok(&[
        "run",
        "scenarios/baseline.toml",
        "--replications",
        "3",
        "--out",
        dir.to_str().unwrap(),
        "--quiet",
    ]);
    assert!(
        read(&dir.join("summary.txt")).contains("pages per shift"),
        "the terminal summary is saved"
    );
    let page = report(&dir);
    assert_self_contained(&page);
    assert_links_resolve(&page, &dir);
    assert!(
        page.contains("How loaded is a typical team"),
        "the question"
    );
    assert!(page.contains("What the numbers say"));
    assert!(page.contains("the pager budget of 2"), "a reading");
    assert!(page.contains("Headline metrics over 3 replications"));
    assert!(
        page.contains("[G] Workbook ch.8"),
        "assumptions keep sources"
    );
    assert!(page.contains("data-chart=\"ops_load\""));
    // Each chart carries the reading of what it shows.
    let chart = page
        .split("data-chart=\"pages_per_shift\"")
        .nth(1)
        .and_then(|rest| rest.split("</figure>").next())
        .expect("the pages-per-shift chart");
    assert!(
        chart.contains("<figcaption><p>Pages per on-call shift average"),
        "its caption reads the numbers"
    );
}

#[test]
fn a_run_without_charts_gets_them_drawn_on_its_page_and_no_chart_file_written() {
    let dir = temp_dir("report-nocharts");
    ok(&[
        "run",
        "scenarios/validation/mm1.toml",
        "--replications",
        "2",
        "--no-charts",
        "--out",
        dir.to_str().unwrap(),
        "--quiet",
    ]);
    assert!(!dir.join("ops_load.svg").exists());
    let page = report(&dir);
    assert!(page.contains("data-chart=\"ops_load\""));
    // Drawn from the CSV for the page alone: the folder stays as the run wrote it.
    assert!(!dir.join("ops_load.svg").exists());
}

#[test]
fn a_sweep_page_says_where_the_pager_budget_is_passed_and_warns() {
    let dir = temp_dir("report-sweep");
    ok(&[
        "sweep",
        "scenarios/capacity.toml",
        "--vary",
        "services.svc.count=10,40",
        "--set",
        "services.svc.count=25",
        "--replications",
        "2",
        "--out",
        dir.to_str().unwrap(),
        "--quiet",
    ]);
    let page = report(&dir);
    assert_self_contained(&page);
    assert_links_resolve(&page, &dir);
    // 10 services page about 0.8 times a shift, 40 about 3.1 (the capacity scenario's
    // load per service): the budget of 2 is passed between them, for every team size.
    assert!(
        page.contains("Pages per shift, worst team against the pager budget of 2: passes it at 40"),
        "{}",
        page.lines()
            .filter(|l| l.contains("<li>"))
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert!(page.contains("Every point of the sweep (6 points)"));
    assert!(
        page.contains("--set services.svc.count=25 was shadowed"),
        "the shadowed --set is a warning on the page too"
    );
}

#[test]
fn a_comparison_page_marks_changes_and_escapes_variant_names() {
    let dir = temp_dir("report-compare");
    let evil = "<b>24h</b> & \"more\"";
    let variant = format!("{evil}: teams.core.shift_hours=24");
    ok(&[
        "compare",
        "scenarios/baseline.toml",
        "--variant",
        &variant,
        "--replications",
        "3",
        "--out",
        dir.to_str().unwrap(),
        "--quiet",
    ]);
    let page = report(&dir);
    assert_self_contained(&page);
    assert!(!page.contains("<b>24h</b>"), "a variant name is escaped");
    assert!(page.contains("&lt;b&gt;24h&lt;/b&gt; &amp; &quot;more&quot;"));
    // 24-hour shifts meet the same incidents in half as many shifts: pages per shift
    // double, a marked change of +100%, read out in words.
    let reading = page
        .split("<li>")
        .find(|l| l.contains("against base:"))
        .expect("a reading of the variant");
    assert!(
        reading.contains("; pages per shift ") && reading.contains(" (+100%)"),
        "{reading}"
    );
    assert!(page.contains("class=\"marked\""), "a marked cell");
    assert!(page.contains("Variants against base, paired on the same seeds"));
}

#[test]
fn report_of_a_folder_without_results_is_a_clear_error() {
    let dir = temp_dir("report-empty");
    std::fs::write(dir.join("notes.txt"), "nothing").expect("write");
    let o = sresim(&["report", dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(&dir.display().to_string()),
        "{}",
        stderr(&o)
    );
    assert!(
        !dir.join("index.html").exists(),
        "no page passed off as complete"
    );
}

/// Runs the workshop into a fresh folder; its page.
fn workshop(name: &str) -> (PathBuf, String) {
    let dir = temp_dir(name);
    let o = ok(&["workshop", "--out", dir.to_str().unwrap()]);
    let page_path = dir.join("index.html");
    assert_eq!(
        stdout(&o).lines().last(),
        Some(page_path.display().to_string().as_str()),
        "the last line is the page's path"
    );
    (dir, read(&page_path))
}

#[test]
fn the_workshop_writes_one_page_over_five_scenarios_with_their_data() {
    let (dir, page) = workshop("workshop");
    assert_self_contained(&page);
    assert_links_resolve(&page, &dir);
    for folder in [
        "baseline",
        "capacity",
        "structures",
        "disengagement",
        "lifecycle",
    ] {
        assert!(page.contains(&format!("<section class=\"job\" id=\"{folder}\"")));
        assert!(dir.join(folder).join("manifest.json").is_file(), "{folder}");
        assert!(dir
            .join("scenarios")
            .join(format!("{folder}.toml"))
            .is_file());
    }
    assert_eq!(page.matches("<section class=\"job\"").count(), 5);
    // The answers come first, each linking to its section, with their numbers.
    let answers = page
        .find("<section class=\"answers\" id=\"answers\">")
        .expect("answers");
    assert!(answers < page.find("<section class=\"job\"").expect("sections"));
    let block = &page[answers
        ..page[answers..]
            .find("</section>")
            .map_or(page.len(), |e| answers + e)];
    assert_eq!(block.matches("<li>").count(), 6, "{block}");
    assert!(block.contains("teams.core.members.london = 6"), "{block}");
    assert!(block.contains("requisition"), "{block}");
    assert!(block.contains("depends most on"), "{block}");
    for folder in [
        "baseline",
        "capacity",
        "structures",
        "disengagement",
        "lifecycle",
    ] {
        assert!(block.contains(&format!("href=\"#{folder}\"")), "{folder}");
    }
    // The structures and disengagement comparisons are read out in words.
    assert!(page.contains("by_product"), "structures named");
    assert!(page.contains("empower_then_exit"), "strategies named");
    assert!(page.contains("from best to worst"));
}

/// A Chromium binary, if one is installed.
fn chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("SRESIM_CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    for dir in std::env::split_paths(&path) {
        for name in ["chromium", "chromium-browser", "google-chrome"] {
            let p = dir.join(name);
            if p.is_file() {
                return Some(p);
            }
        }
    }
    None
}

#[test]
fn the_workshop_page_renders_in_a_real_browser_without_errors() {
    let Some(browser) = chromium() else {
        assert!(
            std::env::var_os("SRESIM_REQUIRE_BROWSER").is_none(),
            "SRESIM_REQUIRE_BROWSER is set but no chromium is installed"
        );
        eprintln!(
            "SKIPPED the_workshop_page_renders_in_a_real_browser_without_errors: no chromium on PATH \
             (apt-get install chromium, or set SRESIM_CHROMIUM)"
        );
        return;
    };
    let (dir, page) = workshop("workshop-browser");
    let url = format!(
        "file://{}",
        std::fs::canonicalize(dir.join("index.html"))
            .expect("page")
            .display()
    );
    let base = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-dev-shm-usage",
        "--hide-scrollbars",
    ];
    let profile = format!("--user-data-dir={}", dir.join("chromium-profile").display());
    let o = Command::new(&browser)
        .args(base)
        .arg(&profile)
        .args([
            "--enable-logging=stderr",
            "--v=0",
            "--virtual-time-budget=10000",
            "--dump-dom",
            &url,
        ])
        .output()
        .expect("chromium runs");
    let dom = String::from_utf8_lossy(&o.stdout);
    let log = String::from_utf8_lossy(&o.stderr);
    let console: Vec<&str> = log.lines().filter(|l| l.contains(":CONSOLE")).collect();
    assert!(console.is_empty(), "console messages: {console:#?}");
    let check = dom
        .split("<span id=\"selfcheck\"")
        .nth(1)
        .and_then(|s| s.split('>').next())
        .unwrap_or_else(|| panic!("no self-check in the rendered page: {log}"));
    let attr = |name: &str| {
        check
            .split(&format!("{name}=\""))
            .nth(1)
            .and_then(|s| s.split('"').next())
            .unwrap_or_else(|| panic!("{name} missing in {check}"))
            .to_string()
    };
    assert_eq!(attr("data-ready"), "yes", "the page's script ran");
    assert_eq!(attr("data-errors"), "0", "no script errors");
    assert_eq!(attr("data-sections"), "5");
    let charts = page.matches("<figure class=\"chart\"").count();
    assert!(charts >= 10, "{charts} charts");
    assert_eq!(
        attr("data-charts"),
        charts.to_string(),
        "every chart rendered"
    );
    assert_eq!(
        attr("data-tables"),
        page.matches("<table class=\"metrics\">")
            .count()
            .to_string(),
        "every table rendered"
    );
    assert_eq!(
        attr("data-collapsed-or-empty"),
        "0",
        "every chart shown has a size"
    );

    let shot_dir = root().join("target").join("browser");
    std::fs::create_dir_all(&shot_dir).expect("screenshot folder");
    let shot = shot_dir.join("workshop.png");
    let o = Command::new(&browser)
        .args(base)
        .arg(&profile)
        .args([
            "--window-size=1400,2400",
            &format!("--screenshot={}", shot.display()),
            &url,
        ])
        .output()
        .expect("chromium runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let png = std::fs::read(&shot).expect("screenshot written");
    assert!(png.starts_with(b"\x89PNG"), "a PNG");
    assert!(png.len() > 20_000, "a screenshot with content");
    eprintln!("screenshot: {}", shot.display());
}

#[test]
fn points_stopped_at_the_replication_cap_are_a_warning_in_the_terminal_and_the_page() {
    let dir = temp_dir("report-cap");
    let o = ok(&[
        "sweep",
        "scenarios/capacity.toml",
        "--vary",
        "services.svc.count=10,20",
        "--vary",
        "teams.core.members={ london = 6, mountain-view = 6 }",
        "--replications",
        "4",
        "--ci-target",
        "0.0001",
        "--max-replications",
        "6",
        "--out",
        dir.to_str().unwrap(),
        "--quiet",
    ]);
    // A CI within 0.01% of the mean is out of reach in 6 replications.
    assert!(
        stderr(&o).contains("warning: 2 of the 2 points run stopped at --max-replications 6"),
        "{}",
        stderr(&o)
    );
    let page = report(&dir);
    assert!(page.contains("2 of 2 points stopped at the cap of 6 replications"));
}

#[test]
fn sresim_alone_runs_the_workshop_and_prints_its_page() {
    let o = ok(&[]);
    let page = root().join("output").join("workshop").join("index.html");
    assert_eq!(
        stdout(&o).lines().last(),
        Some(
            Path::new("output/workshop/index.html")
                .display()
                .to_string()
                .as_str()
        )
    );
    assert!(read(&page).contains("<section class=\"job\" id=\"disengagement\""));
    // The page's warnings are printed too: the capacity sweep's smallest teams are
    // below the minimum rotation of 6 per site.
    assert!(
        stdout(&o).contains("warning: capacity: At ")
            && stdout(&o).contains("below its minimum rotation"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn a_sampled_sweep_page_counts_the_points_past_each_limit() {
    let dir = temp_dir("report-sample");
    ok(&[
        "sweep",
        "scenarios/baseline.toml",
        "--vary",
        "teams.core.shift_hours=8,12,24",
        "--vary",
        "services.checkout.page_rate_per_week=1..5:1",
        "--sample",
        "4",
        "--replications",
        "2",
        "--out",
        dir.to_str().unwrap(),
        "--quiet",
    ]);
    let page = report(&dir);
    assert_self_contained(&page);
    assert!(
        page.contains("of 4 sampled points; the scatter charts show which axis drives it"),
        "a sample is read as a count, not along an axis"
    );
    assert!(
        !page.contains("stays within it up to"),
        "no line along an axis"
    );
    assert!(page.contains("data-chart=\"scatter_"));
}

#[test]
fn a_bad_number_in_a_folder_is_an_error_naming_file_line_and_column() {
    let dir = temp_dir("report-bad-number");
    ok(&[
        "run",
        "scenarios/validation/mm1.toml",
        "--replications",
        "2",
        "--out",
        dir.to_str().unwrap(),
        "--quiet",
    ]);
    let path = dir.join("summary.csv");
    let text = read(&path);
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let incidents = lines[0]
        .split(',')
        .position(|c| c == "incidents")
        .expect("an incidents column");
    let mut cells: Vec<&str> = lines[2].split(',').collect();
    cells[incidents] = "abc";
    lines[2] = cells.join(",");
    std::fs::write(&path, lines.join("\n") + "\n").expect("write");
    // The edited file no longer verifies; forced, its bad cell is still an error.
    let o = sresim(&["report", dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("summary.csv"), "{}", stderr(&o));
    let o = sresim(&["report", dir.to_str().unwrap(), "--force"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o)
            .contains("summary.csv: line 3, column `incidents`: expected a number, got `abc`"),
        "{}",
        stderr(&o)
    );
    assert!(!dir.join("index.html").exists(), "no page from a bad file");
}
