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
        let mut out: Vec<String> = Vec::new();
        for row in 0..self.len() {
            let v = self.text(row, col);
            if !out.iter().any(|x| x == v) {
                out.push(v.to_string());
            }
        }
        out
    }

    /// One cell as a number: empty cells and `NaN` read as NaN; anything else that is not
    /// a number is an error naming the file, line and column.
    pub fn number(&self, row: usize, col: usize) -> Result<f64, ChartError> {
        let text = self.text(row, col);
        if text.is_empty() {
            return Ok(f64::NAN);
        }
        text.parse::<f64>().map_err(|_| {
            self.error(format!(
                "line {}, column `{}`: expected a number, got `{text}`",
                self.line(row),
                self.headers.get(col).map(String::as_str).unwrap_or("?"),
            ))
        })
    }

    /// One cell as a number, or NaN when the column is absent.
    pub fn number_or_nan(&self, row: usize, col: Option<usize>) -> Result<f64, ChartError> {
        col.map_or(Ok(f64::NAN), |c| self.number(row, c))
    }

    /// One cell as a boolean (`true`/`false`, `1`/`0`; empty is false).
    pub fn flag(&self, row: usize, col: usize) -> Result<bool, ChartError> {
        match self.text(row, col).to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" => Ok(true),
            "false" | "0" | "no" | "" => Ok(false),
            other => Err(self.error(format!(
                "line {}, column `{}`: expected true or false, got `{other}`",
                self.line(row),
                self.headers.get(col).map(String::as_str).unwrap_or("?"),
            ))),
        }
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
