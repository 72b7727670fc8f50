//! Errors of the scenario layer: what went wrong, where, and which exit code it earns.

use std::fmt;
use std::path::PathBuf;

use super::show::escaped;

/// One problem in a scenario: where it is and what is wrong.
///
/// Displays as `origin:line:col: key_path: message`, with `--set KEY=VALUE: ` after the
/// position when an override is involved, and without `line:col` when the problem cannot
/// be pinned to a place in the file (for example a value that only an override set).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file as given (e.g. `scenarios/baseline.toml`).
    pub origin: String,
    /// 1-based line in the file, when the problem can be located there.
    pub line: Option<usize>,
    /// 1-based column (in characters), when the problem can be located in the file.
    pub column: Option<usize>,
    /// Where in the scenario, e.g. `teams[core].shift_hours` (array entries by name);
    /// empty for problems with the whole file, such as TOML syntax errors.
    pub key_path: String,
    /// What is wrong, e.g. `shift_hours must divide 168 (24·7); got 13`.
    pub message: String,
    /// The `KEY=VALUE` text of the `--set` override (or sweep point) that set the
    /// offending value or took part in the problem, if any.
    pub set_by: Option<String>,
    /// The option that gave [`Problem::set_by`]: `--set`, or `--vary` for a point of a
    /// sweep axis given on the command line.
    pub set_with: &'static str,
}

impl fmt::Display for Problem {
    /// One line: every control or invisible character of the text is shown escaped
    /// (`\u{1b}`), so a problem can never break the line or drive the terminal.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", escaped(&self.origin))?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        if let Some(set) = &self.set_by {
            write!(f, ": {} {}", self.set_with, escaped(set))?;
        }
        if !self.key_path.is_empty() {
            write!(f, ": {}", escaped(&self.key_path))?;
        }
        write!(f, ": {}", escaped(&self.message))
    }
}

/// Why a scenario could not be turned into a [`crate::scenario::ScenarioConfig`].
#[derive(Debug)]
pub enum ScenarioError {
    /// The scenario file could not be read (usage error, exit code 2).
    Io {
        /// The path as given.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A `--set` argument is not of the form `KEY=VALUE` (usage error, exit code 2).
    BadOverride {
        /// The argument as given.
        text: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The scenario (after overrides) has problems; all of them are listed, in file order
    /// (exit code 1).
    Invalid(Vec<Problem>),
}

impl ScenarioError {
    /// The process exit code for this error: 2 for usage and I/O errors, 1 for invalid
    /// scenarios.
    pub fn exit_code(&self) -> i32 {
        match self {
            ScenarioError::Io { .. } | ScenarioError::BadOverride { .. } => 2,
            ScenarioError::Invalid(_) => 1,
        }
    }

    /// The problems of an invalid scenario (empty for the other kinds).
    pub fn problems(&self) -> &[Problem] {
        match self {
            ScenarioError::Invalid(problems) => problems,
            _ => &[],
        }
    }
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScenarioError::Io { path, source } => write!(
                f,
                "cannot read scenario {}: {source}",
                escaped(&path.display().to_string())
            ),
            ScenarioError::BadOverride { text, reason } => {
                write!(f, "bad --set {text:?}: {}", escaped(reason))
            }
            ScenarioError::Invalid(problems) => write_problems(f, problems),
        }
    }
}

/// Writes problems one per line (no trailing newline).
pub(crate) fn write_problems(f: &mut fmt::Formatter<'_>, problems: &[Problem]) -> fmt::Result {
    for (i, problem) in problems.iter().enumerate() {
        if i > 0 {
            writeln!(f)?;
        }
        write!(f, "{problem}")?;
    }
    Ok(())
}

impl std::error::Error for ScenarioError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ScenarioError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}
