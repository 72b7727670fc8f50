//! The layers import downwards only: `engine` knows nothing of the domain, `model` reads
//! no files and knows no command, `report` does not reach up into `jobs`, and no folder's
//! modules import each other in a circle. Read from the sources, comments aside.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::support::*;

/// Every `.rs` file under `dir`, sorted.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("a source folder").flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// A source file's code: comments and the unit tests (`#[cfg(test)]` onwards) dropped.
fn code(path: &Path) -> String {
    let text = read(path);
    let text = text.split("#[cfg(test)]").next().unwrap_or("");
    text.lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Whether `code` names the path `prefix` followed by `name` as a whole word.
fn names(code: &str, prefix: &str, name: &str) -> bool {
    let needle = format!("{prefix}{name}");
    code.match_indices(&needle).any(|(i, _)| {
        let after = code[i + needle.len()..].chars().next();
        !after.is_some_and(|c| c.is_alphanumeric() || c == '_')
    })
}

/// The modules directly inside `src/FOLDER` (files and subfolders), and which of them
/// each imports (`crate::FOLDER::m`, or `super::m` from a file directly inside).
fn module_graph(folder: &str) -> BTreeMap<String, BTreeSet<String>> {
    let dir = root().join("src").join(folder);
    let mut modules = BTreeSet::new();
    for e in std::fs::read_dir(&dir).expect("a source folder").flatten() {
        let p = e.path();
        let stem = p
            .file_stem()
            .expect("a name")
            .to_string_lossy()
            .into_owned();
        if stem != "mod" && (p.is_dir() || p.extension().is_some_and(|x| x == "rs")) {
            modules.insert(stem);
        }
    }
    let mut graph = BTreeMap::new();
    for m in &modules {
        let mut files = Vec::new();
        let file = dir.join(format!("{m}.rs"));
        if file.exists() {
            files.push((file, true));
        }
        if dir.join(m).is_dir() {
            files.extend(rust_files(&dir.join(m)).into_iter().map(|f| (f, false)));
        }
        let mut uses = BTreeSet::new();
        for (f, top) in files {
            let c = code(&f);
            for o in modules.iter().filter(|o| *o != m) {
                let crate_path = format!("crate::{folder}::");
                if names(&c, &crate_path, o) || (top && names(&c, "super::", o)) {
                    uses.insert(o.clone());
                }
            }
        }
        graph.insert(m.clone(), uses);
    }
    graph
}

/// The circles of a module graph (strongly connected parts of more than one module).
fn circles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    for start in graph.keys() {
        if seen.contains(start) {
            continue;
        }
        // Everything reachable from `start` that also reaches back to it.
        let reach = |from: &String| {
            let mut r = BTreeSet::new();
            let mut todo = vec![from.clone()];
            while let Some(n) = todo.pop() {
                for w in graph.get(&n).into_iter().flatten() {
                    if r.insert(w.clone()) {
                        todo.push(w.clone());
                    }
                }
            }
            r
        };
        let part: Vec<String> = reach(start)
            .into_iter()
            .filter(|w| w != start && reach(w).contains(start))
            .collect();
        if !part.is_empty() {
            let mut c = vec![start.clone()];
            c.extend(part);
            seen.extend(c.iter().cloned());
            out.push(c);
        }
    }
    out
}

#[test]
fn no_folder_imports_itself_in_a_circle() {
    for folder in ["engine", "model", "report", "sweep", "jobs"] {
        let graph = module_graph(folder);
        assert!(graph.len() > 1, "src/{folder} has its modules");
        assert!(
            circles(&graph).is_empty(),
            "src/{folder}: modules import each other in a circle: {:?}",
            circles(&graph)
        );
    }
}

#[test]
fn layers_import_downwards_only() {
    // What each layer must not name: the layers above it.
    let rules = [
        (
            "engine",
            &["model", "scenario", "sweep", "jobs", "report", "cli"][..],
        ),
        ("model", &["sweep", "jobs", "report", "cli"][..]),
        ("scenario", &["model", "sweep", "jobs", "report", "cli"][..]),
        ("sweep", &["jobs", "report", "cli"][..]),
        ("report", &["jobs", "cli"][..]),
        ("jobs", &["cli"][..]),
    ];
    let mut wrong = Vec::new();
    for (layer, above) in rules {
        for f in rust_files(&root().join("src").join(layer)) {
            let c = code(&f);
            for up in above {
                if names(&c, "crate::", up) {
                    wrong.push(format!("{} names crate::{up}", f.display()));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn a_circle_is_found_where_there_is_one() {
    let g: BTreeMap<String, BTreeSet<String>> = [
        ("a", vec!["b"]),
        ("b", vec!["c"]),
        ("c", vec!["a"]),
        ("d", vec!["a"]),
    ]
    .into_iter()
    .map(|(k, v)| (k.into(), v.into_iter().map(String::from).collect()))
    .collect();
    assert_eq!(circles(&g), vec![vec!["a", "b", "c"]]);
    assert!(names("use crate::report::x;", "crate::", "report"));
    assert!(!names("use crate::reports;", "crate::", "report"));
}
