//! JSON readers: an array of product objects (each element parsed on its own, so one bad row names its line) and JSON Lines.

use std::path::Path;

use rayon::prelude::*;
use serde_json::Value;

use super::{LineIndex, RawRow, RowResult};
use crate::error::{Error, Location, Result, RowError};

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A parsed element: an object becomes a row, anything else a row error.
fn to_row(value: Value, line: usize) -> RowResult {
    match value {
        Value::Object(fields) => Ok(RawRow { line, fields }),
        other => Err(RowError {
            line,
            column: None,
            message: format!("expected a product object, found {}", kind(&other)),
        }),
    }
}

/// Reads `[ {...}, {...} ]`. Structural damage (not an array, truncated) fails the file; a bad element is a row error.
/// Each row goes through `map` as soon as it is parsed.
pub(crate) fn read_array<T: Send>(
    path: &Path,
    text: &str,
    map: impl Fn(RowResult) -> T + Sync,
) -> Result<Vec<T>> {
    let lines = LineIndex::new(text);
    let syntax = |offset: usize, message: String| {
        let (line, column) = lines.locate(text, offset);
        Error::CatalogSyntax {
            at: Location {
                path: path.to_path_buf(),
                line,
                column: Some(column),
            },
            message,
        }
    };
    let bytes = text.as_bytes();
    let skip_ws = |mut i: usize| {
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        i
    };
    let mut i = skip_ws(0);
    match bytes.get(i) {
        None => return Ok(Vec::new()),
        Some(b'[') => i += 1,
        Some(b'{') => {
            return Err(syntax(
                i,
                "expected a JSON array of products `[{...}, ...]`, found an object; for one product object per line use a .jsonl file or --format jsonl".into(),
            ));
        }
        Some(_) => {
            return Err(syntax(
                i,
                "expected a JSON array of products `[{...}, ...]`".into(),
            ));
        }
    }
    // Elements are found in one pass, then parsed on every core.
    let mut elements: Vec<(&str, usize, usize)> = Vec::new();
    loop {
        i = skip_ws(i);
        if elements.is_empty() && bytes.get(i) == Some(&b']') {
            i += 1;
            break;
        }
        let start = i;
        let end = element_end(bytes, start).ok_or_else(|| {
            syntax(
                text.len(),
                "unexpected end of file inside the array; expected `]` (is the file truncated?)"
                    .into(),
            )
        })?;
        let element = text[start..end].trim_end();
        if element.is_empty() {
            return Err(syntax(
                start,
                "expected a product object before this `,` or `]`".into(),
            ));
        }
        let (line, column) = lines.locate(text, start);
        elements.push((element, line, column));
        i = end + 1;
        if bytes[end] == b']' {
            break;
        }
    }
    let rest = skip_ws(i);
    if rest < bytes.len() {
        return Err(syntax(
            rest,
            "unexpected text after the closing `]` of the array".into(),
        ));
    }
    Ok(elements
        .par_iter()
        .map(|&(element, line, column)| {
            map(match serde_json::from_str::<Value>(element) {
                Ok(value) => to_row(value, line),
                Err(e) => Err(RowError {
                    line: line + e.line() - 1,
                    column: Some(if e.line() == 1 {
                        column + e.column() - 1
                    } else {
                        e.column()
                    }),
                    message: format!("invalid JSON: {}", strip_position(&e)),
                }),
            })
        })
        .collect())
}

/// The offset of the `,` or `]` that ends the element starting at `start`, or None at end of input.
fn element_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for (i, &b) in bytes.iter().enumerate().skip(start) {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' => depth += 1,
            b'}' | b']' if depth > 0 => depth -= 1,
            b']' | b',' if depth == 0 => return Some(i),
            _ => {}
        }
    }
    None
}

/// `serde_json`'s message without its trailing "at line L column C" (we give our own position).
fn strip_position(error: &serde_json::Error) -> String {
    let message = error.to_string();
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_string(),
        None => message,
    }
}

/// Reads JSON Lines: one object per non-empty line (parsed on every core), each row through `map`.
pub(crate) fn read_lines<T: Send>(text: &str, map: impl Fn(RowResult) -> T + Sync) -> Vec<T> {
    let lines: Vec<(usize, &str)> = text
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(i, line)| (i + 1, line))
        .collect();
    lines
        .par_iter()
        .map(|&(line_no, line)| {
            map(match serde_json::from_str::<Value>(line) {
                Ok(value) => to_row(value, line_no),
                Err(e) => Err(RowError {
                    line: line_no,
                    column: Some(e.column()),
                    message: format!("invalid JSON: {}", strip_position(&e)),
                }),
            })
        })
        .collect()
}
