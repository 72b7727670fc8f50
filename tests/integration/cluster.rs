//! The cluster recipe (docs/cluster.md): the Slurm batch files it shows are the files in
//! `scripts/slurm/` that `scripts/slurm-check.sh` submits to a real Slurm (in CI), they
//! name a bundled scenario, and run by hand with the variables Slurm sets they merge into
//! the files of one sweep. Nothing here needs Slurm.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::*;

/// The cluster recipe the README points to (`docs/cluster.md`).
fn cluster_section() -> String {
    read(&root().join("docs/cluster.md"))
}

/// Every `<!-- file: PATH -->` marker of `text` with the code block right after it.
fn shown_files(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for part in text.split("<!-- file: ").skip(1) {
        let (path, rest) = part.split_once(" -->").expect("a closed marker");
        let block = rest
            .trim_start()
            .strip_prefix("```sh\n")
            .unwrap_or_else(|| panic!("a ```sh block right after the marker of {path}"));
        let end = block
            .find("\n```")
            .unwrap_or_else(|| panic!("the block of {path} is closed"));
        out.push((path.to_string(), block[..=end].to_string()));
    }
    out
}

/// The files of `scripts/slurm/`, as paths from the repository root, sorted.
fn slurm_files() -> Vec<String> {
    let dir = root().join("scripts/slurm");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| {
            let name = e.expect("directory entry").file_name();
            format!("scripts/slurm/{}", name.to_string_lossy())
        })
        .collect();
    files.sort();
    files
}

#[test]
fn readme_shows_each_slurm_batch_file_verbatim() {
    let shown = shown_files(&cluster_section());
    let mut paths: Vec<String> = shown.iter().map(|(p, _)| p.clone()).collect();
    paths.sort();
    assert_eq!(
        paths,
        slurm_files(),
        "docs/cluster.md shows each file of scripts/slurm/ once"
    );
    for (path, block) in &shown {
        assert_eq!(
            block,
            &read(&root().join(path)),
            "the block in docs/cluster.md for {path} differs from the file; paste the file"
        );
    }
}

#[test]
fn slurm_check_submits_the_files_the_readme_shows() {
    let check = read(&root().join("scripts/slurm-check.sh"));
    for path in slurm_files() {
        assert!(
            check.contains(&format!("\"$repo/{path}\"")),
            "scripts/slurm-check.sh does not copy {path} into its jobs' folder"
        );
    }
    assert!(
        check.contains("sh submit.sh --array=1-$shards"),
        "scripts/slurm-check.sh submits through submit.sh"
    );
}

/// Regression: the recipe swept `scenarios/big.toml`, which is not bundled.
#[test]
fn cluster_recipes_sweep_a_bundled_scenario() {
    let section = cluster_section();
    let mut named = Vec::new();
    for (i, _) in section.match_indices("scenarios/") {
        let rest = &section[i..];
        let end = rest.find(".toml").map(|e| e + ".toml".len());
        if let Some(end) = end.filter(|&e| !rest[..e].contains(char::is_whitespace)) {
            named.push(rest[..end].to_string());
        }
    }
    let slurm = read(&root().join("scripts/slurm/sweep.sh"));
    assert!(
        named.iter().any(|n| slurm.contains(n.as_str())),
        "the Slurm recipe names a scenario: {named:?}"
    );
    assert!(
        named.len() >= 2,
        "the Slurm and Kubernetes recipes each name a scenario: {named:?}"
    );
    for n in &named {
        assert!(
            root().join(n).is_file(),
            "the cluster recipe sweeps {n}, which is not a bundled scenario"
        );
    }
    named.sort();
    named.dedup();
    assert_eq!(
        named.len(),
        1,
        "both recipes sweep the same scenario: {named:?}"
    );
}

/// Every CSV file under `dir`, by path relative to it, with its bytes.
fn csv_files(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for e in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = e.expect("directory entry").path();
            if path.is_dir() {
                walk(base, &path, out);
            } else if path.extension().is_some_and(|x| x == "csv") {
                let bytes =
                    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                let rel = path.strip_prefix(base).expect("under base").to_path_buf();
                out.insert(rel, bytes);
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

#[test]
fn slurm_batch_files_run_by_hand_merge_into_one_sweep() {
    // The jobs' folder as the README's user has it: the batch files next to scenarios/.
    let jobs = temp_dir("slurm-by-hand");
    std::fs::create_dir(jobs.join("scenarios")).expect("scenarios folder");
    std::fs::copy(
        root().join("scenarios/capacity.toml"),
        jobs.join("scenarios/capacity.toml"),
    )
    .expect("scenario copied");
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_sresim"));
    let bin_dir = bin.parent().expect("the binary's folder");
    let path = match std::env::var_os("PATH") {
        Some(p) => {
            let mut dirs = vec![bin_dir.to_path_buf()];
            dirs.extend(std::env::split_paths(&p));
            std::env::join_paths(dirs).expect("PATH joins")
        }
        None => bin_dir.as_os_str().to_owned(),
    };
    let batch = |file: &str, env: &[(&str, String)]| {
        let o = Command::new("bash")
            .arg(root().join("scripts/slurm").join(file))
            .current_dir(&jobs)
            .env("PATH", &path)
            .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
            .output()
            .expect("bash runs");
        assert!(o.status.success(), "{file} {env:?}: {}", stderr(&o));
    };
    // The variables Slurm sets for each task of `sbatch --array=1-4` with SHARDS=4.
    for k in 1..=4 {
        batch(
            "sweep.sh",
            &[
                ("SHARDS", "4".to_string()),
                ("SLURM_ARRAY_TASK_ID", k.to_string()),
                ("SLURM_CPUS_PER_TASK", "1".to_string()),
            ],
        );
    }
    batch("merge.sh", &[]);

    let one = temp_dir("slurm-by-hand-one-sweep");
    let one_s = one.to_string_lossy().into_owned();
    let o = sresim(&[
        "sweep",
        "scenarios/capacity.toml",
        "--quiet",
        "--no-charts",
        "--out",
        &one_s,
    ]);
    assert!(o.status.success(), "{}", stderr(&o));

    let merged = csv_files(&jobs.join("output/capacity"));
    let expected = csv_files(&one);
    assert!(
        expected.contains_key(Path::new("runs.csv")),
        "one sweep writes runs.csv"
    );
    assert_eq!(
        merged.keys().collect::<Vec<_>>(),
        expected.keys().collect::<Vec<_>>(),
        "the merge writes the CSV files of one sweep"
    );
    for (f, bytes) in &expected {
        assert!(
            merged[f] == *bytes,
            "{} differs between the merge and one sweep",
            f.display()
        );
    }
    let _ = std::fs::remove_dir_all(&jobs);
    let _ = std::fs::remove_dir_all(&one);
}
