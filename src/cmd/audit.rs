//! `lookalike audit`: the near-duplicate groups and miscategorised products of a catalog, as one JSON object or two tables.

use std::io::Write;
use std::time::Instant;

use serde::Serialize;

use super::Context;
use super::output::{fit, rounded, write_aligned};
use crate::audit::{self, Audit, AuditOptions};
use crate::catalog::format_price;
use crate::cli::AuditArgs;
use crate::error::Result;
use crate::safe_text;
use crate::search::Corpus;

#[derive(Serialize)]
struct JsonGroup<'a> {
    ids: Vec<&'a str>,
    score: f32,
    differs: &'a [String],
}

#[derive(Serialize)]
struct JsonMiscategorised<'a> {
    id: &'a str,
    category: &'a str,
    suggested: &'a str,
    confidence: f32,
    neighbours: Vec<&'a str>,
}

#[derive(Serialize)]
struct JsonAudit<'a> {
    duplicates: Vec<JsonGroup<'a>>,
    miscategorised: Vec<JsonMiscategorised<'a>>,
}

pub fn run(ctx: &Context, args: &AuditArgs, out: &mut dyn Write) -> Result<()> {
    let mut engine = super::search::open_engine(ctx)?;
    let allowed = engine.allowed(args.filter.as_deref())?;
    let options = AuditOptions {
        min_score: args.min_score,
        min_confidence: args.min_confidence,
        top: args.top as usize,
        ..AuditOptions::default()
    };
    let corpus = &engine.corpus;
    let bar = super::progress::counter(ctx.common.quiet, "auditing", corpus.catalog.len());
    let start = Instant::now();
    let found = audit::run(
        corpus,
        &options,
        allowed.as_deref().map(crate::search::Allowed::mask),
        &|done| {
            if let Some(bar) = &bar {
                bar.set_position(done as u64);
            }
        },
    );
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let seconds = start.elapsed().as_secs_f64();
    super::write_out(if args.json {
        write_json(out, corpus, &found)
    } else {
        write_tables(out, corpus, &found)
    })?;
    if !ctx.common.quiet && !args.json {
        eprintln!(
            "{} duplicate groups (cosine ≥ {}) and {} miscategorised (confidence ≥ {}) of {} products audited, in {seconds:.2} s",
            found.duplicates.len(),
            args.min_score,
            found.miscategorised.len(),
            args.min_confidence,
            found.audited,
        );
    }
    Ok(())
}

fn write_json(out: &mut dyn Write, corpus: &Corpus, found: &Audit) -> std::io::Result<()> {
    let id = |position: u32| corpus.product_at(position).id.as_str();
    let duplicates = found
        .duplicates
        .iter()
        .map(|g| JsonGroup {
            ids: g.members.iter().map(|&m| id(m)).collect(),
            score: rounded(g.score),
            differs: &g.differs,
        })
        .collect();
    let miscategorised = found
        .miscategorised
        .iter()
        .map(|m| JsonMiscategorised {
            id: id(m.product),
            category: &corpus.product_at(m.product).category,
            suggested: &m.suggested,
            confidence: rounded(m.confidence),
            neighbours: m.evidence.iter().map(|h| id(h.index)).collect(),
        })
        .collect();
    serde_json::to_writer(
        &mut *out,
        &JsonAudit {
            duplicates,
            miscategorised,
        },
    )?;
    writeln!(out)
}

/// The duplicate groups, a row per member (the group's number and score on its first), then
/// the miscategorised products with the ids of their evidence.
fn write_tables(out: &mut dyn Write, corpus: &Corpus, found: &Audit) -> std::io::Result<()> {
    let text = |s: &str, width: usize| fit(&safe_text::display(s), width);
    writeln!(out, "Near-duplicate groups: {}", found.duplicates.len())?;
    let mut rows = Vec::new();
    for (n, group) in found.duplicates.iter().enumerate() {
        for (i, &member) in group.members.iter().enumerate() {
            let p = corpus.product_at(member);
            let first = i == 0;
            rows.push(vec![
                if first {
                    (n + 1).to_string()
                } else {
                    String::new()
                },
                if first {
                    format!("{:.3}", group.score)
                } else {
                    String::new()
                },
                text(&p.id, 20),
                text(&p.title, 56),
                p.price.map(format_price).unwrap_or_default(),
                if first {
                    group.differs.join(", ")
                } else {
                    String::new()
                },
            ]);
        }
    }
    let header = ["#", "score", "id", "title", "price", "differs"];
    write_aligned(out, &header, &rows, &[0, 1, 4])?;
    writeln!(out)?;
    writeln!(
        out,
        "Miscategorised products: {}",
        found.miscategorised.len()
    )?;
    let rows: Vec<Vec<String>> = found
        .miscategorised
        .iter()
        .enumerate()
        .map(|(n, m)| {
            let p = corpus.product_at(m.product);
            let evidence: Vec<&str> = m
                .evidence
                .iter()
                .take(3)
                .map(|h| corpus.product_at(h.index).id.as_str())
                .collect();
            vec![
                (n + 1).to_string(),
                format!("{:.2}", m.confidence),
                format!("{:.3}", m.margin),
                text(&p.id, 20),
                text(&p.title, 44),
                text(&p.category, 24),
                text(&m.suggested, 24),
                text(&evidence.join(", "), 40),
            ]
        })
        .collect();
    let header = [
        "#",
        "confidence",
        "margin",
        "id",
        "title",
        "category",
        "suggested",
        "evidence",
    ];
    write_aligned(out, &header, &rows, &[0, 1, 2])
}
