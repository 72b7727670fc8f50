//! A CSV file read whole, with columns looked up by header name so that files with
//! extra columns still plot.

use std::fs::File;
use std::path::{Path, PathBuf};

use csv::StringRecord;

use super::ChartError;

/// The rows of one CSV file, kept as text and parsed on demand.
#[derive(Debug)]
pub(crate) struct Table {
    path: PathBuf,
    headers: Vec<String>,
    rows: Vec<StringRecord>,
}

impl Table {
    /// Reads `path`; a file with a header but no rows is an error, since there is nothing
    /// to draw.
    pub fn read(path: &Path) -> Result<Table, ChartError> {
        let file = File::open(path).map_err(|source| ChartError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let mut reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .from_reader(file);
        let csv_err = |e: csv::Error| ChartError::Csv {
            path: path.to_path_buf(),
            message: e.to_string(),
        };
        let headers = reader
            .headers()
            .map_err(csv_err)?
            .iter()
            .map(str::to_string)
            .collect();
        let rows = reader
            .records()
            .collect::<Result<Vec<_>, _>>()
            .map_err(csv_err)?;
        let table = Table {
            path: path.to_path_buf(),
            headers,
            rows,
        };
        if table.rows.is_empty() {
            return Err(table.error("it has a header but no rows".into()));
        }
        Ok(table)
    }

    /// Column names, in file order.
    pub fn headers(&self) -> &[String] {
        &self.headers
    }

    /// Number of data rows.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// The index of the column named `name`, if there is one.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.headers.iter().position(|h| h == name)
    }

    /// The index of the column named `name`, or an error naming the file.
    pub fn require(&self, name: &str) -> Result<usize, ChartError> {
        self.column(name)
            .ok_or_else(|| self.error(format!("missing column `{name}`")))
    }

    /// The text of one cell (empty when the row is short).
    pub fn text(&self, row: usize, col: usize) -> &str {
        self.rows
            .get(row)
            .and_then(|r| r.get(col))
            .unwrap_or_default()
    }

    /// The distinct values of column `col`, in order of first appearance.
    pub fn distinct(&self, col: usize) -> Vec<String> {
        let mut seen = std::collections::HashSet::new();
        let mut out: Vec<String> = Vec::new();
        for row in 0..self.len() {
            let v = self.text(row, col);
            if seen.insert(v) {
                out.push(v.to_string());
            }
        }
        out
    }

    /// One cell as a number: empty cells and `NaN` read as NaN; anything else that is not
    /// a number is an error naming the file, line and column.
    pub fn number(&self, row: usize, col: usize) -> Result<f64, ChartError> {
        number(
            &self.path,
            &self.headers,
            self.line(row),
            self.text(row, col),
            col,
        )
    }

    /// One cell as a number, or NaN when the column is absent.
    pub fn number_or_nan(&self, row: usize, col: Option<usize>) -> Result<f64, ChartError> {
        col.map_or(Ok(f64::NAN), |c| self.number(row, c))
    }

    /// One cell as a boolean (`true`/`false`, `1`/`0`; empty is false).
    pub fn flag(&self, row: usize, col: usize) -> Result<bool, ChartError> {
        flag(
            &self.path,
            &self.headers,
            self.line(row),
            self.text(row, col),
            col,
        )
    }

    /// A CSV error naming this file.
    pub fn error(&self, message: String) -> ChartError {
        ChartError::Csv {
            path: self.path.clone(),
            message,
        }
    }

    /// The file line of data row `row` (the header is line 1).
    pub fn line(&self, row: usize) -> u64 {
        self.rows
            .get(row)
            .and_then(|r| r.position())
            .map_or(row as u64 + 2, |p| p.line())
    }
}

/// `text` (line `line`, column `col` of the file at `path`) as a number: empty and `NaN`
/// read as NaN; anything else that is not a number is an error naming the place.
fn number(
    path: &Path,
    headers: &[String],
    line: u64,
    text: &str,
    col: usize,
) -> Result<f64, ChartError> {
    if text.is_empty() {
        return Ok(f64::NAN);
    }
    text.parse::<f64>().map_err(|_| ChartError::Csv {
        path: path.to_path_buf(),
        message: format!(
            "line {line}, column `{}`: expected a number, got `{text}`",
            headers.get(col).map(String::as_str).unwrap_or("?"),
        ),
    })
}

/// `text` as a boolean (`true`/`false`, `1`/`0`, `yes`/`no`; empty is false).
fn flag(
    path: &Path,
    headers: &[String],
    line: u64,
    text: &str,
    col: usize,
) -> Result<bool, ChartError> {
    match text.to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" => Ok(true),
        "false" | "0" | "no" | "" => Ok(false),
        other => Err(ChartError::Csv {
            path: path.to_path_buf(),
            message: format!(
                "line {line}, column `{}`: expected true or false, got `{other}`",
                headers.get(col).map(String::as_str).unwrap_or("?"),
            ),
        }),
    }
}

/// A CSV file read one row at a time, for files that grow with the replications
/// (`weekly.csv`): a pass over it holds one row, never the file.
#[derive(Debug)]
pub(crate) struct Rows {
    path: PathBuf,
    headers: Vec<String>,
}

/// One row of a [`Rows`] pass.
#[derive(Debug)]
pub(crate) struct Row<'a> {
    rows: &'a Rows,
    record: &'a StringRecord,
}

impl Rows {
    /// Opens `path` and reads its header; a file with a header but no rows is an
    /// error, since there is nothing to draw.
    pub fn open(path: &Path) -> Result<Rows, ChartError> {
        let mut rows = Rows {
            path: path.to_path_buf(),
            headers: Vec::new(),
        };
        let mut any = false;
        rows.headers = rows.pass(|_| {
            any = true;
            Err(None)
        })?;
        if !any {
            return Err(ChartError::Csv {
                path: path.to_path_buf(),
                message: "it has a header but no rows".into(),
            });
        }
        Ok(rows)
    }

    /// The index of the column named `name`, if there is one.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.headers.iter().position(|h| h == name)
    }

    /// The index of the column named `name`, or an error naming the file.
    pub fn require(&self, name: &str) -> Result<usize, ChartError> {
        self.column(name).ok_or_else(|| ChartError::Csv {
            path: self.path.clone(),
            message: format!("missing column `{name}`"),
        })
    }

    /// Calls `f` with every row, in file order, and stops at its first error.
    pub fn each(
        &self,
        mut f: impl FnMut(&Row<'_>) -> Result<(), ChartError>,
    ) -> Result<(), ChartError> {
        self.pass(|row| f(row).map_err(Some)).map(|_| ())
    }

    /// One pass: `f` returns `Err(None)` to stop early without an error. Returns the
    /// header.
    fn pass(
        &self,
        mut f: impl FnMut(&Row<'_>) -> Result<(), Option<ChartError>>,
    ) -> Result<Vec<String>, ChartError> {
        let file = File::open(&self.path).map_err(|source| ChartError::Io {
            path: self.path.clone(),
            source,
        })?;
        let mut reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::Headers)
            .from_reader(std::io::BufReader::with_capacity(1 << 16, file));
        let csv_err = |e: csv::Error| ChartError::Csv {
            path: self.path.clone(),
            message: e.to_string(),
        };
        let headers: Vec<String> = reader
            .headers()
            .map_err(csv_err)?
            .iter()
            .map(str::to_string)
            .collect();
        let mut record = StringRecord::new();
        while reader.read_record(&mut record).map_err(csv_err)? {
            match f(&Row {
                rows: self,
                record: &record,
            }) {
                Ok(()) => {}
                Err(None) => break,
                Err(Some(e)) => return Err(e),
            }
        }
        Ok(headers)
    }
}

impl Row<'_> {
    /// The text of one cell (empty when the row is short).
    pub fn text(&self, col: usize) -> &str {
        self.record.get(col).unwrap_or_default()
    }

    /// The file line of this row.
    pub fn line(&self) -> u64 {
        self.record.position().map_or(0, |p| p.line())
    }

    /// One cell as a number (see [`Table::number`]).
    pub fn number(&self, col: usize) -> Result<f64, ChartError> {
        number(
            &self.rows.path,
            &self.rows.headers,
            self.line(),
            self.text(col),
            col,
        )
    }

    /// One cell as a boolean (see [`Table::flag`]).
    pub fn flag(&self, col: usize) -> Result<bool, ChartError> {
        flag(
            &self.rows.path,
            &self.rows.headers,
            self.line(),
            self.text(col),
            col,
        )
    }

    /// A CSV error naming the file.
    pub fn error(&self, message: String) -> ChartError {
        ChartError::Csv {
            path: self.rows.path.clone(),
            message,
        }
    }
}
