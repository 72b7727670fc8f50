//! Ownership of output folders: sresim replaces or deletes only what it wrote, its
//! locks hold through every alias of a folder, the workshop recovers from a kill, a
//! merge never writes over its own input, and inputs are read only up to their bound.
//! Each regression test is named after the failure it pins.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use sresim::jobs::{self, CommonSpec, ErrorKind, SweepHooks, SweepSpec};
use sresim::report::{Claim, OutputDir};

use crate::support::{read, root, sresim, stderr, temp_dir, SWEEP_FILES};

/// The real binary, run from `dir`.
fn sresim_in(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_sresim"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("binary runs")
}

fn mm1() -> String {
    root()
        .join("scenarios/validation/mm1.toml")
        .to_string_lossy()
        .into_owned()
}

/// Every entry of `dir`, sorted, with each file's bytes (folders as `NAME/`).
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).expect("read_dir") {
            let p = e.expect("entry").path();
            let rel = p.strip_prefix(dir).expect("inside").display().to_string();
            if p.is_dir() {
                out.push((format!("{rel}/"), Vec::new()));
                stack.push(p);
            } else {
                out.push((rel, fs::read(&p).expect("read")));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn regression_a_web_project_with_a_manifest_json_is_never_replaced() {
    // The reported case: a folder with another program's manifest.json, run into with
    // `--out .` from inside it.
    let p = temp_dir("own-webapp");
    fs::create_dir_all(p.join("src")).expect("src");
    fs::write(p.join("manifest.json"), r#"{"name":"app"}"#).expect("manifest");
    fs::write(p.join("src/app.js"), "x").expect("app.js");
    fs::create_dir_all(p.join(".git")).expect(".git");
    let before = snapshot(&p);
    let o = sresim_in(&p, &["run", &mm1(), "--out", ".", "--replications", "1"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(snapshot(&p), before, "nothing in the folder changed");
    // Named from outside, it is refused too, naming what it found.
    let p_s = p.to_string_lossy().into_owned();
    let o = sresim(&["run", &mm1(), "--out", &p_s, "--replications", "1"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("holds files sresim did not write (.git, src)"),
        "{}",
        stderr(&o)
    );
    assert_eq!(snapshot(&p), before);
    // Only another program's manifest.json: still not sresim's.
    let q = temp_dir("own-manifest-only");
    fs::write(q.join("manifest.json"), r#"{"name":"app"}"#).expect("manifest");
    let q_s = q.to_string_lossy().into_owned();
    let o = sresim(&["run", &mm1(), "--out", &q_s, "--replications", "1"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("holds a manifest.json that sresim did not write"),
        "{}",
        stderr(&o)
    );
    assert_eq!(read(&q.join("manifest.json")), r#"{"name":"app"}"#);
}

#[test]
fn regression_an_sresim_folder_holding_one_unknown_file_is_refused() {
    let dir = temp_dir("own-one-unknown");
    let out = dir.join("out");
    let out_s = out.to_string_lossy().into_owned();
    let args = ["run", &mm1(), "--out", &out_s, "--replications", "1"];
    assert!(sresim(&args).status.success());
    fs::write(out.join("notes.txt"), "mine").expect("notes");
    let o = sresim(&args);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("holds files sresim did not write (notes.txt)"),
        "{}",
        stderr(&o)
    );
    assert_eq!(read(&out.join("notes.txt")), "mine");
    // A folder inside is someone else's as well.
    fs::remove_file(out.join("notes.txt")).expect("rm");
    fs::create_dir(out.join("keep")).expect("keep");
    let o = sresim(&args);
    assert_eq!(o.status.code(), Some(2));
    assert!(out.join("keep").is_dir());
    fs::remove_dir(out.join("keep")).expect("rm");
    // Once it holds only what sresim wrote, it is replaced whole.
    assert!(sresim(&args).status.success(), "its own folder again");
}

#[test]
fn regression_out_dot_is_refused_even_for_an_sresim_folder() {
    let dir = temp_dir("own-dot");
    let out = dir.join("out");
    let out_s = out.to_string_lossy().into_owned();
    let run = ["run", &mm1(), "--out", &out_s, "--replications", "1"];
    assert!(sresim(&run).status.success());
    let before = snapshot(&out);
    for given in [".", "./", "../out"] {
        let o = sresim_in(
            &out,
            &["run", &mm1(), "--out", given, "--replications", "1"],
        );
        assert_eq!(o.status.code(), Some(2), "{given}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("is the current folder or holds it"),
            "{given}: {}",
            stderr(&o)
        );
    }
    // The parent of the current folder holds it: refused as well.
    let o = sresim_in(&out, &["run", &mm1(), "--out", "..", "--replications", "1"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(snapshot(&out), before);
}

#[test]
fn regression_a_lock_file_sresim_did_not_write_is_left_alone() {
    let dir = temp_dir("own-lockfile");
    fs::write(dir.join(".out.lock"), "my notes").expect("lock");
    let out = dir.join("out");
    let out_s = out.to_string_lossy().into_owned();
    let o = sresim(&["run", &mm1(), "--out", &out_s, "--replications", "1"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("holds something sresim did not write"),
        "{}",
        stderr(&o)
    );
    assert_eq!(read(&dir.join(".out.lock")), "my notes");
    assert!(!out.exists());
}

#[test]
fn regression_a_staging_name_holding_other_files_is_not_deleted() {
    let dir = temp_dir("own-staging");
    let fake = dir.join(".out.staging-123");
    fs::create_dir_all(&fake).expect("fake staging");
    fs::write(fake.join("thesis.tex"), "mine").expect("thesis");
    let out_s = dir.join("out").to_string_lossy().into_owned();
    let o = sresim(&["run", &mm1(), "--out", &out_s, "--replications", "1"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(read(&fake.join("thesis.tex")), "mine");
}

/// A small sweep into `out`.
fn sweep_spec(out: &Path) -> SweepSpec {
    SweepSpec {
        common: CommonSpec {
            scenario: Some(root().join("scenarios/capacity.toml")),
            out: Some(out.to_path_buf()),
            replications: Some(2),
            sets: vec![
                "simulation.horizon_weeks=3".into(),
                "simulation.warmup_weeks=0".into(),
            ],
            threads: 2,
            no_charts: true,
            ..CommonSpec::default()
        },
        ..SweepSpec::default()
    }
}

#[cfg(unix)]
#[test]
fn regression_a_claim_through_a_link_or_dots_shares_the_folders_lock() {
    let dir = temp_dir("own-alias");
    let real = dir.join("real");
    fs::create_dir_all(dir.join("sub")).expect("sub");
    std::os::unix::fs::symlink(&real, dir.join("link")).expect("symlink");
    let held = OutputDir::claim(&real, Claim::Sweep).expect("first claim");
    for alias in [
        dir.join("link"),
        dir.join("./real"),
        dir.join("sub/../real"),
        dir.join("sub/../link"),
    ] {
        let mut s = sweep_spec(&alias);
        s.resume = true;
        let e = jobs::sweep(&s, SweepHooks::default()).expect_err("refused");
        assert_eq!(e.kind(), ErrorKind::Usage, "{}", alias.display());
        assert!(
            e.to_string().contains("in use by another sresim command"),
            "{}: {e}",
            alias.display()
        );
    }
    assert!(!real.exists(), "no second writer wrote anything");
    drop(held);
    jobs::sweep(&sweep_spec(&dir.join("link")), SweepHooks::default()).expect("through the link");
    assert!(
        real.join("points.csv").is_file(),
        "written into the link's target"
    );
    assert!(
        fs::symlink_metadata(dir.join("link"))
            .expect("link")
            .file_type()
            .is_symlink(),
        "the link itself stays a link"
    );
}

#[cfg(unix)]
#[test]
fn regression_a_resume_through_a_link_never_touches_a_running_sweep() {
    // The reported race: a second process resuming through a symlink to a running
    // sweep's folder took a lock of its own and cut the first sweep's files back.
    let dir = temp_dir("own-link-race");
    let real = dir.join("real");
    std::os::unix::fs::symlink(&real, dir.join("link")).expect("symlink");
    let args = |out: &Path, resume: bool| {
        let mut a: Vec<String> = [
            "sweep",
            "scenarios/capacity.toml",
            "--replications",
            "3",
            "--set",
            "simulation.horizon_weeks=20",
            "--set",
            "simulation.warmup_weeks=0",
            "--vary",
            "services.svc.tickets_per_week=1..4",
            "--no-charts",
            "--quiet",
            "--threads",
            "1",
            "--out",
        ]
        .map(String::from)
        .to_vec();
        a.push(out.to_string_lossy().into_owned());
        if resume {
            a.push("--resume".into());
        }
        a
    };
    let first = Command::new(env!("CARGO_BIN_EXE_sresim"))
        .args(args(&real, false))
        .current_dir(root())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    // Wait until the first sweep holds the folder and has finished a point.
    let start = Instant::now();
    while !real.join(".partial/progress.log").exists() {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "the first sweep never started"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
    let second = Command::new(env!("CARGO_BIN_EXE_sresim"))
        .args(args(&dir.join("link"), true))
        .current_dir(root())
        .output()
        .expect("second");
    let first = first.wait_with_output().expect("first");
    assert!(first.status.success(), "{}", stderr(&first));
    if second.status.success() {
        // Only possible when the first had finished already: then the second
        // replaced the folder whole with the same sweep.
        assert!(!real.join(".partial").exists());
    } else {
        assert_eq!(second.status.code(), Some(2), "{}", stderr(&second));
        assert!(stderr(&second).contains("in use"), "{}", stderr(&second));
    }
    // The first sweep's files are whole: one header each, the same as a fresh sweep.
    let fresh = dir.join("fresh");
    let o = Command::new(env!("CARGO_BIN_EXE_sresim"))
        .args(args(&fresh, false))
        .current_dir(root())
        .output()
        .expect("fresh");
    assert!(o.status.success(), "{}", stderr(&o));
    for f in SWEEP_FILES {
        assert!(
            read(&fresh.join(f)) == read(&real.join(f)),
            "{f} differs from an undisturbed sweep"
        );
    }
}

#[test]
fn regression_merge_into_its_own_shard_is_refused() {
    let dir = temp_dir("own-merge-self");
    let shards: Vec<PathBuf> = (1..=3).map(|k| dir.join(format!("c{k}"))).collect();
    for (k, shard) in shards.iter().enumerate() {
        let mut s = sweep_spec(shard);
        s.shard = Some(format!("{}/3", k + 1));
        jobs::sweep(&s, SweepHooks::default()).expect("shard");
    }
    let before = snapshot(&shards[0]);
    for out in [
        shards[0].clone(),
        dir.clone(),
        shards[1].join("inside/deeper"),
    ] {
        let e = jobs::merge(&jobs::MergeSpec {
            shards: shards.clone(),
            out: out.clone(),
            no_charts: true,
            command_line: Vec::new(),
        })
        .expect_err("refused");
        assert!(
            e.to_string().contains("the shard"),
            "{}: {e}",
            out.display()
        );
    }
    assert_eq!(snapshot(&shards[0]), before, "shard 1 is intact");
    assert!(
        !shards[1].join("inside").exists(),
        "nothing created inside a shard"
    );
    jobs::merge(&jobs::MergeSpec {
        shards: shards.clone(),
        out: dir.join("all"),
        no_charts: true,
        command_line: Vec::new(),
    })
    .expect("a folder of its own");
}

#[cfg(unix)]
#[test]
fn regression_a_killed_workshop_is_finished_by_resume() {
    let dir = temp_dir("own-workshop-kill");
    let w = dir.join("w");
    let w_s = w.to_string_lossy().into_owned();
    let mut child = Command::new(env!("CARGO_BIN_EXE_sresim"))
        .args(["workshop", "--out", &w_s, "--threads", "1"])
        .current_dir(root())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let start = Instant::now();
    let journal = w.join("capacity/.partial/progress.log");
    while !journal.exists() {
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "the workshop never reached its first sweep"
        );
        assert!(
            child.try_wait().expect("wait").is_none(),
            "the workshop ended before it could be killed"
        );
        std::thread::sleep(Duration::from_millis(1));
    }
    child.kill().expect("kill");
    let _ = child.wait();
    let o = sresim(&["workshop", "--out", &w_s]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let want = format!("sresim workshop --out {w_s} --resume");
    assert!(stderr(&o).contains(&want), "{}", stderr(&o));
    let o = sresim(&["workshop", "--out", &w_s, "--resume"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(w.join("index.html").is_file());
    // The resumed workshop's files are those of one that was never interrupted.
    let fresh = dir.join("fresh");
    let o = sresim(&["workshop", "--out", &fresh.to_string_lossy()]);
    assert!(o.status.success(), "{}", stderr(&o));
    for part in [
        "baseline",
        "capacity",
        "structures",
        "disengagement",
        "lifecycle",
    ] {
        for f in fs::read_dir(fresh.join(part)).expect("part") {
            let name = f.expect("entry").file_name();
            if name.to_string_lossy().ends_with(".csv") {
                assert!(
                    fs::read(fresh.join(part).join(&name)).ok()
                        == fs::read(w.join(part).join(&name)).ok(),
                    "{part}/{} differs after the resume",
                    name.to_string_lossy()
                );
            }
        }
    }
    // A second workshop into the finished folder needs no resume.
    assert!(sresim(&["workshop", "--out", &w_s]).status.success());
}

#[test]
fn regression_a_workshop_refuses_a_folder_of_other_files() {
    let dir = temp_dir("own-workshop-foreign");
    fs::create_dir_all(dir.join("scenarios")).expect("scenarios");
    fs::write(dir.join("scenarios/baseline.toml"), "# mine").expect("mine");
    let o = sresim(&["workshop", "--out", &dir.to_string_lossy()]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(read(&dir.join("scenarios/baseline.toml")), "# mine");
    assert!(!dir.join("index.html").exists());
}

#[cfg(unix)]
#[test]
fn regression_special_files_are_refused_by_type_before_reading() {
    for path in ["/dev/zero", "/dev/urandom"] {
        let start = Instant::now();
        let o = sresim(&["validate", path]);
        assert_eq!(o.status.code(), Some(2), "{path}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("is not a regular file"),
            "{path}: {}",
            stderr(&o)
        );
        assert!(start.elapsed() < Duration::from_secs(10), "{path} was read");
    }
    let dir = temp_dir("own-fifo");
    let fifo = dir.join("s.toml");
    let made = Command::new("mkfifo").arg(&fifo).status();
    if made.is_ok_and(|s| s.success()) {
        let o = sresim(&["run", &fifo.to_string_lossy()]);
        assert_eq!(o.status.code(), Some(2));
        assert!(
            stderr(&o).contains("is not a regular file"),
            "{}",
            stderr(&o)
        );
    }
}

#[test]
fn regression_a_scenario_past_16_mib_is_refused_by_its_size() {
    let dir = temp_dir("own-big");
    let big = dir.join("big.toml");
    let f = fs::File::create(&big).expect("create");
    f.set_len(sresim::scenario::MAX_SCENARIO_BYTES + 1)
        .expect("sparse");
    let o = sresim(&["validate", &big.to_string_lossy()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("is larger than 16 MiB"),
        "{}",
        stderr(&o)
    );
    // An override longer than the bound (only a program can pass one: the operating
    // system caps a command-line argument lower) is refused before it is parsed.
    let long = format!(
        "simulation.name={}",
        "a".repeat(sresim::scenario::MAX_ARGUMENT_BYTES)
    );
    let e = jobs::run(&jobs::RunSpec {
        common: CommonSpec {
            sets: vec![long],
            out: Some(dir.join("out")),
            ..CommonSpec::default()
        },
        trace: false,
    })
    .expect_err("refused");
    assert_eq!(e.kind(), ErrorKind::Usage);
    assert!(e.to_string().contains("longer than"), "{e}");
    assert!(!dir.join("out").exists());
}
