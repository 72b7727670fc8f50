//! Test support: a validator of the JSON Schema subset that `sresim schema` emits, and
//! the TOML → JSON conversion editors make before they validate.
//!
//! Any keyword outside the subset is an error, so a schema that starts using one fails
//! the tests instead of being half-checked.

use serde_json::Value;

/// Keywords that only annotate.
const ANNOTATIONS: [&str; 4] = ["$schema", "$id", "title", "description"];

/// Every place where `instance` breaks `schema` (`root` resolves `$ref`s), as
/// `path: what`; empty when it validates.
pub fn errors(root: &Value, schema: &Value, instance: &Value) -> Vec<String> {
    let mut out = Vec::new();
    check(root, schema, instance, "$", &mut out);
    out
}

/// Whether `instance` validates against the whole schema `root`.
pub fn valid(root: &Value, instance: &Value) -> bool {
    errors(root, root, instance).is_empty()
}

fn type_ok(name: &str, v: &Value) -> bool {
    match name {
        "object" => v.is_object(),
        "array" => v.is_array(),
        "string" => v.is_string(),
        "boolean" => v.is_boolean(),
        "number" => v.is_number(),
        // As TOML reads it: an integer, never a float with no fraction.
        "integer" => v.is_i64() || v.is_u64(),
        "null" => v.is_null(),
        other => panic!("type {other} is outside the subset"),
    }
}

fn number(v: &Value, at: &str) -> f64 {
    v.as_f64()
        .unwrap_or_else(|| panic!("{at}: bound {v} is not a number"))
}

fn count(v: &Value, at: &str) -> usize {
    v.as_u64()
        .unwrap_or_else(|| panic!("{at}: count {v} is not an integer")) as usize
}

fn check(root: &Value, schema: &Value, v: &Value, at: &str, out: &mut Vec<String>) {
    let Some(s) = schema.as_object() else {
        match schema {
            Value::Bool(true) => {}
            Value::Bool(false) => out.push(format!("{at}: not allowed")),
            other => panic!("{at}: schema {other} is neither an object nor a boolean"),
        }
        return;
    };
    for (k, kw) in s {
        match k.as_str() {
            k if ANNOTATIONS.contains(&k) || k == "$defs" => {}
            "$ref" => {
                let target = kw
                    .as_str()
                    .and_then(|r| r.strip_prefix("#/"))
                    .map(|p| p.split('/').fold(root, |node, seg| &node[seg]))
                    .unwrap_or_else(|| panic!("{at}: $ref {kw} is outside the subset"));
                assert!(!target.is_null(), "{at}: $ref {kw} resolves to nothing");
                check(root, target, v, at, out);
            }
            "type" => {
                if !type_ok(kw.as_str().unwrap_or_else(|| panic!("{at}: type list")), v) {
                    out.push(format!("{at}: expected {kw}, got {v}"));
                }
            }
            "const" => {
                if !json_equal(kw, v) {
                    out.push(format!("{at}: expected {kw}, got {v}"));
                }
            }
            "enum" => {
                let choices = kw.as_array().expect("enum is an array");
                if !choices.iter().any(|c| json_equal(c, v)) {
                    out.push(format!("{at}: {v} is not one of {kw}"));
                }
            }
            "minimum" | "maximum" | "exclusiveMinimum" | "exclusiveMaximum" => {
                if let Some(x) = v.as_f64() {
                    let b = number(kw, at);
                    let ok = match k.as_str() {
                        "minimum" => x >= b,
                        "maximum" => x <= b,
                        "exclusiveMinimum" => x > b,
                        _ => x < b,
                    };
                    if !ok {
                        out.push(format!("{at}: {v} breaks {k} {kw}"));
                    }
                }
            }
            "minLength" | "maxLength" => {
                if let Some(t) = v.as_str() {
                    let n = t.chars().count();
                    let b = count(kw, at);
                    if (k == "minLength" && n < b) || (k == "maxLength" && n > b) {
                        out.push(format!("{at}: length {n} breaks {k} {b}"));
                    }
                }
            }
            "minItems" | "maxItems" => {
                if let Some(a) = v.as_array() {
                    let b = count(kw, at);
                    if (k == "minItems" && a.len() < b) || (k == "maxItems" && a.len() > b) {
                        out.push(format!("{at}: {} items break {k} {b}", a.len()));
                    }
                }
            }
            "minProperties" => {
                if let Some(o) = v.as_object() {
                    if o.len() < count(kw, at) {
                        out.push(format!("{at}: fewer than {kw} keys"));
                    }
                }
            }
            "required" => {
                if let Some(o) = v.as_object() {
                    for key in kw.as_array().expect("required is an array") {
                        let key = key.as_str().expect("required names are strings");
                        if !o.contains_key(key) {
                            out.push(format!("{at}: missing required key {key}"));
                        }
                    }
                }
            }
            "properties" => {
                if let Some(o) = v.as_object() {
                    for (key, sub) in kw.as_object().expect("properties is an object") {
                        if let Some(x) = o.get(key) {
                            check(root, sub, x, &format!("{at}.{key}"), out);
                        }
                    }
                }
            }
            "additionalProperties" => {
                if let Some(o) = v.as_object() {
                    let known = s.get("properties").and_then(Value::as_object);
                    for (key, x) in o {
                        if known.is_some_and(|p| p.contains_key(key)) {
                            continue;
                        }
                        match kw {
                            Value::Bool(false) => out.push(format!("{at}: unknown key {key}")),
                            sub => check(root, sub, x, &format!("{at}.{key}"), out),
                        }
                    }
                }
            }
            "items" => {
                if let Some(a) = v.as_array() {
                    for (i, x) in a.iter().enumerate() {
                        check(root, kw, x, &format!("{at}[{i}]"), out);
                    }
                }
            }
            "anyOf" | "oneOf" => {
                let branches = kw.as_array().expect("a list of schemas");
                let passing = branches
                    .iter()
                    .filter(|b| {
                        let mut e = Vec::new();
                        check(root, b, v, at, &mut e);
                        e.is_empty()
                    })
                    .count();
                let ok = if k == "anyOf" {
                    passing >= 1
                } else {
                    passing == 1
                };
                if !ok {
                    out.push(format!("{at}: {passing} of the {k} branches match {v}"));
                }
            }
            other => panic!("{at}: keyword {other} is outside the subset"),
        }
    }
}

/// JSON equality with numbers compared by value (1 and 1.0 are equal).
fn json_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}

/// A TOML value as JSON: floats that JSON cannot hold (`inf`, `nan`) become the strings
/// "inf", "-inf" and "nan"; datetimes become their text.
pub fn toml_to_json(v: &toml::Value) -> Value {
    match v {
        toml::Value::String(s) => Value::String(s.clone()),
        toml::Value::Integer(n) => Value::from(*n),
        toml::Value::Float(x) if x.is_finite() => Value::from(*x),
        toml::Value::Float(x) if x.is_nan() => Value::from("nan"),
        toml::Value::Float(x) if *x > 0.0 => Value::from("inf"),
        toml::Value::Float(_) => Value::from("-inf"),
        toml::Value::Boolean(b) => Value::Bool(*b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(a) => Value::Array(a.iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => Value::Object(
            t.iter()
                .map(|(k, v)| (k.clone(), toml_to_json(v)))
                .collect(),
        ),
    }
}
