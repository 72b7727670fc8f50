//! Scenario files: TOML text → validated [`ScenarioConfig`].
//!
//! A [`ScenarioSource`] keeps the parsed text so that `--set` overrides and sweep points
//! can be applied again and again; [`ScenarioSource::resolve`] reports every problem at
//! once, each with `file:line:col`, the key path and, where one is involved, the override.
//! The accepted schema (version 1, with defaults) is documented in `src/scenario/raw.rs`,
//! the accepted range of every number in [`ranges`] and the rule for names in
//! [`NAME_RULE`].
//!
//! ```
//! use sresim::scenario::{Override, ScenarioSource};
//!
//! let source = ScenarioSource::baseline();
//! let shorter = Override::parse("simulation.horizon_weeks=52").unwrap();
//! let config = source.resolve(&[shorter]).unwrap();
//! assert_eq!(config.simulation.horizon_weeks, 52.0);
//! ```

pub mod config;
mod error;
mod names;
pub mod organization;
mod overrides;
mod path;
pub mod ranges;
mod raw;
pub mod schema;
mod show;
mod suggest;
mod validate;

use std::path::Path;

pub use config::*;
pub(crate) use error::write_problems;
pub use error::{Problem, ScenarioError};
pub use names::NAME_RULE;
pub use overrides::Override;
pub use show::{
    about as show_about, escape_char, escaped, is_forbidden_char, number as show_number,
};
pub(crate) use suggest::closest;

use path::KeyPath;
use validate::RawProblem;

/// One step of a key path given to [`ScenarioSource::problem_at`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathStep<'a> {
    /// A key of a table.
    Key(&'a str),
    /// An entry of an array.
    Index(usize),
}

/// The largest scenario file read: 16 MiB, far above any real scenario (the bundled
/// ones are under 40 KiB) and a bound on the memory a file given by mistake can take.
pub const MAX_SCENARIO_BYTES: u64 = 16 * 1024 * 1024;

/// The longest `--set`, `--vary` or `--variant` argument read: 1 MiB.
pub const MAX_ARGUMENT_BYTES: usize = 1024 * 1024;

/// Reads the file at `path`, at most `limit` bytes: a path that is not a regular file
/// (a folder, a FIFO, a device such as `/dev/zero`) is refused by its type before
/// anything is read, and a file larger than `limit` by its size, each as
/// [`ScenarioError::Io`] naming the path and what is expected.
pub fn read_limited(path: &Path, limit: u64) -> Result<Vec<u8>, ScenarioError> {
    use std::io::Read as _;
    let fail = |source: std::io::Error| ScenarioError::Io {
        path: path.to_owned(),
        source,
    };
    let refuse = |message: String| {
        fail(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            message,
        ))
    };
    let meta = std::fs::metadata(path).map_err(fail)?;
    if !meta.is_file() {
        let kind = if meta.is_dir() {
            "a folder"
        } else {
            "not a regular file (a device, FIFO or socket)"
        };
        return Err(refuse(format!("is {kind}; give a scenario file (.toml)")));
    }
    let too_big = || {
        refuse(format!(
            "is larger than {} MiB, the most sresim reads from one file",
            limit / (1024 * 1024)
        ))
    };
    if meta.len() > limit {
        return Err(too_big());
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .map_err(fail)?
        .take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(fail)?;
    if bytes.len() as u64 > limit {
        return Err(too_big());
    }
    Ok(bytes)
}

/// The bundled baseline scenario text (include_str! of scenarios/baseline.toml).
pub const BASELINE_TOML: &str = include_str!("../../scenarios/baseline.toml");

/// A parsed scenario source, kept so that overrides (and later, sweep points) can be
/// applied repeatedly.
#[derive(Debug, Clone)]
pub struct ScenarioSource {
    /// What problems print as the file.
    origin: String,
    /// Scenario name when `[simulation]` has no `name`.
    default_name: String,
    /// The document as plain TOML values.
    table: toml::Table,
    /// The same document with spans, to locate keys (owns the text).
    doc: toml_edit::ImDocument<String>,
}

/// An override that was applied, and where it wrote.
struct Applied {
    /// Its index among the overrides.
    index: usize,
    path: KeyPath,
}

impl ScenarioSource {
    /// Parse text. `origin` is what error messages print as the file (e.g.
    /// "scenarios/baseline.toml"); `default_name` is the scenario name when
    /// `[simulation]` has no `name` (the file stem). TOML syntax errors →
    /// [`ScenarioError::Invalid`] with one [`Problem`] carrying line:col.
    pub fn parse(text: &str, origin: &str, default_name: &str) -> Result<Self, ScenarioError> {
        let syntax = |span: Option<std::ops::Range<usize>>, message: &str| {
            let (line, column) = match span.as_ref() {
                Some(span) => {
                    let (l, c) = path::line_col(text, span.start);
                    (Some(l), Some(c))
                }
                None => (Some(1), Some(1)),
            };
            let message = match span {
                Some(span) => explain_number(text, span.start, message),
                None => None,
            }
            .unwrap_or_else(|| show::escaped(&message.trim().replace('\n', "; ")));
            ScenarioError::Invalid(vec![Problem {
                origin: origin.to_owned(),
                line,
                column,
                key_path: String::new(),
                message: format!("TOML syntax error: {message}"),
                set_by: None,
                set_with: validate::SET,
            }])
        };
        let doc = toml_edit::ImDocument::parse(text.to_owned())
            .map_err(|e| syntax(e.span(), e.message()))?;
        let table: toml::Table = toml::from_str(text).map_err(|e| syntax(e.span(), e.message()))?;
        Ok(ScenarioSource {
            origin: origin.to_owned(),
            default_name: default_name.to_owned(),
            table,
            doc,
        })
    }

    /// Read and parse a file (I/O error → [`ScenarioError::Io`] naming the path; text
    /// that is not UTF-8 → [`ScenarioError::Invalid`] at the line and column of the
    /// first invalid byte). The origin is the path as given; the default name is the
    /// file stem (made into a valid name, see [`NAME_RULE`]).
    pub fn from_file(path: &Path) -> Result<Self, ScenarioError> {
        let bytes = read_limited(path, MAX_SCENARIO_BYTES)?;
        let origin = path.display().to_string();
        let text = match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(e) => return Err(ScenarioError::Invalid(vec![not_utf8(&origin, e)])),
        };
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "scenario".to_owned());
        Self::parse(&text, &origin, &stem)
    }

    /// The bundled baseline (origin `<bundled baseline.toml>`, name `baseline`).
    ///
    /// # Panics
    /// Only if the bundled file is not valid TOML, which a test rules out.
    pub fn baseline() -> Self {
        match Self::parse(BASELINE_TOML, "<bundled baseline.toml>", "baseline") {
            Ok(source) => source,
            Err(e) => panic!("the bundled baseline.toml does not parse: {e}"),
        }
    }

    /// Apply overrides (in order) to a copy of the table, then deserialize and validate.
    /// Every problem is reported, in file order.
    pub fn resolve(&self, overrides: &[Override]) -> Result<ScenarioConfig, ScenarioError> {
        let (table, applied, mut problems) = self.apply(overrides);
        let key_order = |p: &[path::Seg]| path::key_order(&self.doc, p);
        match validate::validate(&table, &self.default_name, &key_order) {
            Ok(config) if problems.is_empty() => Ok(config),
            Ok(_) => Err(self.invalid(problems, &table, &applied, overrides)),
            Err(more) => {
                problems.extend(more);
                Err(self.invalid(problems, &table, &applied, overrides))
            }
        }
    }

    /// The file's `[sweep]` table, if any. The scenario layer only lets it through; the
    /// sweep layer reads and validates it.
    pub fn sweep_table(&self) -> Option<&toml::Value> {
        self.table.get("sweep")
    }

    /// A problem about the value at `path` in the file (keys, and indices of array
    /// entries), positioned at that value when it can be found. Used by layers that
    /// read parts of the file themselves, such as `[sweep]`.
    pub fn problem_at(&self, path: &[PathStep<'_>], message: impl Into<String>) -> Problem {
        let segs: Vec<path::Seg> = path
            .iter()
            .map(|s| match s {
                PathStep::Key(k) => path::Seg::Key((*k).to_owned()),
                PathStep::Index(i) => path::Seg::Index(*i),
            })
            .collect();
        let (line, column) = self.position(&segs);
        Problem {
            origin: self.origin.clone(),
            line: Some(line),
            column: Some(column),
            key_path: show::escaped(&path::display(&self.table, &segs)),
            message: show::escaped(&message.into()),
            set_by: None,
            set_with: validate::SET,
        }
    }

    /// Line and column of the deepest part of `segs` found in the file; line 1,
    /// column 1 when not even its first key is there (a missing section).
    fn position(&self, segs: &[path::Seg]) -> (usize, usize) {
        path::locate(&self.doc, segs)
            .map(|span| path::line_col(self.doc.raw(), span.start))
            .unwrap_or((1, 1))
    }

    /// The table after overrides (for the run manifest). Fails only when an override
    /// cannot be applied; the result is not validated.
    pub fn resolved_table(&self, overrides: &[Override]) -> Result<toml::Table, ScenarioError> {
        let (table, applied, problems) = self.apply(overrides);
        if problems.is_empty() {
            Ok(table)
        } else {
            Err(self.invalid(problems, &table, &applied, overrides))
        }
    }

    /// What problems print as the file.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The scenario text as read.
    pub fn text(&self) -> &str {
        self.doc.raw()
    }

    fn apply(&self, overrides: &[Override]) -> (toml::Table, Vec<Applied>, Vec<RawProblem>) {
        let mut table = self.table.clone();
        let mut applied = Vec::new();
        let mut problems = Vec::new();
        for (index, o) in overrides.iter().enumerate() {
            match o.apply(&mut table) {
                Ok(path) => applied.push(Applied { index, path }),
                Err(mut p) => {
                    p.by = Some(index);
                    problems.push(p);
                }
            }
        }
        (table, applied, problems)
    }

    /// Render raw problems: key paths by name, file positions, and the override that set
    /// the value (then without a position) or took part in the problem. A value from the
    /// file's `[sweep]` table is shown at its place in the file instead of as a `--set`.
    /// A problem with nothing in the file to point at (a missing section) is at line 1.
    fn invalid(
        &self,
        raw: Vec<RawProblem>,
        table: &toml::Table,
        applied: &[Applied],
        overrides: &[Override],
    ) -> ScenarioError {
        let mut problems: Vec<Problem> = raw
            .into_iter()
            .map(|rp| {
                // The last override that wrote the offending value (then the file
                // position would point at the replaced value), else the last one that
                // wrote inside the offending entry or table (then both are shown).
                let (by, in_file) = if rp.set_by.is_some() {
                    (rp.by, false)
                } else if let Some(a) = applied
                    .iter()
                    .rev()
                    .find(|a| path::starts_with(&rp.path, &a.path))
                {
                    (Some(a.index), false)
                } else if let Some(a) = applied
                    .iter()
                    .rev()
                    .find(|a| !rp.path.is_empty() && path::starts_with(&a.path, &rp.path))
                {
                    (Some(a.index), true)
                } else {
                    (None, true)
                };
                let by = by.and_then(|i| overrides.get(i));
                let mut message = rp.message;
                let set_with = by.map_or(validate::SET, Override::option);
                let (position, set_by) = match by.and_then(|o| o.spot().map(|s| (o, s))) {
                    Some((_, spot)) => {
                        message = format!("{message} (from {})", spot.what);
                        let at = if in_file { &rp.path } else { &spot.path };
                        (Some(self.position(at)), None)
                    }
                    None => {
                        let set_by = by.map(|o| o.text().to_owned()).or(rp.set_by);
                        (in_file.then(|| self.position(&rp.path)), set_by)
                    }
                };
                Problem {
                    origin: self.origin.clone(),
                    line: position.map(|(l, _)| l),
                    column: position.map(|(_, c)| c),
                    key_path: show::escaped(&path::display(table, &rp.path)),
                    message: show::escaped(&message),
                    set_by,
                    set_with,
                }
            })
            .collect();
        // File order first; problems outside the file in the order of the overrides.
        let set_order = |p: &Problem| {
            overrides
                .iter()
                .position(|o| p.set_by.as_deref() == Some(o.text()))
                .unwrap_or(usize::MAX)
        };
        problems.sort_by_key(|p| (p.line.is_none(), p.line, p.column, set_order(p)));
        problems.dedup();
        ScenarioError::Invalid(problems)
    }
}

/// A problem for a file that is not UTF-8: the line and column of the first invalid
/// byte (columns count the characters before it on its line).
fn not_utf8(origin: &str, e: std::string::FromUtf8Error) -> Problem {
    let at = e.utf8_error().valid_up_to();
    let bytes = e.as_bytes();
    let valid = std::str::from_utf8(&bytes[..at]).unwrap_or_default();
    let (line, column) = path::line_col(valid, at);
    let bad = bytes.get(at).copied().unwrap_or_default();
    Problem {
        origin: origin.to_owned(),
        line: Some(line),
        column: Some(column),
        key_path: String::new(),
        message: format!(
            "the file is not UTF-8 text: byte 0x{bad:02x} at byte offset {at} does not start a valid UTF-8 character; save the file as UTF-8"
        ),
        set_by: None,
        set_with: validate::SET,
    }
}

/// A TOML syntax error about a number the format cannot hold (`1e309`, an integer
/// beyond 64 bits), said plainly; `None` for any other syntax error.
fn explain_number(text: &str, at: usize, message: &str) -> Option<String> {
    let rest = text.get(at..)?;
    let end = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.' | '_')))
        .unwrap_or(rest.len());
    let token = &rest[..end];
    let digits = token.replace('_', "");
    match message.trim() {
        "invalid floating-point number" if digits.parse::<f64>().is_ok_and(f64::is_infinite) => {
            Some(format!(
                "TOML syntax error: the number {token} is out of range: it is not finite (the largest finite number is about 1.8e308)"
            ))
        }
        "number too large to fit in target type" => Some(format!(
            "TOML syntax error: the integer {token} is out of range: TOML integers lie between {} and {}",
            i64::MIN,
            i64::MAX
        )),
        _ => None,
    }
}
