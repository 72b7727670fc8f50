//! The command line's aids: the scenario JSON Schema, shell completions, examples in
//! every `--help`, `--json` summaries, and colour only on a terminal.

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;
use sresim::model::Metric;
use sresim::scenario::ranges::{KeyRange, RANGES};

use crate::jsonschema::{errors, toml_to_json, valid};
use crate::support::{root, sresim, stderr, stdout, temp_dir, MINIMAL};

/// The schema as `sresim schema` prints it.
fn schema() -> Value {
    let o = sresim(&["schema"]);
    assert!(o.status.success(), "{}", stderr(&o));
    serde_json::from_slice(&o.stdout).expect("sresim schema prints JSON")
}

/// Every `*.toml` under `dir`, recursively, sorted.
fn toml_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("readable folder") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            out.extend(toml_files(&path));
        } else if path.extension().is_some_and(|e| e == "toml") {
            out.push(path);
        }
    }
    out.sort();
    out
}

/// A scenario file as the JSON an editor validates.
fn scenario_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).expect("readable scenario");
    let table: toml::Table = text
        .parse()
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    toml_to_json(&toml::Value::Table(table))
}

/// The JSON of a command's stdout, which must be exactly one document.
fn json_of(o: &Output) -> Value {
    assert!(o.status.success(), "{}", stderr(o));
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("stdout is not one JSON document ({e}):\n{}", stdout(o)))
}

/// The subcommands listed by `sresim --help` (without `help`).
fn subcommands() -> Vec<String> {
    let help = stdout(&sresim(&["--help"]));
    let list = help
        .split("Commands:")
        .nth(1)
        .expect("a Commands: section")
        .split("\n\n")
        .next()
        .unwrap_or_default()
        .to_owned();
    let names: Vec<String> = list
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|n| *n != "help")
        .map(str::to_owned)
        .collect();
    assert!(names.len() >= 8, "too few subcommands in --help: {names:?}");
    names
}

#[test]
fn schema_is_json_schema_2020_12_for_an_object() {
    let s = schema();
    assert_eq!(s["$schema"], "https://json-schema.org/draft/2020-12/schema");
    assert_eq!(s["type"], "object");
    assert_eq!(s["additionalProperties"], false);
}

#[test]
fn every_bundled_scenario_validates_against_the_schema() {
    let s = schema();
    let files = toml_files(&root().join("scenarios"));
    assert!(files.len() >= 10, "{files:?}");
    for file in files {
        let problems = errors(&s, &s, &scenario_json(&file));
        assert!(problems.is_empty(), "{}: {problems:#?}", file.display());
    }
}

#[test]
fn the_minimal_test_scenario_validates_against_the_schema() {
    let s = schema();
    let table: toml::Table = MINIMAL.parse().expect("MINIMAL parses");
    let problems = errors(&s, &s, &toml_to_json(&toml::Value::Table(table)));
    assert!(problems.is_empty(), "{problems:#?}");
}

/// A change that breaks a valid document.
type Change = Box<dyn Fn(&mut Value)>;

#[test]
fn wrong_documents_do_not_validate() {
    let s = schema();
    let base = scenario_json(&root().join("scenarios/baseline.toml"));
    assert!(valid(&s, &base));
    let broken: Vec<(&str, Change)> = vec![
        (
            "unknown top-level key",
            Box::new(|v| v["simulatoin"] = serde_json::json!({})),
        ),
        (
            "unknown team key",
            Box::new(|v| v["teams"][0]["shift_hour"] = 12.into()),
        ),
        (
            "shift hours over a week",
            Box::new(|v| v["teams"][0]["shift_hours"] = 1000.into()),
        ),
        (
            "slo target of 1 (exclusive bound)",
            Box::new(|v| v["services"][0]["slo_target"] = 1.0.into()),
        ),
        (
            "negative members",
            Box::new(|v| v["teams"][0]["members"]["london"] = (-1).into()),
        ),
        (
            "fractional replications",
            Box::new(|v| v["simulation"]["replications"] = 2.5.into()),
        ),
        (
            "wrong disengage word",
            Box::new(|v| v["engagement"] = serde_json::json!({ "disengage": "sometimes" })),
        ),
        (
            "wrong structure word",
            Box::new(|v| v["organization"] = serde_json::json!({ "structure": "by_team" })),
        ),
        (
            "unknown duration kind",
            Box::new(|v| {
                v["teams"][0]["ack_off_hours"] = serde_json::json!({ "gamma": { "hours": 1 } })
            }),
        ),
        (
            "lognormal without p90",
            Box::new(|v| {
                v["teams"][0]["ack_off_hours"] =
                    serde_json::json!({ "lognormal": { "median_hours": 1 } })
            }),
        ),
        ("version 2", Box::new(|v| v["version"] = 2.into())),
        (
            "missing simulation",
            Box::new(|v| {
                v.as_object_mut().map(|o| o.remove("simulation"));
            }),
        ),
    ];
    for (what, change) in broken {
        let mut doc = base.clone();
        change(&mut doc);
        assert!(!valid(&s, &doc), "{what}: validates but should not");
    }
}

/// The schema nodes a range key names: `.` steps into properties (and through array
/// items, `anyOf`/`oneOf` branches and `$ref`s), `<site>` is any key of a map,
/// `<phase>` every phase, `<duration>` the duration definition. A suffix after a space
/// (`teams.members (all teams)`) qualifies the same node.
fn nodes<'a>(schema: &'a Value, key: &str) -> Vec<&'a Value> {
    let path = key.split(' ').next().unwrap_or(key);
    let mut at: Vec<&Value> = vec![schema];
    for seg in path.split('.') {
        let mut next = Vec::new();
        for node in at {
            let node = deref(schema, node);
            let node = node.get("items").unwrap_or(node);
            match seg {
                "<duration>" => next.push(&schema["$defs"]["duration"]),
                "<site>" => next.push(&node["additionalProperties"]),
                "<phase>" => next.extend(node["properties"].as_object().expect("phases").values()),
                _ => {
                    let mut branches = vec![node];
                    for k in ["oneOf", "anyOf"] {
                        branches
                            .extend(node.get(k).and_then(Value::as_array).into_iter().flatten());
                    }
                    next.extend(
                        branches
                            .into_iter()
                            .filter_map(|b| b["properties"].get(seg)),
                    );
                }
            }
        }
        at = next;
    }
    at
}

fn deref<'a>(schema: &'a Value, node: &'a Value) -> &'a Value {
    match node.get("$ref").and_then(Value::as_str) {
        Some(r) => r
            .trim_start_matches("#/")
            .split('/')
            .fold(schema, |n, seg| &n[seg]),
        None => node,
    }
}

/// Whether `node` (or its numeric `anyOf` branch) carries `range`'s bounds.
fn has_bounds(node: &Value, range: &KeyRange) -> bool {
    let numeric = node
        .get("anyOf")
        .and_then(Value::as_array)
        .and_then(|b| b.iter().find(|x| x.get("type").is_some()))
        .unwrap_or(node);
    let bound = |k: &str| numeric.get(k).and_then(Value::as_f64);
    let (lo, hi) = (
        if range.min_exclusive {
            "exclusiveMinimum"
        } else {
            "minimum"
        },
        if range.max_exclusive {
            "exclusiveMaximum"
        } else {
            "maximum"
        },
    );
    let close =
        |a: Option<f64>, b: f64| a.is_some_and(|a| (a - b).abs() <= 1e-9 * b.abs().max(1.0));
    match numeric["type"].as_str() {
        Some("number" | "integer") => {
            let integer = numeric["type"] == "integer";
            integer == range.integer && close(bound(lo), range.min) && close(bound(hi), range.max)
        }
        Some("array") => {
            close(bound("minItems"), range.min.ceil())
                && close(bound("maxItems"), range.max.floor())
        }
        _ => false,
    }
}

#[test]
fn every_range_appears_in_the_schema_with_its_bounds() {
    let s = sresim::scenario::schema::scenario_schema();
    for range in RANGES {
        let found = nodes(&s, range.key);
        assert!(!found.is_empty(), "{}: no schema node", range.key);
        for node in found {
            let description = node["description"].as_str().unwrap_or_default();
            assert!(
                description.contains(&range.expected()),
                "{}: the description does not state {}: {description}",
                range.key,
                range.expected()
            );
            // Aggregates (a head count summed over sites, points of a plan) have no
            // keyword of their own: the description states them.
            let aggregate =
                range.key.contains(' ') || ["teams.members", "sweep.axes"].contains(&range.key);
            assert!(
                aggregate || has_bounds(node, range),
                "{}: bounds missing or wrong in {node:#}",
                range.key
            );
        }
    }
}

#[test]
fn completions_name_every_subcommand() {
    let commands = subcommands();
    for shell in ["bash", "zsh", "fish"] {
        let o = sresim(&["completions", shell]);
        assert!(o.status.success(), "{shell}: {}", stderr(&o));
        let script = stdout(&o);
        assert!(!script.trim().is_empty(), "{shell}: empty script");
        for c in &commands {
            assert!(script.contains(c.as_str()), "{shell}: no {c}");
        }
    }
    let o = sresim(&["completions", "powershell-ish"]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "an unknown shell is a usage error"
    );
}

#[test]
fn every_help_has_examples_on_bundled_scenarios() {
    for c in subcommands() {
        let o = sresim(&[c.as_str(), "--help"]);
        assert!(o.status.success(), "{c}: {}", stderr(&o));
        let help = stdout(&o);
        let examples = help
            .split("Examples:")
            .nth(1)
            .unwrap_or_else(|| panic!("{c} --help has no Examples:\n{help}"));
        let lines: Vec<&str> = examples
            .lines()
            .filter(|l| l.trim_start().starts_with("sresim "))
            .collect();
        assert!((2..=4).contains(&lines.len()), "{c}: {lines:?}");
        for token in examples.split_whitespace() {
            let Some(at) = token.find("scenarios/") else {
                continue;
            };
            let path = token[at..].trim_end_matches(['"', '\'']);
            if !path.ends_with(".toml") {
                continue;
            }
            let path = match path.split_once('*') {
                // A glob names its folder.
                Some((dir, _)) => root().join(dir),
                None => root().join(path),
            };
            assert!(path.exists(), "{c}: {} does not exist", path.display());
        }
    }
}

/// The headline metrics' keys, from the catalogue.
fn headline_keys() -> Vec<&'static str> {
    Metric::headline().map(Metric::key).collect()
}

#[test]
fn run_json_has_the_headline_metrics_teams_and_warnings() {
    let dir = temp_dir("ergonomics-run-json");
    let out = dir.to_string_lossy().into_owned();
    let o = sresim(&[
        "run",
        "scenarios/baseline.toml",
        "--replications",
        "3",
        "--set",
        "simulation.horizon_weeks=20",
        "--set",
        "teams.core.members.london=2",
        "--no-charts",
        "--json",
        "--out",
        &out,
    ]);
    let j = json_of(&o);
    assert_eq!(j["command"], "run");
    assert_eq!(j["scenario"], "baseline");
    assert_eq!(j["replications"], 3);
    assert_eq!(j["seed"], 7);
    assert_eq!(j["output_dir"], out.as_str());
    let metrics = j["metrics"].as_array().expect("metrics");
    let keys: Vec<&str> = metrics.iter().filter_map(|m| m["key"].as_str()).collect();
    assert_eq!(keys, headline_keys());
    for m in metrics {
        for field in ["label", "unit", "mean", "ci95_low", "ci95_high"] {
            assert!(m.get(field).is_some(), "{m}: no {field}");
        }
        assert_eq!(m["n"].as_u64().map(|n| n <= 3), Some(true), "{m}");
    }
    assert_eq!(j["teams"][0]["team"], "core");
    let warnings = j["warnings"].as_array().expect("warnings");
    assert!(
        warnings.iter().any(|w| w
            .as_str()
            .is_some_and(|w| w.starts_with("understaffed: team core"))),
        "{warnings:?}"
    );
    assert!(
        !stdout(&o).contains("wrote "),
        "human lines leaked into stdout"
    );
}

#[test]
fn sweep_json_lists_every_point_with_its_axis_values_and_means() {
    let dir = temp_dir("ergonomics-sweep-json");
    let out = dir.to_string_lossy().into_owned();
    let o = sresim(&[
        "sweep",
        "scenarios/baseline.toml",
        "--vary",
        "teams.core.members.london=4,6",
        "--set",
        "teams.core.members.london=5",
        "--replications",
        "2",
        "--set",
        "simulation.horizon_weeks=12",
        "--no-charts",
        "--json",
        "--out",
        &out,
    ]);
    let j = json_of(&o);
    assert_eq!(j["command"], "sweep");
    assert_eq!(j["axes"], serde_json::json!(["teams.core.members.london"]));
    let points = j["point_results"].as_array().expect("points");
    assert_eq!(points.len(), 2);
    for (p, value) in points.iter().zip(["4", "6"]) {
        assert_eq!(p["values"]["teams.core.members.london"], value);
        assert_eq!(p["n"], 2);
        let means = p["means"].as_object().expect("means");
        let keys: Vec<&str> = means.keys().map(String::as_str).collect();
        let mut expected = headline_keys();
        expected.sort_unstable();
        assert_eq!(keys, expected);
    }
    // The shadowed --set is a warning, in the JSON and on stderr.
    assert!(j["warnings"][0]
        .as_str()
        .is_some_and(|w| w.contains("london")));
    assert!(stderr(&o).contains("warning: "));
}

#[test]
fn compare_json_has_the_pooled_rows_of_every_variant() {
    let dir = temp_dir("ergonomics-compare-json");
    let out = dir.to_string_lossy().into_owned();
    let o = sresim(&[
        "compare",
        "scenarios/baseline.toml",
        "--variant",
        "long: teams.core.shift_hours=24",
        "--replications",
        "2",
        "--set",
        "simulation.horizon_weeks=12",
        "--no-charts",
        "--json",
        "--out",
        &out,
    ]);
    let j = json_of(&o);
    assert_eq!(j["variants"], serde_json::json!(["base", "long"]));
    let rows = j["rows"].as_array().expect("rows");
    for variant in ["base", "long"] {
        for key in headline_keys() {
            assert!(
                rows.iter()
                    .any(|r| r["variant"] == variant && r["team"] == "all" && r["metric"] == key),
                "no pooled row for {variant} {key}"
            );
        }
    }
    let long = rows
        .iter()
        .find(|r| r["variant"] == "long" && r["team"] == "all")
        .expect("a row of the variant");
    assert!(long.get("diff_mean").is_some() && long.get("significant").is_some());
}

#[test]
fn validate_json_reports_each_file_and_keeps_the_exit_code() {
    let dir = temp_dir("ergonomics-validate-json");
    let bad = dir.join("bad.toml");
    std::fs::write(
        &bad,
        MINIMAL.replace("horizon_weeks = 10", "horizon_weeks = -1\nfoo = 1"),
    )
    .expect("write");
    let bad_text = bad.to_string_lossy().into_owned();
    let o = sresim(&["validate", "scenarios/baseline.toml", &bad_text, "--json"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let j: Value = serde_json::from_slice(&o.stdout).expect("one JSON document");
    assert_eq!(j["ok"], false);
    assert_eq!(j["files"][0]["ok"], true);
    assert_eq!(j["files"][0]["teams"], 1);
    let problems = j["files"][1]["problems"].as_array().expect("problems");
    assert!(problems.len() >= 2, "{problems:?}");
    assert!(problems.iter().any(|p| p["key_path"] == "simulation.foo"));
    assert!(problems.iter().all(|p| p["line"].is_u64()));
    let missing = sresim(&["validate", "no/such.toml", "--json"]);
    assert_eq!(missing.status.code(), Some(2));
    let j: Value = serde_json::from_slice(&missing.stdout).expect("one JSON document");
    assert!(j["files"][0]["error"].is_string());
}

#[test]
fn piped_output_has_no_colour_codes() {
    let dir = temp_dir("ergonomics-no-colour");
    let out = dir.to_string_lossy().into_owned();
    // Understaffed and over its limits: the lines that are coloured on a terminal.
    let o = sresim(&[
        "run",
        "scenarios/baseline.toml",
        "--replications",
        "2",
        "--set",
        "simulation.horizon_weeks=12",
        "--set",
        "teams.core.members.london=1",
        "--set",
        "teams.core.members.mountain-view=1",
        "--no-charts",
        "--out",
        &out,
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("understaffed: "), "{text}");
    assert!(text.contains("over a limit: "), "{text}");
    assert!(!text.contains('\x1b') && !stderr(&o).contains('\x1b'));
    let sweep_out = dir.join("sweep").to_string_lossy().into_owned();
    let o = sresim(&[
        "sweep",
        "scenarios/baseline.toml",
        "--vary",
        "teams.core.members.london=4",
        "--set",
        "teams.core.members.london=5",
        "--replications",
        "1",
        "--set",
        "simulation.horizon_weeks=6",
        "--no-charts",
        "--out",
        &sweep_out,
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("warning: "));
    assert!(!stdout(&o).contains('\x1b') && !stderr(&o).contains('\x1b'));
}
