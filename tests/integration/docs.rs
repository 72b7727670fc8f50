//! The README is a front door over the reference in `docs/`: it stays short, links every
//! document, and every link in it and in the documents leads somewhere (a file that exists,
//! a heading that exists). The output reference names every column the files have, and no
//! tracked text file holds a panic's backtrace. These tests only read; regenerating a
//! document is an explicit command, never a test.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::support::*;

/// The documents a reader reaches from the README: the README, `docs/*.md` and the
/// scenario index.
fn documents() -> Vec<PathBuf> {
    let root = root();
    let mut files = vec![root.join("README.md"), root.join("scenarios/README.md")];
    let mut docs: Vec<PathBuf> = std::fs::read_dir(root.join("docs"))
        .expect("a docs folder")
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    docs.sort();
    files.extend(docs);
    files
}

/// `text` with its fenced code blocks blanked (links and headings there are examples).
fn prose(text: &str) -> String {
    let mut fenced = false;
    let mut out = String::new();
    for line in text.lines() {
        if line.starts_with("```") {
            fenced = !fenced;
            out.push('\n');
            continue;
        }
        if !fenced {
            out.push_str(line);
        }
        out.push('\n');
    }
    out
}

/// The anchor a heading gets (GitHub's rule: lower case, punctuation dropped but `-` and
/// `_`, spaces to `-`).
fn slug(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | ' '))
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

/// The anchors of every heading of a Markdown file.
fn anchors(text: &str) -> BTreeSet<String> {
    prose(text)
        .lines()
        .filter(|l| l.starts_with('#'))
        .map(|l| slug(l.trim_start_matches('#')))
        .collect()
}

/// Every link target `](…)` of a Markdown file's prose.
fn links(text: &str) -> Vec<String> {
    prose(text)
        .split("](")
        .skip(1)
        .filter_map(|rest| rest.split_once(')').map(|(t, _)| t.to_string()))
        .collect()
}

#[test]
fn every_link_in_the_readme_and_docs_leads_somewhere() {
    let mut broken = Vec::new();
    let mut checked = 0;
    for file in documents() {
        let text = read(&file);
        let dir = file.parent().expect("a folder");
        for target in links(&text) {
            if target.starts_with("http://") || target.starts_with("https://") {
                continue;
            }
            let (path, anchor) = match target.split_once('#') {
                Some((p, a)) => (p, Some(a)),
                None => (target.as_str(), None),
            };
            let dest = if path.is_empty() {
                file.clone()
            } else {
                dir.join(path)
            };
            checked += 1;
            if !dest.exists() {
                broken.push(format!("{}: {target}: no such file", file.display()));
                continue;
            }
            if let Some(a) = anchor {
                if !anchors(&read(&dest)).contains(a) {
                    broken.push(format!("{}: {target}: no such heading", file.display()));
                }
            }
        }
    }
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
    assert!(checked > 50, "the documents have their links ({checked})");
}

#[test]
fn the_readme_links_every_document_and_fits_on_a_few_screens() {
    let readme = read(&root().join("README.md"));
    let linked: BTreeSet<String> = links(&readme)
        .into_iter()
        .map(|t| t.split('#').next().unwrap_or("").to_string())
        .collect();
    for doc in documents().iter().skip(2) {
        let rel = format!(
            "docs/{}",
            doc.file_name().expect("a name").to_string_lossy()
        );
        assert!(linked.contains(&rel), "the README does not link {rel}");
    }
    let lines = readme.lines().count();
    assert!(
        lines <= 200,
        "the README has {lines} lines: the reference belongs in docs/"
    );
    assert!(
        readme.starts_with("# sresim\n\n```sh\ncargo run --release"),
        "the README opens with its two set-up commands"
    );
}

/// Every file under `dir`, build outputs, run outputs and git's own files aside.
fn tracked_like(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let path = e.path();
        let name = e.file_name();
        if matches!(name.to_str(), Some("target" | ".git" | "output")) && dir == root() {
            continue;
        }
        match e.file_type() {
            Ok(t) if t.is_dir() => tracked_like(&path, out),
            Ok(t) if t.is_file() => out.push(path),
            _ => {}
        }
    }
}

#[test]
fn regression_no_text_file_holds_a_panic_backtrace() {
    // Spelt in two pieces so that this file does not hold them.
    let markers = [concat!("stack ", "backtrace:"), concat!("panicked", " at")];
    let mut files = Vec::new();
    tracked_like(&root(), &mut files);
    let mut found = Vec::new();
    for f in &files {
        let Ok(text) = std::fs::read_to_string(f) else {
            continue; // not text
        };
        for m in markers {
            if text.contains(m) {
                found.push(format!("{}: {m}", f.display()));
            }
        }
    }
    assert!(
        files.len() > 100,
        "the walk found the sources ({})",
        files.len()
    );
    assert!(
        found.is_empty(),
        "backtraces in text files:\n{}",
        found.join("\n")
    );
}

/// The paragraph (or table) of `docs/outputs.md` that documents `file`: from its bold
/// name to the next bold file name.
fn documented(outputs: &str, file: &str) -> String {
    let name = format!("**`{file}`**");
    let start = outputs
        .find(&name)
        .unwrap_or_else(|| panic!("docs/outputs.md documents {file}"));
    let rest = &outputs[start + name.len()..];
    let end = rest.find("\n**`").unwrap_or(rest.len());
    rest[..end].to_string()
}

/// The backticked words of `text`, and the columns `a` … `b` ranges stand for: `x_p` for
/// every backticked `p` when the range's ends share the prefix `x_`.
fn named(text: &str) -> BTreeSet<String> {
    let words: Vec<&str> = text.split('`').skip(1).step_by(2).collect();
    let mut names: BTreeSet<String> = words.iter().map(|w| w.to_string()).collect();
    let sep = "` … `";
    for (at, _) in text.match_indices(sep) {
        let before = text[..at].rsplit('`').next().unwrap_or("");
        let after = text[at + sep.len()..].split('`').next().unwrap_or("");
        let common = before
            .chars()
            .zip(after.chars())
            .take_while(|(a, b)| a == b)
            .count();
        let prefix = &before[..before[..common].rfind('_').map_or(0, |i| i + 1)];
        if !prefix.is_empty() {
            names.extend(words.iter().map(|w| format!("{prefix}{w}")));
        }
    }
    names
}

#[test]
fn docs_outputs_names_every_column_of_every_file() {
    let dir = temp_dir("docs-outputs");
    let out = dir.join("run");
    let o = sresim(&[
        "run",
        "scenarios/lifecycle.toml",
        "--out",
        out.to_str().expect("utf-8"),
        "--replications",
        "1",
        "--trace",
        "--no-charts",
        "--quiet",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let outputs = read(&root().join("docs/outputs.md"));
    let mut missing = Vec::new();
    let files = [
        "summary.csv",
        "teams.csv",
        "sites.csv",
        "services.csv",
        "weekly.csv",
        "reorgs.csv",
        "engagements.csv",
        "incidents.csv",
    ];
    for file in files {
        let names = named(&documented(&outputs, file));
        for column in header(&out.join(file)) {
            if !names.contains(&column) {
                missing.push(format!("{file}: {column}"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "columns docs/outputs.md does not name:\n{}",
        missing.join("\n")
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn ranges_of_columns_stand_for_each_named_part() {
    let n = named("`incidents_design` … `incidents_unsupported` (`design`, `abandoned`)");
    assert!(n.contains("incidents_abandoned"));
    assert!(n.contains("design"));
    assert!(!n.contains("incidents_x"));
}
