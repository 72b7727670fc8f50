//! The HTML report: one self-contained page (inline CSS and SVG, no network) that a
//! room reads together. For each output folder it shows the question the scenario
//! answers, a plain-language reading of the numbers, warnings where the SRE book's
//! rules break, tables of headline metrics with their CIs, the charts, the scenario's
//! assumptions with their sources, and links to the CSV files. Everything on the page
//! is computed from the folder's files alone, so `sresim report DIR` works on any run,
//! sweep or comparison folder, old or new.
//!
//! ```no_run
//! # fn main() -> Result<(), sresim::report::charts::ChartError> {
//! let page = sresim::report::html::write_report(std::path::Path::new("output/baseline"))?;
//! println!("open {}", page.display());
//! # Ok(())
//! # }
//! ```

mod page;
mod read;

use std::path::{Path, PathBuf};

pub use page::{escape, Section};

use super::charts::{self, ChartError};

/// The page's file name.
pub const INDEX_HTML: &str = "index.html";

/// Builds the page of one output folder and writes it as `DIR/index.html` (atomically);
/// draws the folder's charts first when it has none (a job run with `--no-charts`).
/// Returns the page's path.
pub fn write_report(dir: &Path) -> Result<PathBuf, ChartError> {
    ensure_charts(dir)?;
    let section = read::section(dir, "report", "")?;
    let title = format!("sresim: {}", section.title);
    let subtitle = format!(
        "{} of {}; every number below comes from the files in this folder",
        section.kind,
        dir.display()
    );
    write_page(dir, &title, &subtitle, &[section])
}

/// One part of a page of several folders: the folder (inside the page's folder) and
/// its heading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// The folder's name inside the page's folder (also the section's anchor).
    pub folder: String,
    /// The section's heading.
    pub title: String,
}

/// Builds one page over the output folders `parts` inside `root` and writes it as
/// `root/index.html`. Returns the page's path.
pub fn write_workshop(
    root: &Path,
    title: &str,
    subtitle: &str,
    parts: &[Part],
) -> Result<PathBuf, ChartError> {
    let mut sections = Vec::with_capacity(parts.len());
    for p in parts {
        let dir = root.join(&p.folder);
        ensure_charts(&dir)?;
        let mut s = read::section(&dir, &anchor(&p.folder), &format!("{}/", p.folder))?;
        s.title = p.title.clone();
        sections.push(s);
    }
    write_page(root, title, subtitle, &sections)
}

fn write_page(
    dir: &Path,
    title: &str,
    subtitle: &str,
    sections: &[Section],
) -> Result<PathBuf, ChartError> {
    let html = page::render(title, subtitle, sections);
    let path = dir.join(INDEX_HTML);
    crate::report::write_atomic(&path, html.as_bytes()).map_err(|e| match e {
        crate::report::ReportError::Io { path, source } => ChartError::Io { path, source },
        crate::report::ReportError::Encode { path, message } => ChartError::Draw { path, message },
    })?;
    Ok(path)
}

/// Draws the charts of `dir` when it has no SVG chart yet.
fn ensure_charts(dir: &Path) -> Result<(), ChartError> {
    let entries = std::fs::read_dir(dir).map_err(|source| ChartError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let has_svg = entries
        .filter_map(Result::ok)
        .any(|e| e.path().extension().is_some_and(|x| x == "svg"));
    if !has_svg {
        charts::plot_dir(dir)?;
    }
    Ok(())
}

/// An anchor id: letters, digits and `-`, others replaced by `-`.
fn anchor(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}
