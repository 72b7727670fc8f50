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
//! let page = sresim::report::html::write_report(std::path::Path::new("output/baseline"), &[])?;
//! println!("open {}", page.display());
//! # Ok(())
//! # }
//! ```

mod page;
mod read;

use std::path::{Path, PathBuf};

pub use page::{escape, PageAnswer, Section};

use super::charts::ChartError;

pub use super::files::INDEX_HTML;

/// Builds the page of one output folder and writes it as `DIR/index.html` (atomically),
/// its charts drawn from its CSV files; `notices` are shown first among its warnings.
/// Returns the page's path.
pub fn write_report(dir: &Path, notices: &[String]) -> Result<PathBuf, ChartError> {
    let mut section = with_charts(dir, "report", "")?;
    section.warnings.splice(0..0, notices.iter().cloned());
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

/// One answer of the workshop page: its question, the section (part folder) it links
/// to, and either its text or, when `None`, the section's first reading.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkshopAnswer {
    /// The question, short.
    pub question: String,
    /// The part folder whose section it links to.
    pub folder: String,
    /// The answer; `None` takes the section's first reading.
    pub text: Option<String>,
    /// The command that reproduces it, if any.
    pub command: Option<String>,
}

/// Builds one page over the output folders `parts` inside `root` and writes it as
/// `root/index.html`. Returns the page's path and each part's warnings (as the page
/// shows them), in the order of `parts`.
pub fn write_workshop(
    root: &Path,
    title: &str,
    subtitle: &str,
    parts: &[Part],
    answers: &[WorkshopAnswer],
) -> Result<(PathBuf, Vec<Vec<String>>), ChartError> {
    let mut sections = Vec::with_capacity(parts.len());
    for p in parts {
        let dir = root.join(&p.folder);
        let mut s = with_charts(&dir, &anchor(&p.folder), &format!("{}/", p.folder))?;
        s.title = p.title.clone();
        sections.push(s);
    }
    // Answers read from a section take its first reading.
    let page_answers: Vec<PageAnswer> = answers
        .iter()
        .filter_map(|a| {
            let link = anchor(&a.folder);
            let text = match &a.text {
                Some(t) => t.clone(),
                None => parts
                    .iter()
                    .zip(&sections)
                    .find(|(p, _)| p.folder == a.folder)
                    .and_then(|(_, s)| s.readings.first().cloned())?,
            };
            Some(PageAnswer {
                question: a.question.clone(),
                text,
                link,
                command: a.command.clone(),
            })
        })
        .collect();
    let html = page::render_with_answers(title, subtitle, &page_answers, &sections);
    let page = root.join(INDEX_HTML);
    crate::report::write_atomic(&page, html.as_bytes()).map_err(|e| match e {
        crate::report::ReportError::Io { path, source } => ChartError::Io { path, source },
        crate::report::ReportError::Encode { path, message } => ChartError::Draw { path, message },
    })?;
    Ok((page, sections.into_iter().map(|s| s.warnings).collect()))
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

/// The section of `dir`, its files checked first and its charts drawn from them.
fn with_charts(dir: &Path, id: &str, link_prefix: &str) -> Result<Section, ChartError> {
    read::section(dir, id, link_prefix)
}

/// An anchor id: letters, digits and `-`, others replaced by `-`.
fn anchor(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}
