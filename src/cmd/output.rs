//! How answers are printed: one JSON object per answer, or an aligned table of display-safe text.

use std::io::Write;

use serde::Serialize;

use crate::catalog::format_price;
use crate::safe_text;
use crate::search::{Answer, Corpus, FoundBy};

#[derive(Serialize)]
struct JsonHit<'a> {
    rank: usize,
    id: &'a str,
    title: &'a str,
    score: f32,
    /// The cosine, or null when the semantic side did not return the product.
    semantic: Option<f32>,
    /// The BM25 score, or null when the lexical side did not return the product.
    lexical: Option<f32>,
    /// The query's words found in the product.
    matched: &'a [String],
}

/// What an answer was for: a text query, a product id, or products to be like and unlike.
pub enum Subject<'a> {
    Query(&'a str),
    Id(&'a str),
    Examples {
        positive: &'a [String],
        negative: &'a [String],
    },
}

#[derive(Serialize)]
struct JsonAnswer<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    query: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    positive: Option<&'a [String]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    negative: Option<&'a [String]>,
    results: Vec<JsonHit<'a>>,
}

/// Scores rounded for output: four decimals are all a cosine carries here.
pub fn rounded(score: f32) -> f32 {
    (score * 10_000.0).round() / 10_000.0
}

pub fn write_json(
    out: &mut dyn Write,
    corpus: &Corpus,
    subject: &Subject,
    answer: &Answer,
) -> std::io::Result<()> {
    let (query, id, positive, negative) = match subject {
        Subject::Query(q) => (Some(*q), None, None, None),
        Subject::Id(i) => (None, Some(*i), None, None),
        Subject::Examples { positive, negative } => (None, None, Some(*positive), Some(*negative)),
    };
    let results = answer
        .hits
        .iter()
        .enumerate()
        .map(|(i, hit)| {
            let product = corpus.product(hit);
            JsonHit {
                rank: i + 1,
                id: &product.id,
                title: &product.title,
                score: rounded(hit.score),
                semantic: hit.semantic.map(rounded),
                lexical: hit.lexical.map(rounded),
                matched: &hit.matched,
            }
        })
        .collect();
    serde_json::to_writer(
        &mut *out,
        &JsonAnswer {
            query,
            id,
            positive,
            negative,
            results,
        },
    )?;
    writeln!(out)
}

/// Cuts display text to `width` characters, marking the cut with `…`.
pub fn fit(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        text.to_string()
    } else {
        let mut cut: String = text.chars().take(width.saturating_sub(1)).collect();
        cut.push('…');
        cut
    }
}

pub fn write_table(out: &mut dyn Write, corpus: &Corpus, answer: &Answer) -> std::io::Result<()> {
    let rows: Vec<Vec<String>> = answer
        .hits
        .iter()
        .enumerate()
        .map(|(i, hit)| {
            let p = corpus.product(hit);
            vec![
                (i + 1).to_string(),
                format!("{:.3}", hit.score),
                hit.found_by().map_or("", FoundBy::word).to_string(),
                fit(&safe_text::display(&p.id), 20),
                fit(&safe_text::display(&p.title), 56),
                fit(&safe_text::display(&p.category), 24),
                p.price.map(format_price).unwrap_or_default(),
            ]
        })
        .collect();
    let header = ["#", "score", "found by", "id", "title", "category", "price"];
    write_aligned(out, &header, &rows, &[0, 1, 6])
}

/// A table: a header and rows of cells, each column as wide as its widest cell, the columns
/// `right` names right-aligned (numbers) and the rest left-aligned, two spaces apart.
pub fn write_aligned(
    out: &mut dyn Write,
    header: &[&str],
    rows: &[Vec<String>],
    right: &[usize],
) -> std::io::Result<()> {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        widths.resize(widths.len().max(row.len()), 0);
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: &mut dyn Iterator<Item = &str>| {
        let mut s = String::new();
        for (i, cell) in cells.enumerate() {
            let pad = " ".repeat(widths[i] - cell.chars().count());
            if right.contains(&i) {
                s.push_str(&pad);
                s.push_str(cell);
            } else {
                s.push_str(cell);
                s.push_str(&pad);
            }
            s.push_str("  ");
        }
        s.trim_end().to_string()
    };
    writeln!(out, "{}", line(&mut header.iter().copied()))?;
    for row in rows {
        writeln!(out, "{}", line(&mut row.iter().map(String::as_str)))?;
    }
    Ok(())
}
