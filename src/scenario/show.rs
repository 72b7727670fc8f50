//! How values appear in messages: numbers compactly, text with its invisible characters
//! escaped.

/// A number as messages show it: the shortest text that reads back as the same `f64`,
/// in exponent form from a billion up and below 0.0001 (`1e12`, `1e300`, `1.5e-7`),
/// plain otherwise (`12`, `0.25`, `-8`, `100000`); `inf`, `-inf` and `nan` as such.
pub fn number(x: f64) -> String {
    if x.is_nan() {
        return "nan".to_owned();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf" } else { "-inf" }.to_owned();
    }
    let a = x.abs();
    if a != 0.0 && !(1e-4..1e9).contains(&a) {
        format!("{x:e}")
    } else {
        format!("{x}")
    }
}

/// Whether `c` may not appear in any text of a scenario: a control character
/// (`char::is_control`: C0, DEL, C1), a Unicode noncharacter (U+FDD0..U+FDEF and the
/// last two code points of every plane), or a bidirectional formatting character, which
/// reorders how a terminal shows the text around it.
pub fn is_forbidden_char(c: char) -> bool {
    let u = u32::from(c);
    c.is_control()
        || (0xFDD0..=0xFDEF).contains(&u)
        || (u & 0xFFFE) == 0xFFFE
        || (0x202A..=0x202E).contains(&u)
        || (0x2066..=0x2069).contains(&u)
        || u == 0x200E
        || u == 0x200F
        || u == 0x061C
}

/// A rough number (a count estimated in floating point) to three significant digits,
/// as [`number`] shows it: `1e300`, `9.22e18`.
pub fn about(x: f64) -> String {
    number(format!("{x:.2e}").parse().unwrap_or(x))
}

/// `c` as an escape: `\u{1b}`.
pub fn escape_char(c: char) -> String {
    format!("\\u{{{:x}}}", u32::from(c))
}

/// `s` with every [forbidden character](is_forbidden_char) written as `\u{…}`, so
/// messages stay on one line and show what is there.
pub fn escaped(s: &str) -> String {
    if !s.chars().any(is_forbidden_char) {
        return s.to_owned();
    }
    s.chars()
        .map(|c| {
            if is_forbidden_char(c) {
                escape_char(c)
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// The first forbidden character of `s`, with its 1-based position in characters.
pub fn first_forbidden(s: &str) -> Option<(usize, char)> {
    s.chars()
        .enumerate()
        .find(|&(_, c)| is_forbidden_char(c))
        .map(|(i, c)| (i + 1, c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_compact_and_round_trip() {
        for (x, text) in [
            (12.0, "12"),
            (0.25, "0.25"),
            (-8.0, "-8"),
            (1e300, "1e300"),
            (1e-300, "1e-300"),
            (1.5e-7, "1.5e-7"),
            (1e12, "1e12"),
            (1e16, "1e16"),
            (123_456_789.0, "123456789"),
            (1e9, "1e9"),
            (100_000.0, "100000"),
            (0.0001, "0.0001"),
            (0.00001, "1e-5"),
            (0.1 + 0.2, "0.30000000000000004"),
            (f64::INFINITY, "inf"),
            (f64::NEG_INFINITY, "-inf"),
            (f64::NAN, "nan"),
            (f64::MAX, "1.7976931348623157e308"),
        ] {
            assert_eq!(number(x), text);
            if x.is_finite() {
                assert_eq!(number(x).parse::<f64>().ok(), Some(x));
            }
        }
    }

    #[test]
    fn rough_numbers_keep_three_digits() {
        assert_eq!(about(9.999_999_999_999_999e299), "1e300");
        assert_eq!(about(9.223_372_036_854_776e18), "9.22e18");
        assert_eq!(about(20_001.0), "20000");
    }

    #[test]
    fn forbidden_characters_are_escaped() {
        assert_eq!(escaped("a\u{1b}[31mb"), "a\\u{1b}[31mb");
        assert_eq!(escaped("x\0y\u{7}\n"), "x\\u{0}y\\u{7}\\u{a}");
        assert_eq!(
            escaped("\u{ffff}\u{fdd0}\u{1fffe}\u{202e}"),
            "\\u{ffff}\\u{fdd0}\\u{1fffe}\\u{202e}"
        );
        assert_eq!(escaped("mountain-view é"), "mountain-view é");
        assert_eq!(first_forbidden("ab\u{85}"), Some((3, '\u{85}')));
        assert_eq!(first_forbidden("plain"), None);
    }
}
