//! CSV and TSV readers: a header row names the fields; ragged rows and unclosed quotes are row errors with their line.

use serde_json::{Map, Value};

use super::{LineIndex, RawRow, RowResult};
use crate::error::RowError;

/// Reads delimited text with a header row. `quoting` is off for TSV, where `"` is an ordinary character (inch marks).
/// Each row goes through `map` as soon as it is read.
pub(crate) fn read<T>(
    text: &str,
    delimiter: u8,
    quoting: bool,
    map: impl Fn(RowResult) -> T,
) -> Vec<T> {
    let lines = LineIndex::new(text);
    // csv reports a record after a CRLF as starting on the LF: step past line ends to the record itself.
    let line_at = |byte: u64| {
        let mut offset = usize::try_from(byte).unwrap_or(usize::MAX).min(text.len());
        while matches!(text.as_bytes().get(offset), Some(b'\r' | b'\n')) {
            offset += 1;
        }
        lines.locate(text, offset).0
    };
    let unclosed = if quoting {
        unclosed_quote(text, delimiter)
    } else {
        None
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .quoting(quoting)
        .has_headers(true)
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = match reader.headers() {
        Ok(headers) => headers.iter().map(|h| h.trim().to_string()).collect(),
        Err(e) => {
            return vec![map(Err(RowError {
                line: 1,
                column: None,
                message: format!("cannot read the header row: {e}"),
            }))];
        }
    };
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                rows.push(map(Err(RowError {
                    line: e.position().map_or(0, |p| line_at(p.byte())),
                    column: None,
                    message: e.to_string(),
                })));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| line_at(p.byte()));
        if let Some((quote_line, quote_column)) = unclosed
            && quote_line >= line
            && record.iter().any(|field| field.contains('\n'))
        {
            rows.push(map(Err(RowError {
                line: quote_line,
                column: Some(quote_column),
                message: "a quoted field opens here and is never closed; expected a closing `\"` (the rest of the file was read into it)".into(),
            })));
            continue;
        }
        if record.len() != headers.len() {
            rows.push(map(Err(RowError {
                line,
                column: None,
                message: format!(
                    "expected {} fields as in the header, found {}",
                    headers.len(),
                    record.len()
                ),
            })));
            continue;
        }
        let fields: Map<String, Value> = headers
            .iter()
            .zip(record.iter())
            .map(|(name, value)| (name.clone(), Value::String(value.to_string())))
            .collect();
        rows.push(map(Ok(RawRow { line, fields })));
    }
    rows
}

/// Line and column of a quote that opens a field and is still open at the end of the text (RFC 4180 rules).
fn unclosed_quote(text: &str, delimiter: u8) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut at_field_start = true;
    let mut open_at = None;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if open_at.is_some() {
            if b == b'"' {
                if bytes.get(i + 1) == Some(&b'"') {
                    i += 1;
                } else {
                    open_at = None;
                    at_field_start = false;
                }
            }
        } else if b == b'"' && at_field_start {
            open_at = Some(i);
        } else {
            at_field_start = b == delimiter || b == b'\n' || b == b'\r';
        }
        i += 1;
    }
    open_at.map(|offset| LineIndex::new(text).locate(text, offset))
}
