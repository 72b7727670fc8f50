//! The rule for names (simulation, sites, teams, services, products, stacks,
//! severities): they name folders, CSV cells and chart labels, so they are short, plain
//! and cannot leave a folder.

use super::ranges::MAX_NAME_CHARS;
use super::show::{escape_char, escaped, first_forbidden};

/// The rule in words, for messages and the README.
pub const NAME_RULE: &str =
    "1 to 64 characters: letters, digits, spaces and - _ . (not only dots, no space at either end)";

/// Whether `c` may appear in a name.
fn allowed(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, ' ' | '-' | '_' | '.')
}

/// `None` when `name` follows the rule, else why not (the message names the field as
/// `what`).
pub fn check(what: &str, name: &str) -> Option<String> {
    let shown = escaped(name);
    if let Some((at, c)) = first_forbidden(name) {
        return Some(format!(
            "{what} '{shown}' contains the control or invisible character {} at character {at}; names are {NAME_RULE}",
            escape_char(c)
        ));
    }
    if name.trim().is_empty() {
        return Some(format!("{what} must not be empty; names are {NAME_RULE}"));
    }
    let chars = name.chars().count();
    if chars > MAX_NAME_CHARS {
        return Some(format!(
            "{what} is {chars} characters long; names are {NAME_RULE}"
        ));
    }
    if let Some((i, c)) = name.chars().enumerate().find(|&(_, c)| !allowed(c)) {
        return Some(format!(
            "{what} '{shown}' contains '{c}' at character {}; names are {NAME_RULE}",
            i + 1
        ));
    }
    if name.starts_with(' ') || name.ends_with(' ') {
        return Some(format!(
            "{what} '{shown}' starts or ends with a space; names are {NAME_RULE}"
        ));
    }
    if name.chars().all(|c| c == '.') {
        return Some(format!(
            "{what} '{shown}' is only dots, which names a folder outside the output folder; names are {NAME_RULE}"
        ));
    }
    None
}

/// A name made from a file stem (the scenario name when `[simulation]` has none):
/// characters a name may not hold become `_`, spaces and dots at either end are dropped,
/// and it is cut to the longest name; `scenario` when nothing is left.
pub fn from_stem(stem: &str) -> String {
    let mapped: String = stem
        .chars()
        .map(|c| if allowed(c) { c } else { '_' })
        .collect();
    let trimmed = mapped.trim_matches(|c| c == ' ' || c == '.');
    let cut: String = trimmed.chars().take(MAX_NAME_CHARS).collect();
    let cut = cut.trim_end_matches([' ', '.']);
    if cut.is_empty() {
        "scenario".to_owned()
    } else {
        cut.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_names_pass() {
        for ok in [
            "baseline",
            "mountain-view",
            "my what-if run",
            "sev1",
            "Zürich",
            "a.b_c",
            ".x",
        ] {
            assert_eq!(check("name", ok), None, "{ok}");
        }
    }

    #[test]
    fn unsafe_names_are_refused_with_a_reason() {
        for (bad, needle) in [
            ("../../x", "contains '/' at character 3"),
            ("..", "only dots"),
            (".", "only dots"),
            ("a\\b", "contains '\\' at character 2"),
            ("/abs", "contains '/' at character 1"),
            ("", "must not be empty"),
            ("   ", "must not be empty"),
            (" x", "starts or ends with a space"),
            ("a\u{1b}[31m", "\\u{1b} at character 2"),
            ("\u{ffff}", "\\u{ffff} at character 1"),
            ("a\nb", "\\u{a} at character 2"),
        ] {
            let m = check("name", bad).unwrap_or_default();
            assert!(m.contains(needle), "{bad:?}: {m}");
            assert!(!m.contains('\u{1b}') && !m.contains('\n'), "{m}");
        }
        let long = "x".repeat(65);
        assert!(check("name", &long)
            .unwrap_or_default()
            .contains("65 characters long"));
        assert_eq!(check("name", &"x".repeat(64)), None);
    }

    #[test]
    fn stems_become_valid_names() {
        assert_eq!(from_stem("baseline"), "baseline");
        assert_eq!(from_stem("my scenario (v2)"), "my scenario _v2_");
        assert_eq!(from_stem(".."), "scenario");
        assert_eq!(from_stem(""), "scenario");
        assert_eq!(from_stem(&"y".repeat(100)).len(), 64);
        for stem in ["a\u{1b}b", " x. ", "..a..", "/"] {
            assert_eq!(check("name", &from_stem(stem)), None, "{stem:?}");
        }
    }
}
