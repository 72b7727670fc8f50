//! Key paths inside a scenario document: how problems name a value
//! (`teams[core].shift_hours`) and how they find it again in the source text.
//!
//! A path is kept as segments (`Key` or array `Index`) while problems are collected, and
//! only turned into text and a line/column once all problems are known.

use std::ops::Range;

/// One step in a key path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Seg {
    /// A key of a table.
    Key(String),
    /// An entry of an array (of tables).
    Index(usize),
}

/// A key path from the document root.
pub(crate) type KeyPath = Vec<Seg>;

/// Extend `base` by one key.
pub(crate) fn key(base: &[Seg], k: &str) -> KeyPath {
    let mut p = base.to_vec();
    p.push(Seg::Key(k.to_owned()));
    p
}

/// Extend `base` by one array index.
pub(crate) fn index(base: &[Seg], i: usize) -> KeyPath {
    let mut p = base.to_vec();
    p.push(Seg::Index(i));
    p
}

/// Whether `prefix` is a prefix of (or equal to) `path`.
pub(crate) fn starts_with(path: &[Seg], prefix: &[Seg]) -> bool {
    path.len() >= prefix.len() && path[..prefix.len()] == *prefix
}

/// Render a path for people: keys joined by `.`, array entries as `[name]` when the
/// entry is a table with a string `name` in `root`, else as `[index]`.
pub(crate) fn display(root: &toml::Table, path: &[Seg]) -> String {
    let mut out = String::new();
    // `None` once the path leaves what `root` holds; indices then print as numbers.
    let mut cur: Option<&toml::Value> = None;
    let mut at_root = true;
    for seg in path {
        match seg {
            Seg::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
                cur = if at_root {
                    root.get(k)
                } else {
                    cur.and_then(|v| v.as_table()).and_then(|t| t.get(k))
                };
            }
            Seg::Index(i) => {
                let entry = cur.and_then(|v| v.as_array()).and_then(|a| a.get(*i));
                match entry
                    .and_then(|e| e.as_table())
                    .and_then(|t| t.get("name"))
                    .and_then(|n| n.as_str())
                {
                    Some(name) => out.push_str(&format!("[{name}]")),
                    None => out.push_str(&format!("[{i}]")),
                }
                cur = entry;
            }
        }
        at_root = false;
    }
    out
}

/// A node of the spanned document while walking a path.
#[derive(Clone, Copy)]
enum Node<'a> {
    Table(&'a toml_edit::Table),
    Inline(&'a toml_edit::InlineTable),
    Tables(&'a toml_edit::ArrayOfTables),
    Array(&'a toml_edit::Array),
    Leaf,
}

impl<'a> Node<'a> {
    fn of_item(item: &'a toml_edit::Item) -> Self {
        match item {
            toml_edit::Item::Table(t) => Node::Table(t),
            toml_edit::Item::ArrayOfTables(a) => Node::Tables(a),
            toml_edit::Item::Value(v) => Node::of_value(v),
            toml_edit::Item::None => Node::Leaf,
        }
    }

    fn of_value(value: &'a toml_edit::Value) -> Self {
        match value {
            toml_edit::Value::InlineTable(t) => Node::Inline(t),
            toml_edit::Value::Array(a) => Node::Array(a),
            _ => Node::Leaf,
        }
    }

    /// The child at `seg` and the span that best points at it (the key for table
    /// entries, the header or value for array entries).
    fn child(self, seg: &Seg) -> Option<(Option<Range<usize>>, Node<'a>)> {
        match (self, seg) {
            (Node::Table(t), Seg::Key(k)) => t
                .get_key_value(k)
                .map(|(key, item)| (key.span(), Node::of_item(item))),
            (Node::Inline(t), Seg::Key(k)) => t
                .get_key_value(k)
                .map(|(key, item)| (key.span(), Node::of_item(item))),
            (Node::Tables(a), Seg::Index(i)) => a.get(*i).map(|t| (t.span(), Node::Table(t))),
            (Node::Array(a), Seg::Index(i)) => a.get(*i).map(|v| (v.span(), Node::of_value(v))),
            _ => None,
        }
    }
}

/// Byte span of the deepest part of `path` found in `doc`: the key itself when the whole
/// path exists, else the nearest enclosing key or array-of-tables entry header.
pub(crate) fn locate(doc: &toml_edit::ImDocument<String>, path: &[Seg]) -> Option<Range<usize>> {
    let mut node = Node::Table(doc.as_table());
    let mut best: Option<Range<usize>> = None;
    for seg in path {
        match node.child(seg) {
            Some((span, child)) => {
                if span.is_some() {
                    best = span;
                }
                node = child;
            }
            None => break,
        }
    }
    best
}

/// The keys of the table at `path` in `doc`, in the order the document lists them
/// (empty when the path does not lead to a table).
pub(crate) fn key_order(doc: &toml_edit::ImDocument<String>, path: &[Seg]) -> Vec<String> {
    let mut node = Node::Table(doc.as_table());
    for seg in path {
        match node.child(seg) {
            Some((_, child)) => node = child,
            None => return Vec::new(),
        }
    }
    match node {
        Node::Table(t) => t.iter().map(|(k, _)| k.to_owned()).collect(),
        Node::Inline(t) => t.iter().map(|(k, _)| k.to_owned()).collect(),
        _ => Vec::new(),
    }
}

/// 1-based line and column (in characters) of byte `offset` in `text`.
pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |p| p + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_from_one() {
        let text = "a = 1\n# é\nb = 2\n";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 4), (1, 5));
        assert_eq!(line_col(text, text.find('b').unwrap_or(0)), (3, 1));
        // Inside the two-byte `é`: snapped back to its start.
        assert_eq!(line_col(text, text.find('é').unwrap_or(0) + 1), (2, 3));
        assert_eq!(line_col(text, 10_000), (4, 1));
    }

    #[test]
    fn display_names_array_entries_by_name_else_index() {
        let root: toml::Table =
            toml::from_str("[[teams]]\nname = \"core\"\n[[teams]]\nshift_hours = 8\n")
                .unwrap_or_default();
        let p = vec![
            Seg::Key("teams".into()),
            Seg::Index(0),
            Seg::Key("x".into()),
        ];
        assert_eq!(display(&root, &p), "teams[core].x");
        let p = vec![Seg::Key("teams".into()), Seg::Index(1)];
        assert_eq!(display(&root, &p), "teams[1]");
    }
}
