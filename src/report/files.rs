//! The output-file catalogue: every name sresim writes into an output folder, in one
//! place. Writers, charts, the merge, the report and the ownership check read it; a
//! folder holding anything else is not sresim's to replace.

use std::path::{Path, PathBuf};

/// One row per replication of a run.
pub const SUMMARY_CSV: &str = "summary.csv";
/// One row per run and team.
pub const TEAMS_CSV: &str = "teams.csv";
/// One row per run and site.
pub const SITES_CSV: &str = "sites.csv";
/// One row per run and service.
pub const SERVICES_CSV: &str = "services.csv";
/// One row per run, team and week.
pub const WEEKLY_CSV: &str = "weekly.csv";
/// One row per re-organisation (split or merge).
pub const REORGS_CSV: &str = "reorgs.csv";
/// One row per change of a service's pager holder.
pub const ENGAGEMENTS_CSV: &str = "engagements.csv";
/// One row per incident (with `--trace`).
pub const INCIDENTS_CSV: &str = "incidents.csv";
/// One row per run of a sweep or comparison.
pub const RUNS_CSV: &str = "runs.csv";
/// One row per value (or pair of values) a plan tried.
pub const PLAN_CSV: &str = "plan.csv";
/// One row per period of a plan's timeline (`plan --by`).
pub const TIMELINE_CSV: &str = "timeline.csv";
/// One row per key a sensitivity job moved, the largest effect first.
pub const SENSITIVITY_CSV: &str = "sensitivity.csv";
/// One row per key of a sampled sensitivity job, by its global coefficient.
pub const SENSITIVITY_GLOBAL_CSV: &str = "sensitivity_global.csv";
/// One row per sweep point and metric.
pub const POINTS_CSV: &str = "points.csv";
/// One row per compared variant, team and metric.
pub const COMPARE_CSV: &str = "compare.csv";
/// What a job records about its inputs and files.
pub const MANIFEST_JSON: &str = "manifest.json";
/// A run's terminal summary.
pub const SUMMARY_TXT: &str = "summary.txt";
/// The HTML page over a folder.
pub const INDEX_HTML: &str = "index.html";
/// The folder inside a sweep's output folder that holds its unfinished points.
pub const PARTIAL: &str = ".partial";
/// The journal of a sweep's complete points, inside [`PARTIAL`].
pub const PROGRESS_LOG: &str = "progress.log";
/// The folder inside a workshop folder that holds the scenario files it ran.
pub const SCENARIOS_DIR: &str = "scenarios";

/// Every file of fixed name an output folder may hold (charts aside: see
/// [`is_chart_name`]).
pub const FIXED: [&str; 18] = [
    SUMMARY_CSV,
    TEAMS_CSV,
    SITES_CSV,
    SERVICES_CSV,
    WEEKLY_CSV,
    REORGS_CSV,
    ENGAGEMENTS_CSV,
    INCIDENTS_CSV,
    RUNS_CSV,
    POINTS_CSV,
    COMPARE_CSV,
    PLAN_CSV,
    TIMELINE_CSV,
    SENSITIVITY_CSV,
    SENSITIVITY_GLOBAL_CSV,
    MANIFEST_JSON,
    SUMMARY_TXT,
    INDEX_HTML,
];

/// The CSV files an output folder may hold, in the order a reader checks them.
pub const CSV_FILES: [&str; 15] = [
    SUMMARY_CSV,
    TEAMS_CSV,
    SITES_CSV,
    SERVICES_CSV,
    WEEKLY_CSV,
    REORGS_CSV,
    ENGAGEMENTS_CSV,
    INCIDENTS_CSV,
    RUNS_CSV,
    POINTS_CSV,
    COMPARE_CSV,
    PLAN_CSV,
    TIMELINE_CSV,
    SENSITIVITY_CSV,
    SENSITIVITY_GLOBAL_CSV,
];

/// Whether `name` is a chart file as sresim names them: a stem of ASCII letters,
/// digits, `_`, `-` and `.`, then `.png` or `.svg`.
pub fn is_chart_name(name: &str) -> bool {
    let Some(stem) = name
        .strip_suffix(".png")
        .or_else(|| name.strip_suffix(".svg"))
    else {
        return false;
    };
    !stem.is_empty()
        && !stem.starts_with('.')
        && stem
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
}

/// Whether `name` is a temporary file an atomic write of sresim's leaves behind when
/// the process is killed mid-write: `.STEM.tmp-PID-N.EXT`.
pub fn is_temp_name(name: &str) -> bool {
    let Some(rest) = name.strip_prefix('.') else {
        return false;
    };
    let Some((_, tail)) = rest.split_once(".tmp-") else {
        return false;
    };
    let digits = tail.split_once('.').map_or(tail, |(d, _)| d);
    let mut parts = digits.split('-');
    matches!(
        (parts.next(), parts.next(), parts.next()),
        (Some(a), Some(b), None) if is_digits(a) && is_digits(b)
    )
}

/// Whether `name` is one of the files an output folder holds: a fixed name, a chart, or
/// a temporary file of an interrupted write.
pub fn is_output_file(name: &str) -> bool {
    FIXED.contains(&name) || is_chart_name(name) || is_temp_name(name)
}

/// Whether `s` is a non-empty run of ASCII digits.
pub(crate) fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// `path` as messages show it: a component that is a staging or old folder of
/// sresim's (`.NAME.staging-PID`, `.NAME.old-PID`) is shown as the folder `NAME` it
/// stands for, so that no message names a folder the user never gave.
pub fn shown(path: &Path) -> PathBuf {
    path.components()
        .map(|c| {
            let s = c.as_os_str().to_string_lossy();
            let stem = s.strip_prefix('.').and_then(|n| {
                ["staging", "old"].iter().find_map(|tag| {
                    let (stem, pid) = n.rsplit_once(&format!(".{tag}-"))?;
                    (is_digits(pid) && !stem.is_empty()).then_some(stem)
                })
            });
            match stem {
                Some(stem) => std::ffi::OsString::from(stem),
                None => c.as_os_str().to_os_string(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chart_and_temporary_names_are_recognised_and_nothing_else() {
        assert!(is_chart_name("heatmap_ops_load_frac.png"));
        assert!(is_chart_name("scatter_x__teams.core.members.london.svg"));
        assert!(!is_chart_name(".png"));
        assert!(!is_chart_name("a b.png"));
        assert!(!is_chart_name("app.js"));
        assert!(is_temp_name(".weekly.tmp-123-4.csv"));
        assert!(!is_temp_name(".weekly.tmp-x-4.csv"));
        assert!(!is_temp_name("weekly.tmp-1-4.csv"));
        assert!(is_output_file("summary.csv"));
        assert!(!is_output_file("package.json"));
        assert!(!is_output_file(".git"));
    }
}
