//! "Did you mean …?" suggestions for misspelt keys and names.

/// Edit distance (insertions, deletions, substitutions) between two strings, by characters.
pub(crate) fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let substitution = prev[j] + usize::from(ca != cb);
            cur[j + 1] = substitution.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// The candidate closest to `word` (ignoring case, `-` versus `_`): the nearest within
/// two edits (and fewer edits than the word is long), else the shortest candidate that
/// starts with a word of at least four characters (`shift` → `shift_hours`). Ties go to
/// the earlier candidate.
pub(crate) fn closest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    // Keys and names are short; skip pathological input rather than spend
    // quadratic time on it.
    const LONGEST: usize = 100;
    if word.len() > LONGEST {
        return None;
    }
    let norm = |s: &str| s.to_lowercase().replace('-', "_");
    let word = norm(word);
    let length = word.chars().count();
    let candidates: Vec<&'a str> = candidates
        .iter()
        .copied()
        .filter(|c| c.len() <= LONGEST)
        .collect();
    let near = candidates
        .iter()
        .map(|&c| (levenshtein(&word, &norm(c)), c))
        .filter(|&(d, _)| d <= 2 && d < length.max(1))
        .min_by_key(|&(d, _)| d)
        .map(|(_, c)| c);
    near.or_else(|| {
        candidates
            .iter()
            .filter(|&&c| length >= 4 && norm(c).starts_with(&word))
            .min_by_key(|c| c.len())
            .copied()
    })
}

/// The names between backticks in serde's "expected one of `a`, `b`" tail.
pub(crate) fn backticked(text: &str) -> Vec<&str> {
    text.split('`').skip(1).step_by(2).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levenshtein_counts_single_edits() {
        assert_eq!(levenshtein("shift_hours", "shift_hours"), 0);
        assert_eq!(levenshtein("shift_huors", "shift_hours"), 2);
        assert_eq!(levenshtein("shifthours", "shift_hours"), 1);
        assert_eq!(levenshtein("", "abc"), 3);
    }

    #[test]
    fn closest_ignores_far_candidates() {
        assert_eq!(
            closest("shift-hours", &["name", "shift_hours"]),
            Some("shift_hours")
        );
        assert_eq!(closest("colour", &["name", "shift_hours"]), None);
        assert_eq!(
            closest("pager_budget", &["pager", "pager_budget_per_shift"]),
            Some("pager_budget_per_shift")
        );
        assert_eq!(closest("shi", &["shift_hours"]), None);
    }

    #[test]
    fn backticked_extracts_serde_field_lists() {
        assert_eq!(
            backticked("unknown field `x`, expected one of `a`, `b`"),
            vec!["x", "a", "b"]
        );
    }
}
