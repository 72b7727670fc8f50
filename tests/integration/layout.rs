//! The model folder's shape: its files import each other without a circle, only the
//! loop's file (`run.rs`) has `impl Model` blocks, and no pager-holder reason is matched
//! by the words `engagements.csv` writes.

use std::collections::BTreeMap;
use std::path::Path;

use sresim::model::HolderReason;

use crate::support::root;

/// The source of each `src/model/*.rs` file up to its tests, by module name.
fn model_files() -> BTreeMap<String, String> {
    let dir = root().join("src/model");
    let mut files = BTreeMap::new();
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.expect("a directory entry").path();
        if path.extension().is_some_and(|x| x == "rs") {
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let code = match text.find("#[cfg(test)]") {
                Some(i) => text[..i].to_owned(),
                None => text,
            };
            files.insert(stem(&path), code);
        }
    }
    files
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .and_then(|s| s.to_str())
        .expect("a UTF-8 file name")
        .to_owned()
}

/// The sibling modules `code` imports through `use super::…` or `crate::model::…`.
fn imports(code: &str, modules: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    for prefix in ["super::", "crate::model::"] {
        for (i, _) in code.match_indices(prefix) {
            let rest = &code[i + prefix.len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            // `super::{a, b}` groups are not used in this folder; a name that is not a
            // module (an item re-exported by mod.rs) goes through mod.rs.
            let target = if modules.contains(&name.as_str()) {
                name
            } else {
                "mod".to_owned()
            };
            if !out.contains(&target) {
                out.push(target);
            }
        }
    }
    out
}

/// A circle in `graph`, as the modules along it, if there is one.
fn find_cycle(graph: &BTreeMap<String, Vec<String>>) -> Option<Vec<String>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Open,
        Done,
    }
    fn visit(
        n: &str,
        graph: &BTreeMap<String, Vec<String>>,
        marks: &mut BTreeMap<String, Mark>,
        path: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        marks.insert(n.to_owned(), Mark::Open);
        path.push(n.to_owned());
        for m in graph.get(n).into_iter().flatten() {
            match marks.get(m.as_str()).copied().unwrap_or(Mark::New) {
                Mark::Open => {
                    let from = path.iter().position(|p| p == m).unwrap_or(0);
                    let mut cycle = path[from..].to_vec();
                    cycle.push(m.clone());
                    return Some(cycle);
                }
                Mark::New => {
                    if let Some(c) = visit(m, graph, marks, path) {
                        return Some(c);
                    }
                }
                Mark::Done => {}
            }
        }
        path.pop();
        marks.insert(n.to_owned(), Mark::Done);
        None
    }
    let mut marks = BTreeMap::new();
    for n in graph.keys() {
        if marks.get(n.as_str()).copied().unwrap_or(Mark::New) == Mark::New {
            if let Some(c) = visit(n, graph, &mut marks, &mut Vec::new()) {
                return Some(c);
            }
        }
    }
    None
}

/// The import graph of the model folder; `mod.rs` only declares and re-exports, so it
/// is a leaf (every module may use what it re-exports).
fn graph() -> BTreeMap<String, Vec<String>> {
    let files = model_files();
    let modules: Vec<&str> = files.keys().map(String::as_str).collect();
    files
        .iter()
        .filter(|(name, _)| name.as_str() != "mod")
        .map(|(name, code)| {
            let deps = imports(code, &modules)
                .into_iter()
                .filter(|d| d != name && d != "mod")
                .collect();
            (name.clone(), deps)
        })
        .collect()
}

#[test]
fn the_model_folder_has_no_import_circle() {
    if let Some(cycle) = find_cycle(&graph()) {
        panic!("src/model imports in a circle: {}", cycle.join(" -> "));
    }
}

#[test]
fn the_cycle_finder_finds_a_circle() {
    let g: BTreeMap<String, Vec<String>> = [
        ("a", vec!["b"]),
        ("b", vec!["c"]),
        ("c", vec!["a"]),
        ("d", vec!["a"]),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.into_iter().map(str::to_owned).collect()))
    .collect();
    let cycle = find_cycle(&g).expect("a circle");
    assert_eq!(cycle.first(), cycle.last());
    assert_eq!(cycle.len(), 4, "{cycle:?}");
}

#[test]
fn only_the_loop_file_has_impl_model_blocks() {
    let outside: Vec<String> = model_files()
        .into_iter()
        .filter(|(name, code)| {
            name != "run" && (code.contains("impl Model") || code.contains("impl<'a> Model"))
        })
        .map(|(name, _)| format!("src/model/{name}.rs"))
        .collect();
    assert!(outside.is_empty(), "impl Model outside run.rs: {outside:?}");
}

#[test]
fn no_holder_reason_is_matched_by_string() {
    // Every place that reads or decides a reason goes through `HolderReason`; its words
    // appear only in `decision.rs`, which writes them.
    let words: Vec<String> = HolderReason::ALL
        .iter()
        .filter(|r| r.as_str().contains('_') || r.as_str().ends_with("back"))
        .map(|r| format!("\"{}\"", r.as_str()))
        .chain(["\"handover\"", "\"overload\"", "\"onboarded\""].map(str::to_owned))
        .collect();
    let mut found = Vec::new();
    for dir in ["src/model", "src/report", "src/jobs"] {
        for path in rust_files(&root().join(dir)) {
            if path.ends_with("model/decision.rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            for w in &words {
                if text.contains(w.as_str()) {
                    found.push(format!("{} has {w}", path.display()));
                }
            }
        }
    }
    assert!(found.is_empty(), "{found:#?}");
}

/// Every `.rs` file under `dir`.
fn rust_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap_or_else(|e| panic!("{}: {e}", d.display())) {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|x| x == "rs") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}
