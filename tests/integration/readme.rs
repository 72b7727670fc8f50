//! The sample output in the README and in `docs/` is what the binary prints: every block
//! marked `<!-- sample: sresim ARGS -->` is run and compared line by line (trailing spaces
//! and the wall time of `wrote … in N s` aside).

use crate::support::*;

/// `text` split into words as a shell would for the simple commands of the samples:
/// spaces separate, double quotes group.
fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    let mut started = false;
    for c in text.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                started = true;
            }
            ' ' if !quoted => {
                if started {
                    out.push(std::mem::take(&mut word));
                    started = false;
                }
            }
            c => {
                word.push(c);
                started = true;
            }
        }
    }
    if started {
        out.push(word);
    }
    out
}

/// A line as compared: trailing spaces dropped, the time of `wrote DIR in N s` dropped.
fn normal(line: &str) -> String {
    let line = line.trim_end();
    match line.strip_prefix("wrote ") {
        Some(rest) => format!("wrote {}", rest.split(" in ").next().unwrap_or(rest)),
        None => line.to_string(),
    }
}

#[test]
fn readme_sample_output_matches_the_binary() {
    let mut text = read(&root().join("README.md"));
    let docs = std::fs::read_dir(root().join("docs")).expect("a docs folder");
    let mut docs: Vec<_> = docs.map(|e| e.expect("directory entry").path()).collect();
    docs.sort();
    for doc in docs
        .iter()
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
    {
        text.push_str(&read(doc));
    }
    let mut checked = 0;
    for part in text.split("<!-- sample: ").skip(1) {
        let (command, rest) = part.split_once(" -->").expect("a closed marker");
        let block = rest
            .trim_start()
            .strip_prefix("```text\n")
            .expect("a text block right after the marker");
        let expected: Vec<String> = block
            .split("\n```")
            .next()
            .unwrap_or("")
            .lines()
            .map(normal)
            .collect();
        let args = words(command);
        assert_eq!(
            args.first().map(String::as_str),
            Some("sresim"),
            "{command}"
        );
        let args: Vec<&str> = args[1..].iter().map(String::as_str).collect();
        let o = sresim(&args);
        assert!(o.status.success(), "{command}: {}", stderr(&o));
        let actual: Vec<String> = stdout(&o).lines().map(normal).collect();
        assert_eq!(
            actual, expected,
            "the sample of `{command}` differs from the binary's output; paste the new output"
        );
        checked += 1;
    }
    assert!(
        checked >= 2,
        "the README and docs have their samples ({checked})"
    );
}

#[test]
fn words_split_like_a_shell() {
    assert_eq!(
        words(r#"sresim compare a.toml --variant "x: k=1; j=2"  --variant k=3"#),
        [
            "sresim",
            "compare",
            "a.toml",
            "--variant",
            "x: k=1; j=2",
            "--variant",
            "k=3"
        ]
    );
    assert_eq!(normal("wrote output/x in 0.12 s  "), "wrote output/x");
}
