//! How the CLI writes what it has to say: colour for warning lines on a terminal only,
//! and the one JSON document of `--json`.
//!
//! Colour follows <https://no-color.org>: none when `NO_COLOR` is set (to anything but
//! the empty string), and none when the stream is not a terminal, so that pipes and
//! files never receive escape sequences.

use std::io::{IsTerminal, Write};

/// The beginnings of the lines shown as warnings.
const WARNING_PREFIXES: [&str; 3] = ["over a limit:", "understaffed:", "warning:"];

/// Bold yellow, and back to normal.
const WARN_ON: &str = "\x1b[1;33m";
const WARN_OFF: &str = "\x1b[0m";

/// Which stream a text goes to.
#[derive(Debug, Clone, Copy)]
pub enum Stream {
    Stdout,
    Stderr,
}

impl Stream {
    /// Whether text written to this stream may be coloured.
    fn colours(self) -> bool {
        let tty = match self {
            Stream::Stdout => std::io::stdout().is_terminal(),
            Stream::Stderr => std::io::stderr().is_terminal(),
        };
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        tty && !no_color
    }
}

/// `text` with each warning line in bold yellow when `colour`, unchanged otherwise.
pub fn paint(text: &str, colour: bool) -> String {
    if !colour {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len() + 16);
    for line in text.split_inclusive('\n') {
        let (body, end) = match line.strip_suffix('\n') {
            Some(body) => (body, "\n"),
            None => (line, ""),
        };
        if WARNING_PREFIXES.iter().any(|p| body.starts_with(p)) {
            out.push_str(WARN_ON);
            out.push_str(body);
            out.push_str(WARN_OFF);
        } else {
            out.push_str(body);
        }
        out.push_str(end);
    }
    out
}

/// Writes `text` to `stream`, its warning lines coloured where the stream allows,
/// ignoring a closed pipe or a full disk (the exit code still tells).
pub fn write(stream: Stream, text: &str) {
    let text = paint(text, stream.colours());
    let _ = match stream {
        Stream::Stdout => std::io::stdout().write_all(text.as_bytes()),
        Stream::Stderr => std::io::stderr().write_all(text.as_bytes()),
    };
}

/// Writes one JSON document and a newline on stdout.
pub fn json(value: &serde_json::Value) {
    let text = serde_json::to_string_pretty(value)
        .unwrap_or_else(|e| unreachable!("a JSON value always serializes: {e}"));
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{text}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_warning_lines_are_painted_and_only_when_asked() {
        let text = "metric x\nover a limit: team a\nunderstaffed: team b\nwarning: w";
        assert_eq!(paint(text, false), text);
        let painted = paint(text, true);
        assert!(painted.starts_with("metric x\n\x1b[1;33mover a limit: team a\x1b[0m\n"));
        assert!(painted.ends_with("\x1b[1;33mwarning: w\x1b[0m"));
        assert_eq!(painted.matches(WARN_ON).count(), 3);
    }
}
