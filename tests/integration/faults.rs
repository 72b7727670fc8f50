//! Fault injection: a sweep killed (SIGKILL) at random moments, its partial folder
//! damaged at random, then resumed (sometimes killed again while resuming). Every
//! resume must either complete with files byte-identical to an uninterrupted sweep or
//! refuse with exit code 2, never pass off damaged rows.

use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use rand::{Rng, SeedableRng};

use crate::support::{root, stderr, temp_dir, SWEEP_FILES as FILES};

const PARTIAL_FILES: [&str; 5] = [
    "runs.csv",
    "teams.csv",
    "sites.csv",
    "services.csv",
    "weekly.csv",
];

fn args(out: &Path) -> Vec<String> {
    [
        "sweep",
        "scenarios/capacity.toml",
        "--out",
        &out.to_string_lossy(),
        "--replications",
        "2",
        "--set",
        "simulation.horizon_weeks=40",
        "--set",
        "simulation.warmup_weeks=0",
        "--vary",
        "services.svc.tickets_per_week=1..8",
        "--no-charts",
        "-q",
        "--threads",
        "2",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

fn command(out: &Path, resume: bool) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_sresim"));
    c.args(args(out)).current_dir(root());
    if resume {
        c.arg("--resume");
    }
    c.stdout(Stdio::null()).stderr(Stdio::piped());
    c
}

/// Starts the sweep and kills it with SIGKILL after `ms` milliseconds (if it is still
/// running); true when it was killed.
fn kill_after(out: &Path, resume: bool, ms: u64) -> bool {
    let mut child = command(out, resume).spawn().expect("spawn");
    std::thread::sleep(Duration::from_millis(ms));
    let running = child.try_wait().expect("poll").is_none();
    if running {
        child.kill().expect("SIGKILL");
    }
    child.wait().expect("wait");
    running
}

/// One random injury to the partial folder; returns what it did.
fn damage(partial: &Path, rng: &mut impl Rng) -> String {
    let file = PARTIAL_FILES[rng.random_range(0..PARTIAL_FILES.len())];
    let data = partial.join(file);
    let journal = partial.join("progress.log");
    let cut = |path: &Path, rng: &mut dyn FnMut(u64) -> u64| {
        if let Ok(m) = fs::metadata(path) {
            let f = fs::OpenOptions::new().write(true).open(path).expect("open");
            f.set_len(rng(m.len() + 1)).expect("cut");
        }
    };
    let flip = |path: &Path, at: &mut dyn FnMut(usize) -> usize| {
        if let Ok(mut b) = fs::read(path) {
            if !b.is_empty() {
                let i = at(b.len());
                b[i] ^= 0x5a;
                fs::write(path, b).expect("write");
            }
        }
    };
    match rng.random_range(0..9) {
        0 => "nothing".into(),
        1 => {
            cut(&data, &mut |n| rng.random_range(0..n));
            format!("cut {file}")
        }
        2 => {
            flip(&data, &mut |n| rng.random_range(0..n));
            format!("flipped a byte of {file}")
        }
        3 => {
            let _ = fs::remove_file(&data);
            format!("deleted {file}")
        }
        4 => {
            let mut f = fs::OpenOptions::new()
                .append(true)
                .create(true)
                .open(&data)
                .expect("open");
            std::io::Write::write_all(&mut f, b"9,9,garbage\n\0\0").expect("append");
            format!("appended garbage to {file}")
        }
        5 => {
            cut(&journal, &mut |n| rng.random_range(0..n));
            "cut the journal".into()
        }
        6 => {
            flip(&journal, &mut |n| rng.random_range(0..n));
            "flipped a byte of the journal".into()
        }
        7 => {
            let _ = fs::remove_file(&journal);
            "deleted the journal".into()
        }
        _ => {
            fs::write(&journal, b"\0garbage\n").ok();
            "replaced the journal with garbage".into()
        }
    }
}

#[test]
fn killed_and_damaged_sweeps_resume_identically_or_refuse() {
    let dir = temp_dir("faults");
    let whole = dir.join("whole");
    let o = command(&whole, false).output().expect("whole sweep");
    assert!(o.status.success(), "{}", stderr(&o));
    let expected: Vec<Vec<u8>> = FILES
        .iter()
        .map(|f| fs::read(whole.join(f)).expect("whole file"))
        .collect();
    let mut rng = rand::rngs::StdRng::seed_from_u64(20261127);
    let (mut resumed, mut refused, mut killed) = (0, 0, 0);
    for trial in 0..14 {
        let out = dir.join(format!("t{trial}"));
        if kill_after(&out, false, rng.random_range(20..400)) {
            killed += 1;
        }
        let partial = out.join(".partial");
        let what = if partial.exists() {
            damage(&partial, &mut rng)
        } else {
            "nothing (the sweep had finished)".into()
        };
        if trial % 3 == 1 && kill_after(&out, true, rng.random_range(10..200)) {
            killed += 1;
        }
        let o = command(&out, true).output().expect("resume");
        match o.status.code() {
            Some(0) => {
                resumed += 1;
                for (f, want) in FILES.iter().zip(&expected) {
                    let got = fs::read(out.join(f)).expect("resumed file");
                    assert!(
                        &got == want,
                        "trial {trial} ({what}): {f} differs from the uninterrupted sweep"
                    );
                }
                assert!(!partial.exists(), "trial {trial}: partial folder left");
            }
            Some(2) => {
                refused += 1;
                assert!(
                    stderr(&o).contains(".partial"),
                    "trial {trial} ({what}): {}",
                    stderr(&o)
                );
                assert!(
                    !out.join("runs.csv").exists(),
                    "trial {trial}: a refused resume leaves no final files"
                );
            }
            code => panic!("trial {trial} ({what}): exit {code:?}: {}", stderr(&o)),
        }
    }
    assert!(killed >= 7, "most trials were killed mid-sweep: {killed}");
    assert!(
        resumed >= 7,
        "most resumes complete: {resumed} (refused {refused})"
    );
}
