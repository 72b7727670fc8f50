//! `--set KEY=VALUE` overrides (and sweep points), applied to the raw TOML table before
//! validation, so that an override is checked exactly like the file.
//!
//! KEY is a dotted path; an entry of an array of tables is addressed by its `name`
//! (`teams.core.shift_hours`, `services.checkout.severities.sev1.share`), an entry of an
//! array whose entries have no names by its index from 0 (`growth.0.per_quarter`), and
//! `*` addresses every entry (`services.*.count`). Missing intermediate tables are
//! created; unknown keys are left for validation to report.

use super::error::ScenarioError;
use super::path::{KeyPath, Seg};
use super::show::{escape_char, escaped, is_forbidden_char};
use super::validate::{describe_value, RawProblem};
use super::PathStep;

/// The key segment that stands for every entry of an array of tables
/// (`services.*.count`).
const WILDCARD: &str = "*";

/// How a dotted key looks, for messages about malformed keys.
const KEY_FORM: &str = "expected a dotted key like teams.core.shift_hours, with a segment that holds spaces or dots quoted: teams.core.members.\"new york\"";

/// Where in the scenario file an override's value is written (a value of the file's
/// `[sweep]` table), so that its problems are reported there.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FileSpot {
    /// The value's path in the file.
    pub path: KeyPath,
    /// What the value is, for messages (`the [sweep] axis `k`, value 2`).
    pub what: String,
}

/// One override: a dotted key path and the TOML value to put there.
#[derive(Debug, Clone, PartialEq)]
pub struct Override {
    /// How the override is shown in problems (`KEY=VALUE` as given).
    text: String,
    /// The key path as given.
    key: String,
    /// The key split into segments (quoted segments unquoted).
    segments: Vec<String>,
    /// The value to set.
    value: toml::Value,
    /// Why the value cannot be used although it reads as a number (a number TOML cannot
    /// hold, such as `1e309`); reported where the override is applied.
    unusable: Option<String>,
    /// Where the value is written in the scenario file, for a point of the file's sweep.
    spot: Option<FileSpot>,
    /// The option it came from, as problems name it (`--set`, `--vary`).
    option: &'static str,
}

impl Override {
    /// Parse `KEY=VALUE` as given to `--set`. KEY is a dotted TOML key (segments may be
    /// quoted); VALUE is read as a TOML value (number, boolean, quoted string, inline
    /// table or array) and, failing that, taken as a bare string.
    pub fn parse(s: &str) -> Result<Override, ScenarioError> {
        let bad = |reason: &str| ScenarioError::BadOverride {
            text: s.to_owned(),
            reason: reason.to_owned(),
        };
        if s.len() > super::MAX_ARGUMENT_BYTES {
            return Err(ScenarioError::BadOverride {
                text: format!("{}...", s.chars().take(40).collect::<String>()),
                reason: format!(
                    "it is longer than {} bytes, the most sresim reads from one argument",
                    super::MAX_ARGUMENT_BYTES
                ),
            });
        }
        let (key, value) = s
            .split_once('=')
            .ok_or_else(|| bad("expected KEY=VALUE, e.g. teams.core.shift_hours=8"))?;
        let key = key.trim();
        if key.is_empty() {
            return Err(bad("the key before `=` is empty"));
        }
        let segments = parse_key(key).map_err(|reason| bad(&reason))?;
        let (value, unusable) = match Self::parse_value(value.trim()) {
            Ok(v) => (v, None),
            Err(reason) => (toml::Value::String(value.trim().to_owned()), Some(reason)),
        };
        Ok(Override {
            text: s.to_owned(),
            key: key.to_owned(),
            segments,
            value,
            unusable,
            spot: None,
            option: super::validate::SET,
        })
    }

    /// Read a value as written on a command line: a TOML value (number, boolean, quoted
    /// string, inline table or array) or, failing that, the text as a bare string. A
    /// number TOML cannot hold (`1e309`, an integer beyond 64 bits) is an error that
    /// says so, rather than a string.
    pub fn parse_value(text: &str) -> Result<toml::Value, String> {
        match parse_value(text) {
            toml::Value::String(s) if s == text => match number_out_of_range(text) {
                Some(reason) => Err(reason),
                None => Ok(toml::Value::String(s)),
            },
            v => Ok(v),
        }
    }

    /// Check a dotted key (as for `--set` and `--vary`): `Err` says what is wrong with
    /// it, where, and what a key looks like.
    pub fn check_key(key: &str) -> Result<(), String> {
        parse_key(key).map(|_| ())
    }

    /// This override with its value marked as written in the scenario file at `path`
    /// (a value of the file's `[sweep]` table); `what` names it in messages. Its
    /// problems are then reported at that place in the file, not as a `--set`.
    pub fn in_file(mut self, path: &[PathStep<'_>], what: impl Into<String>) -> Override {
        let path = path
            .iter()
            .map(|s| match s {
                PathStep::Key(k) => Seg::Key((*k).to_owned()),
                PathStep::Index(i) => Seg::Index(*i),
            })
            .collect();
        self.spot = Some(FileSpot {
            path,
            what: what.into(),
        });
        self
    }

    /// This override as a point of a `--vary` axis: its problems name `--vary`.
    pub fn from_vary(mut self) -> Override {
        self.option = "--vary";
        self
    }

    /// This override as a value of another command's option (`plan --over`): its
    /// problems name that option.
    pub fn from_option(mut self, option: &'static str) -> Override {
        self.option = option;
        self
    }

    /// The option the override came from, as problems name it (`--set`, `--vary`).
    pub fn option(&self) -> &'static str {
        self.option
    }

    /// Where in the file the value is written, when it comes from the file's sweep.
    pub(crate) fn spot(&self) -> Option<&FileSpot> {
        self.spot.as_ref()
    }

    /// An override built by code (sweeps). A key that is not a valid dotted key is split
    /// on `.`; an empty segment is then reported when the override is applied.
    pub fn new(key: &str, value: toml::Value) -> Override {
        let segments =
            parse_key(key).unwrap_or_else(|_| key.split('.').map(str::to_owned).collect());
        Override {
            text: format!("{key}={}", render(&value)),
            key: key.to_owned(),
            segments,
            value,
            unusable: None,
            spot: None,
            option: super::validate::SET,
        }
    }

    /// The dotted key path as given.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The value this override sets.
    pub fn value(&self) -> &toml::Value {
        &self.value
    }

    /// `KEY=VALUE`, as shown after `--set` in problems.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Set the value in `root`. Returns the path it was written to (array entries as
    /// indices), or the problem that stopped it.
    pub(crate) fn apply(&self, root: &mut toml::Table) -> Result<KeyPath, RawProblem> {
        let mut path = KeyPath::new();
        let fail = |path: KeyPath, message: String| RawProblem {
            path,
            message,
            set_by: Some(self.text.clone()),
            by: None,
        };
        if self.segments.is_empty() || self.segments.iter().any(String::is_empty) {
            return Err(fail(
                path,
                format!("`{}` has an empty key segment", self.key),
            ));
        }
        if let Some(reason) = &self.unusable {
            // Find where it would go, leaving the table as it was.
            let mut scratch = root.clone();
            let found = set_in_table(&mut scratch, &self.segments, self.value.clone(), &mut path);
            return Err(fail(path, found.err().unwrap_or_else(|| reason.clone())));
        }
        match set_in_table(root, &self.segments, self.value.clone(), &mut path) {
            Ok(()) => Ok(path),
            Err(message) => Err(fail(path, message)),
        }
    }
}

/// Split a dotted TOML key into its segments; `Err` says what is wrong and where.
fn parse_key(key: &str) -> Result<Vec<String>, String> {
    // A bare `*` segment (every entry of an array of tables) reads as the quoted "*":
    // no name may hold `*`, so the two cannot be confused.
    let quoted;
    let key = if !key.contains(['"', '\'']) && key.split('.').any(|s| s.trim() == "*") {
        quoted = key
            .split('.')
            .map(|s| if s.trim() == "*" { "\"*\"" } else { s })
            .collect::<Vec<_>>()
            .join(".");
        quoted.as_str()
    } else {
        key
    };
    let not_a_key = |reason: &str| {
        format!(
            "`{}` is not a dotted key: {reason}; {KEY_FORM}",
            escaped(key)
        )
    };
    if let Some(reason) = key_problem(key) {
        return Err(not_a_key(&reason));
    }
    match toml_edit::Key::parse(key) {
        Ok(keys) => Ok(keys.iter().map(|k| k.get().to_owned()).collect()),
        Err(e) => {
            let message = e.message().trim();
            Err(not_a_key(if message.is_empty() {
                "it does not read as TOML"
            } else {
                message
            }))
        }
    }
}

/// Whether `c` may appear in a bare (unquoted) key segment.
fn is_bare(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '_'
}

/// What is wrong with a dotted key, with 1-based character positions; `None` when its
/// shape is right (segments bare or quoted, none empty, separated by dots).
fn key_problem(key: &str) -> Option<String> {
    let chars: Vec<char> = key.chars().collect();
    let n = chars.len();
    let shown = |c: char| {
        if is_forbidden_char(c) {
            escape_char(c)
        } else {
            c.to_string()
        }
    };
    let blank = |c: char| c == ' ' || c == '\t';
    let (mut i, mut segment, mut last_dot) = (0, 1, None::<usize>);
    loop {
        while i < n && blank(chars[i]) {
            i += 1;
        }
        let start = i;
        if i < n && (chars[i] == '"' || chars[i] == '\'') {
            let quote = chars[i];
            i += 1;
            let content = i;
            loop {
                if i >= n {
                    return Some(format!(
                        "the quote at character {} is never closed",
                        start + 1
                    ));
                }
                if quote == '"' && chars[i] == '\\' {
                    i += 2;
                    continue;
                }
                if chars[i] == quote {
                    break;
                }
                i += 1;
            }
            if i == content {
                return Some(format!(
                    "segment {segment} is empty (the quotes at character {})",
                    start + 1
                ));
            }
            i += 1;
        } else {
            while i < n && is_bare(chars[i]) {
                i += 1;
            }
            if i == start {
                return Some(match (i < n && chars[i] == '.', last_dot) {
                    (_, None) if n == 0 || chars.iter().all(|&c| blank(c)) => {
                        "the key is empty".to_owned()
                    }
                    (true, None) => "segment 1 is empty: the key starts with a dot".to_owned(),
                    (true, Some(d)) => format!(
                        "segment {segment} is empty: two dots with nothing between them at characters {} and {}",
                        d + 1,
                        i + 1
                    ),
                    (false, Some(d)) if i >= n => format!(
                        "segment {segment} is empty: the key ends with the dot at character {}",
                        d + 1
                    ),
                    (false, _) => format!(
                        "character {} ('{}') cannot appear in an unquoted segment",
                        i + 1,
                        shown(chars[i])
                    ),
                });
            }
        }
        let after = i;
        while i < n && blank(chars[i]) {
            i += 1;
        }
        if i >= n {
            return None;
        }
        if chars[i] == '.' {
            last_dot = Some(i);
            i += 1;
            segment += 1;
            continue;
        }
        return Some(if after < i {
            format!(
                "segment {segment} has a space at character {}; quote a segment that holds spaces",
                after + 1
            )
        } else {
            format!(
                "character {} ('{}') cannot appear in an unquoted segment",
                i + 1,
                shown(chars[i])
            )
        });
    }
}

/// Why `text`, which did not read as a TOML value, is a number TOML cannot hold; `None`
/// when it is not number-like at all (then it is a bare string).
fn number_out_of_range(text: &str) -> Option<String> {
    let digits = text.replace('_', "");
    let unsigned = digits.trim_start_matches(['+', '-']);
    if !unsigned.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    if unsigned.chars().all(|c| c.is_ascii_digit()) {
        return Some(format!(
            "the integer {text} is out of range: TOML integers lie between {} and {}",
            i64::MIN,
            i64::MAX
        ));
    }
    match digits.parse::<f64>() {
        Ok(x) if x.is_infinite() => Some(format!(
            "the number {text} is out of range: it is not finite (the largest finite number is about 1.8e308)"
        )),
        _ => None,
    }
}

/// A TOML value, or the text itself as a string when it is not one.
fn parse_value(text: &str) -> toml::Value {
    match format!("value = {text}").parse::<toml::Table>() {
        Ok(mut table) if table.len() == 1 => table
            .remove("value")
            .unwrap_or_else(|| toml::Value::String(text.to_owned())),
        _ => toml::Value::String(text.to_owned()),
    }
}

/// A value as inline TOML (for showing sweep overrides like `--set` text).
fn render(value: &toml::Value) -> String {
    use serde::Serialize;
    let mut out = String::new();
    match value.serialize(toml::ser::ValueSerializer::new(&mut out)) {
        Ok(()) => out,
        Err(_) => format!("{value:?}"),
    }
}

fn set_in_table(
    table: &mut toml::Table,
    segments: &[String],
    value: toml::Value,
    path: &mut KeyPath,
) -> Result<(), String> {
    let Some((first, rest)) = segments.split_first() else {
        return Err("empty key".to_owned());
    };
    path.push(Seg::Key(first.clone()));
    if rest.is_empty() {
        table.insert(first.clone(), value);
        return Ok(());
    }
    let node = table
        .entry(first.clone())
        .or_insert_with(|| toml::Value::Table(toml::Table::new()));
    set_in_value(node, first, rest, value, path)
}

/// Continue setting below `node`, which sits at key `name`.
fn set_in_value(
    node: &mut toml::Value,
    name: &str,
    segments: &[String],
    value: toml::Value,
    path: &mut KeyPath,
) -> Result<(), String> {
    match node {
        toml::Value::Table(t) => set_in_table(t, segments, value, path),
        toml::Value::Array(entries) => {
            let Some((entry, rest)) = segments.split_first() else {
                return Err("empty key".to_owned());
            };
            if entry == WILDCARD {
                // Every entry alike; the path reported is the first entry's.
                if rest.is_empty() {
                    return Err(format!(
                        "`{name}.*` must name a key inside the entries, e.g. {name}.*.count"
                    ));
                }
                if entries.is_empty() {
                    return Err(format!("`{name}` has no entries for `*` to set"));
                }
                let mut first_path = None;
                for (i, e) in entries.iter_mut().enumerate() {
                    let mut p = path.clone();
                    p.push(Seg::Index(i));
                    set_in_value(e, WILDCARD, rest, value.clone(), &mut p)?;
                    first_path.get_or_insert(p);
                }
                if let Some(p) = first_path {
                    *path = p;
                }
                return Ok(());
            }
            let entry_name =
                |e: &toml::Value| e.get("name").and_then(|n| n.as_str()).map(str::to_owned);
            let by_name = entries
                .iter()
                .position(|e| entry_name(e).as_deref() == Some(entry.as_str()));
            // Entries without names (`[[growth]]`) are addressed by their index.
            let nameless = entries.iter().all(|e| entry_name(e).is_none());
            let by_index = || {
                entry
                    .parse::<usize>()
                    .ok()
                    .filter(|&i| nameless && i < entries.len())
            };
            let Some(i) = by_name.or_else(by_index) else {
                if nameless && !entries.is_empty() {
                    let indices = match entries.len() {
                        1 => "0".to_owned(),
                        n => format!("0 to {}", n - 1),
                    };
                    return Err(format!(
                        "`{name}` entries have no names: address one by its index, {indices}, or all with `*`; got '{entry}'"
                    ));
                }
                let known: Vec<String> = entries.iter().filter_map(entry_name).collect();
                let known = if known.is_empty() {
                    "(none)".to_owned()
                } else {
                    known.join(", ")
                };
                return Err(format!("no {name} entry named '{entry}'; known: {known}"));
            };
            path.push(Seg::Index(i));
            if rest.is_empty() {
                entries[i] = value;
                return Ok(());
            }
            set_in_value(&mut entries[i], entry, rest, value, path)
        }
        other => Err(format!(
            "cannot set `{}` inside `{name}`: it holds {}, not a table",
            segments.join("."),
            describe_value(other)
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_star_sets_every_entry() {
        let mut root: toml::Table = toml::from_str(
            "[[services]]\nname = \"a\"\ncount = 1\n[[services]]\nname = \"b\"\ncount = 1\n",
        )
        .expect("toml");
        let o = Override::parse("services.*.count=3").expect("parses");
        o.apply(&mut root).expect("applies");
        let counts: Vec<i64> = root["services"]
            .as_array()
            .expect("array")
            .iter()
            .map(|e| e["count"].as_integer().expect("count"))
            .collect();
        assert_eq!(counts, vec![3, 3]);
        assert!(Override::parse("services.*=3")
            .expect("parses")
            .apply(&mut root)
            .is_err());
    }

    #[test]
    fn entries_without_names_are_addressed_by_index() {
        let mut root: toml::Table =
            toml::from_str("[[growth]]\nper_quarter = 1\n[[growth]]\nper_quarter = 1\n")
                .expect("toml");
        let o = Override::parse("growth.1.per_quarter=3").expect("parses");
        let at = o.apply(&mut root).expect("applies");
        assert_eq!(
            at,
            vec![
                Seg::Key("growth".into()),
                Seg::Index(1),
                Seg::Key("per_quarter".into())
            ]
        );
        assert_eq!(root["growth"][1]["per_quarter"].as_integer(), Some(3));
        assert_eq!(root["growth"][0]["per_quarter"].as_integer(), Some(1));
        let past = Override::parse("growth.2.per_quarter=3").expect("parses");
        let problem = past.apply(&mut root).expect_err("no third entry");
        assert!(
            problem.message.contains("index, 0 to 1"),
            "{}",
            problem.message
        );
        // Named entries are still addressed by name only.
        let mut named: toml::Table = toml::from_str("[[teams]]\nname = \"core\"\n").expect("toml");
        assert!(Override::parse("teams.0.shift_hours=8")
            .expect("parses")
            .apply(&mut named)
            .is_err());
    }

    #[test]
    fn value_falls_back_to_bare_string() {
        assert_eq!(parse_value("12"), toml::Value::Integer(12));
        assert_eq!(parse_value("1.5"), toml::Value::Float(1.5));
        assert_eq!(parse_value("\"x y\""), toml::Value::String("x y".into()));
        assert_eq!(parse_value("x y"), toml::Value::String("x y".into()));
        assert_eq!(
            parse_value("1\nother = 2"),
            toml::Value::String("1\nother = 2".into())
        );
        assert!(parse_value("{ a = 1 }").is_table());
    }

    #[test]
    fn key_accepts_quoted_segments() {
        assert_eq!(
            parse_key("teams.core.members.\"new york\"").ok(),
            Some(vec![
                "teams".into(),
                "core".into(),
                "members".into(),
                "new york".into()
            ])
        );
        assert!(parse_key("teams..core").is_err());
    }

    #[test]
    fn key_problems_say_what_and_where() {
        for (key, reason) in [
            (
                "a..b",
                "segment 2 is empty: two dots with nothing between them at characters 2 and 3",
            ),
            (".a", "segment 1 is empty: the key starts with a dot"),
            (
                "a.",
                "segment 2 is empty: the key ends with the dot at character 2",
            ),
            ("", "the key is empty"),
            ("a b", "segment 1 has a space at character 2"),
            ("a.'b", "the quote at character 3 is never closed"),
            ("a.\u{1b}", "character 3 ('\\u{1b}') cannot appear"),
        ] {
            let problem = key_problem(key).unwrap_or_default();
            assert!(problem.contains(reason), "{key:?}: {problem}");
        }
        for ok in ["a", "a.b", "teams.core.members.\"new york\"", "a.'x.y'"] {
            assert_eq!(key_problem(ok), None, "{ok}");
            assert!(parse_key(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn numbers_toml_cannot_hold_are_named() {
        assert!(Override::parse_value("1e309")
            .unwrap_err()
            .contains("not finite"));
        assert!(Override::parse_value("-99999999999999999999")
            .unwrap_err()
            .contains("TOML integers lie between"));
        assert_eq!(
            Override::parse_value("1e308"),
            Ok(toml::Value::Float(1e308))
        );
        assert_eq!(
            Override::parse_value("12 monkeys"),
            Ok(toml::Value::String("12 monkeys".into()))
        );
        assert_eq!(
            Override::parse_value("infinity"),
            Ok(toml::Value::String("infinity".into()))
        );
    }
}
