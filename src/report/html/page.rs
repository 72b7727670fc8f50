//! The page itself: plain data ([`Section`], [`HtmlTable`], [`Figure`]) rendered as one
//! self-contained HTML document (inline CSS, inline SVG charts, a few lines of script
//! that check the page when it loads). Every string that may come from a user (names,
//! scenario text, values) goes through [`escape`].

use std::fmt::Write as _;

use crate::model::Metric;

/// `text` with the five characters that HTML gives meaning escaped.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// How a table cell reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// Plain.
    Plain,
    /// Past one of the book's limits.
    Over,
    /// A change worth marking (significant and at least the minimum effect).
    Marked,
}

/// One cell: its text and a smaller second line (a CI, a change).
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// The main text.
    pub text: String,
    /// Smaller text under it.
    pub note: Option<String>,
    /// How it reads.
    pub tone: Tone,
}

impl Cell {
    /// A plain cell.
    pub fn plain(text: impl Into<String>) -> Cell {
        Cell {
            text: text.into(),
            note: None,
            tone: Tone::Plain,
        }
    }
}

/// A table with a caption.
#[derive(Debug, Clone, PartialEq)]
pub struct HtmlTable {
    /// What the table shows.
    pub caption: String,
    /// Column headers.
    pub headers: Vec<String>,
    /// Rows of cells; the first cell of each row is its label.
    pub rows: Vec<Vec<Cell>>,
    /// A line under the table (how to read the marks).
    pub note: Option<String>,
}

/// A chart, inline.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    /// The chart's file stem (`pages_per_shift`).
    pub stem: String,
    /// Its SVG text, as drawn.
    pub svg: String,
    /// The readings of the numbers it shows.
    pub caption: Vec<String>,
}

/// One assumption of a scenario: a key, its value and the comment beside it (its
/// source, or "assumption").
#[derive(Debug, Clone, PartialEq)]
pub struct Assumption {
    /// The table it is in (`teams core`, `simulation`).
    pub table: String,
    /// The key.
    pub key: String,
    /// Its value as written.
    pub value: String,
    /// The comment beside it.
    pub note: String,
}

impl Section {
    /// Adds a reading about metric `m` (or about no one metric).
    pub fn read(&mut self, m: Option<Metric>, text: String) {
        self.readings.push(text);
        self.reading_metrics.push(m);
    }
}

/// Everything the page shows of one output folder.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Section {
    /// Anchor id (letters, digits and `-`).
    pub id: String,
    /// Heading.
    pub title: String,
    /// `run`, `sweep` or `compare`.
    pub kind: String,
    /// The question the scenario answers (from its opening comment).
    pub question: Option<String>,
    /// The command that produced it.
    pub command: Option<String>,
    /// Plain-language readings of the numbers.
    pub readings: Vec<String>,
    /// The metric each reading is about, where it is about one (for chart captions).
    pub reading_metrics: Vec<Option<Metric>>,
    /// Where the book's rules break, and anything the job stopped short of.
    pub warnings: Vec<String>,
    /// Tables of headline metrics.
    pub tables: Vec<HtmlTable>,
    /// The charts shown first.
    pub featured: Vec<Figure>,
    /// The other charts, folded away.
    pub more: Vec<Figure>,
    /// The scenario's sourced values.
    pub assumptions: Vec<Assumption>,
    /// The scenario's opening comment (its sources legend).
    pub sources: Option<String>,
    /// The scenario file, and where it came from.
    pub scenario: Option<(String, String)>,
    /// The data files, as links relative to the page.
    pub files: Vec<String>,
}

const STYLE: &str = r#"
:root { --ink:#141414; --muted:#5a5a5a; --line:#d9d9d9; --over:#b2182b; --mark:#0b5394; --bg:#fafafa; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; color: var(--ink); margin: 0; background: #fff; font-size: 18px; line-height: 1.45; }
header.top { background: #1f3b57; color: #fff; padding: 1.2rem 2rem; }
header.top h1 { margin: 0 0 .3rem 0; font-size: 1.8rem; }
header.top p { margin: .2rem 0; color: #dfe8f1; }
nav ul { list-style: none; padding: 0; margin: .6rem 0 0 0; display: flex; flex-wrap: wrap; gap: .4rem 1.2rem; }
nav a { color: #fff; font-weight: bold; }
main { max-width: 1500px; margin: 0 auto; padding: 0 2rem 3rem 2rem; }
section.job { border-bottom: 3px solid var(--line); padding: 1.5rem 0 2rem 0; }
h2 { font-size: 1.6rem; margin: .5rem 0; }
h3 { font-size: 1.2rem; margin: 1.4rem 0 .5rem 0; }
.kind { font-size: .9rem; color: var(--muted); font-weight: normal; margin-left: .6rem; }
.question { font-size: 1.25rem; font-style: italic; margin: .3rem 0 1rem 0; }
.command code { background: var(--bg); padding: .1rem .3rem; }
.answer { background: #eef4fa; border-left: 6px solid var(--mark); padding: .6rem 1.2rem; }
.answer li { margin: .35rem 0; }
.warnings { background: #fdf0f0; border-left: 6px solid var(--over); padding: .6rem 1.2rem; margin-top: 1rem; }
.warnings li { margin: .3rem 0; }
table { border-collapse: collapse; margin: .4rem 0 .4rem 0; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: bold; padding: .3rem 0; }
th, td { border-bottom: 1px solid var(--line); padding: .3rem .7rem; text-align: right; vertical-align: top; }
th:first-child, td:first-child { text-align: left; }
th { background: var(--bg); }
td small { display: block; color: var(--muted); font-size: .78rem; }
td.over { color: var(--over); font-weight: bold; }
td.marked { color: var(--mark); font-weight: bold; }
p.note { color: var(--muted); font-size: .9rem; margin: .2rem 0 1rem 0; }
.scroll { overflow-x: auto; }
figure { margin: 1rem 0; }
figcaption { font-size: 1rem; margin: .3rem 0 0 0; max-width: 1300px; }
figcaption p { margin: .2rem 0; }
figure svg { width: 100%; height: auto; max-width: 1300px; border: 1px solid var(--line); }
details { margin: 1rem 0; }
summary { cursor: pointer; font-weight: bold; font-size: 1.05rem; }
pre { background: var(--bg); padding: 1rem; overflow-x: auto; font-size: .85rem; }
.files a { margin-right: .8rem; }
footer { color: var(--muted); font-size: .85rem; padding: 1rem 2rem; }
"#;

/// A check run by the browser when the page loads: counts the charts and tables and
/// records script errors in `#selfcheck`, for the browser test and for anyone who
/// opens the page with developer tools.
const SELF_CHECK: &str = r#"
(function () {
  var errors = [];
  window.addEventListener('error', function (e) { errors.push(String(e.message)); });
  window.addEventListener('load', function () {
    var box = document.getElementById('selfcheck');
    var charts = document.querySelectorAll('figure.chart svg').length;
    var tables = document.querySelectorAll('table.metrics').length;
    var sections = document.querySelectorAll('section.job').length;
    var empty = 0;
    document.querySelectorAll('figure.chart svg').forEach(function (s) {
      var r = s.getBoundingClientRect();
      if (s.closest('details') === null && (r.width < 100 || r.height < 50)) { empty += 1; }
    });
    box.setAttribute('data-charts', String(charts));
    box.setAttribute('data-tables', String(tables));
    box.setAttribute('data-sections', String(sections));
    box.setAttribute('data-collapsed-or-empty', String(empty));
    box.setAttribute('data-errors', String(errors.length));
    box.setAttribute('data-ready', 'yes');
  });
})();
"#;

/// One answer at the top of the workshop page: the question, the answer in a sentence
/// or two with its numbers and how sure it is, the section it comes from, and the
/// command that reproduces it.
#[derive(Debug, Clone, PartialEq)]
pub struct PageAnswer {
    /// The question, short.
    pub question: String,
    /// The answer.
    pub text: String,
    /// The anchor of the section it links to.
    pub link: String,
    /// The command that gives the same answer on its own, if any.
    pub command: Option<String>,
}

/// The "Answers" block: each question with its answer and a link to its section.
fn answers(h: &mut String, answers: &[PageAnswer]) {
    if answers.is_empty() {
        return;
    }
    h.push_str(
        "<section class=\"answers\" id=\"answers\">\n<h2>Answers</h2>\n<ol class=\"answers\">\n",
    );
    for a in answers {
        let _ = write!(
            h,
            "<li><strong>{}</strong> {} <a href=\"#{}\">(section)</a>",
            escape(&a.question),
            escape(&a.text),
            escape(&a.link)
        );
        if let Some(c) = &a.command {
            let _ = write!(h, "<br><code>{}</code>", escape(c));
        }
        h.push_str("</li>\n");
    }
    h.push_str("</ol>\n</section>\n");
}

/// The whole page: a title, a line under it, and the sections in order.
pub fn render(title: &str, subtitle: &str, sections: &[Section]) -> String {
    render_with_answers(title, subtitle, &[], sections)
}

/// [`render`] with an "Answers" block before the sections.
pub fn render_with_answers(
    title: &str,
    subtitle: &str,
    page_answers: &[PageAnswer],
    sections: &[Section],
) -> String {
    let mut h = String::with_capacity(1 << 20);
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n<script>{SELF_CHECK}</script>\n</head>\n<body>\n",
        escape(title)
    );
    let _ = write!(
        h,
        "<header class=\"top\">\n<h1>{}</h1>\n<p>{}</p>\n",
        escape(title),
        escape(subtitle)
    );
    if sections.len() > 1 {
        h.push_str("<nav><ul>\n");
        if !page_answers.is_empty() {
            h.push_str("<li><a href=\"#answers\">Answers</a></li>\n");
        }
        for s in sections {
            let _ = writeln!(
                h,
                "<li><a href=\"#{}\">{}</a></li>",
                escape(&s.id),
                escape(&s.title)
            );
        }
        h.push_str("</ul></nav>\n");
    }
    h.push_str("</header>\n<main>\n");
    answers(&mut h, page_answers);
    for s in sections {
        section(&mut h, s);
    }
    let _ = write!(
        h,
        "</main>\n<footer>sresim {}: every figure on this page is computed from the CSV files \
         linked in its section; charts are the SVG files beside them. \
         <span id=\"selfcheck\" data-ready=\"no\"></span></footer>\n</body>\n</html>\n",
        env!("CARGO_PKG_VERSION")
    );
    h
}

fn section(h: &mut String, s: &Section) {
    let _ = write!(
        h,
        "<section class=\"job\" id=\"{}\" data-kind=\"{}\">\n<h2>{}<span class=\"kind\">{}</span></h2>\n",
        escape(&s.id),
        escape(&s.kind),
        escape(&s.title),
        escape(&s.kind)
    );
    if let Some(q) = &s.question {
        let _ = writeln!(h, "<p class=\"question\">{}</p>", escape(q));
    }
    if let Some(c) = &s.command {
        let _ = writeln!(
            h,
            "<p class=\"command\">Made by <code>{}</code></p>",
            escape(c)
        );
    }
    if !s.readings.is_empty() {
        h.push_str("<div class=\"answer\"><h3>What the numbers say</h3><ul>\n");
        for r in &s.readings {
            let _ = writeln!(h, "<li>{}</li>", escape(r));
        }
        h.push_str("</ul></div>\n");
    }
    if !s.warnings.is_empty() {
        h.push_str("<div class=\"warnings\"><h3>Warnings</h3><ul>\n");
        for w in &s.warnings {
            let _ = writeln!(h, "<li>{}</li>", escape(w));
        }
        h.push_str("</ul></div>\n");
    }
    for t in &s.tables {
        table(h, t);
    }
    if !s.featured.is_empty() {
        h.push_str("<h3>Charts</h3>\n");
        for f in &s.featured {
            figure(h, f);
        }
    }
    if !s.more.is_empty() {
        let _ = writeln!(
            h,
            "<details><summary>{} more charts</summary>",
            s.more.len()
        );
        for f in &s.more {
            figure(h, f);
        }
        h.push_str("</details>\n");
    }
    if !s.assumptions.is_empty() || s.sources.is_some() {
        h.push_str("<details><summary>Assumptions and their sources</summary>\n");
        if let Some(src) = &s.sources {
            let _ = writeln!(h, "<pre>{}</pre>", escape(src));
        }
        if !s.assumptions.is_empty() {
            h.push_str(
                "<div class=\"scroll\"><table class=\"assumptions\"><thead><tr><th>table</th><th>key</th><th>value</th><th>source or assumption</th></tr></thead><tbody>\n",
            );
            for a in &s.assumptions {
                let _ = writeln!(
                    h,
                    "<tr><td>{}</td><td>{}</td><td>{}</td><td style=\"text-align:left\">{}</td></tr>",
                    escape(&a.table),
                    escape(&a.key),
                    escape(&a.value),
                    escape(&a.note)
                );
            }
            h.push_str("</tbody></table></div>\n");
        }
        h.push_str("</details>\n");
    }
    if let Some((origin, text)) = &s.scenario {
        let _ = writeln!(
            h,
            "<details><summary>The scenario file ({})</summary><pre>{}</pre></details>",
            escape(origin),
            escape(text)
        );
    }
    if !s.files.is_empty() {
        h.push_str("<p class=\"files\">Data: ");
        for f in &s.files {
            let name = f.rsplit('/').next().unwrap_or(f);
            let _ = write!(h, "<a href=\"{}\">{}</a> ", escape(f), escape(name));
        }
        h.push_str("</p>\n");
    }
    h.push_str("</section>\n");
}

fn table(h: &mut String, t: &HtmlTable) {
    let _ = write!(
        h,
        "<div class=\"scroll\"><table class=\"metrics\">\n<caption>{}</caption>\n<thead><tr>",
        escape(&t.caption)
    );
    for c in &t.headers {
        let _ = write!(h, "<th>{}</th>", escape(c));
    }
    h.push_str("</tr></thead>\n<tbody>\n");
    for row in &t.rows {
        h.push_str("<tr>");
        for c in row {
            let class = match c.tone {
                Tone::Plain => "",
                Tone::Over => " class=\"over\"",
                Tone::Marked => " class=\"marked\"",
            };
            let _ = write!(h, "<td{class}>{}", escape(&c.text));
            if let Some(n) = &c.note {
                let _ = write!(h, "<small>{}</small>", escape(n));
            }
            h.push_str("</td>");
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</tbody></table></div>\n");
    if let Some(n) = &t.note {
        let _ = writeln!(h, "<p class=\"note\">{}</p>", escape(n));
    }
}

fn figure(h: &mut String, f: &Figure) {
    let _ = write!(
        h,
        "<figure class=\"chart\" data-chart=\"{}\">\n{}\n",
        escape(&f.stem),
        strip_xml_prolog(&f.svg)
    );
    if !f.caption.is_empty() {
        h.push_str("<figcaption>");
        for c in &f.caption {
            let _ = write!(h, "<p>{}</p>", escape(c));
        }
        h.push_str("</figcaption>\n");
    }
    h.push_str("</figure>\n");
}

/// The SVG element alone (an XML declaration cannot appear inside HTML).
fn strip_xml_prolog(svg: &str) -> &str {
    match svg.find("<svg") {
        Some(i) => &svg[i..],
        None => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_every_special_character() {
        assert_eq!(
            escape("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }

    #[test]
    fn user_text_never_reaches_the_page_raw() {
        let evil = "<script>alert(1)</script>";
        let s = Section {
            id: "x".into(),
            title: evil.into(),
            kind: "run".into(),
            question: Some(evil.into()),
            readings: vec![evil.into()],
            warnings: vec![evil.into()],
            tables: vec![HtmlTable {
                caption: evil.into(),
                headers: vec![evil.into()],
                rows: vec![vec![Cell::plain(evil)]],
                note: Some(evil.into()),
            }],
            scenario: Some((evil.into(), evil.into())),
            files: vec![evil.into()],
            ..Section::default()
        };
        let page = render(evil, evil, &[s.clone(), s]);
        assert!(!page.contains(evil), "raw user text on the page");
        assert_eq!(page.matches("<script>").count(), 1, "only the self-check");
    }

    #[test]
    fn an_svg_loses_its_xml_declaration() {
        assert_eq!(
            strip_xml_prolog("<?xml version=\"1.0\"?>\n<svg a=\"1\"></svg>"),
            "<svg a=\"1\"></svg>"
        );
        assert_eq!(strip_xml_prolog("not a chart"), "");
    }
}
