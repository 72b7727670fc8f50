//! `--set KEY=VALUE` overrides (and sweep points), applied to the raw TOML table before
//! validation, so that an override is checked exactly like the file.
//!
//! KEY is a dotted path; an entry of an array of tables is addressed by its `name`
//! (`teams.core.shift_hours`, `services.checkout.severities.sev1.share`). Missing
//! intermediate tables are created; unknown keys are left for validation to report.

use super::error::ScenarioError;
use super::path::{KeyPath, Seg};
use super::validate::{describe_value, RawProblem};

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
        let (key, value) = s
            .split_once('=')
            .ok_or_else(|| bad("expected KEY=VALUE, e.g. teams.core.shift_hours=8"))?;
        let key = key.trim();
        if key.is_empty() {
            return Err(bad("the key before `=` is empty"));
        }
        let segments = parse_key(key).map_err(|reason| bad(&reason))?;
        Ok(Override {
            text: s.to_owned(),
            key: key.to_owned(),
            segments,
            value: parse_value(value.trim()),
        })
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
        };
        if self.segments.is_empty() || self.segments.iter().any(String::is_empty) {
            return Err(fail(
                path,
                format!("`{}` has an empty key segment", self.key),
            ));
        }
        match set_in_table(root, &self.segments, self.value.clone(), &mut path) {
            Ok(()) => Ok(path),
            Err(message) => Err(fail(path, message)),
        }
    }
}

/// Split a dotted TOML key into its segments.
fn parse_key(key: &str) -> Result<Vec<String>, String> {
    toml_edit::Key::parse(key)
        .map(|keys| keys.iter().map(|k| k.get().to_owned()).collect())
        .map_err(|e| format!("`{key}` is not a dotted key: {}", e.message().trim()))
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
            let entry_name =
                |e: &toml::Value| e.get("name").and_then(|n| n.as_str()).map(str::to_owned);
            let Some(i) = entries
                .iter()
                .position(|e| entry_name(e).as_deref() == Some(entry.as_str()))
            else {
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
}
