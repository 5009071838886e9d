//! `lookalike search` and `lookalike similar`: answers for text queries (one, or a file of them) and for a product id.

use std::io::{BufRead, Write};

use super::Context;
use super::output::{Subject, write_json, write_table};
use super::progress::StderrProgress;
use crate::cli::{ResultArgs, SearchArgs, SimilarArgs};
use crate::embed::MAX_TOKENS;
use crate::embed::bulk::Batching;
use crate::error::{Error, Result};
use crate::index::Method;
use crate::search::{Answer, Engine, Examples, Input, Mode, SearchRequest, open};

pub(super) fn open_engine(ctx: &Context) -> Result<Engine> {
    let options = ctx.open_options(Batching::LengthGrouped)?;
    let files = ctx.model_files()?;
    let mut progress = StderrProgress::new(ctx.common.quiet);
    let (engine, report) = open(&options, &files, &mut |p| progress.update(p))?;
    progress.finish();
    ctx.print_notices(&report, &engine.corpus.catalog.skipped);
    Ok(engine)
}

fn method(args: &ResultArgs) -> Method {
    if args.exact {
        Method::Exact
    } else {
        Method::Hnsw
    }
}

fn print(
    ctx: &Context,
    engine: &Engine,
    out: &mut dyn Write,
    args: &ResultArgs,
    subject: &Subject,
    answer: &Answer,
) -> Result<()> {
    let corpus = &engine.corpus;
    super::write_out(if args.json {
        write_json(out, corpus, subject, answer)
    } else {
        write_table(out, corpus, answer)
    })?;
    if !ctx.common.quiet && !args.json {
        let embed = answer
            .embed_time
            .map(|t| format!("embed {:.1} ms, ", t.as_secs_f64() * 1e3))
            .unwrap_or_default();
        let matching = answer
            .matching
            .map(|m| format!(" ({m} match the filter)"))
            .unwrap_or_default();
        // The method is the semantic side's; words alone are BM25's.
        let method = match answer.mode {
            Mode::Lexical => "BM25".to_string(),
            Mode::Hybrid | Mode::Semantic => answer.method.to_string(),
        };
        eprintln!(
            "{} results from {} products{matching}, {} in {embed}{method} {:.2} ms{}",
            answer.hits.len(),
            corpus.catalog.len(),
            answer.mode,
            answer.search_time.as_secs_f64() * 1e3,
            if answer.truncated {
                format!(" (query cut to the model's {MAX_TOKENS} tokens)")
            } else {
                String::new()
            }
        );
    }
    Ok(())
}

/// The request for a text query with the command's options.
fn text_request(args: &SearchArgs, query: &str) -> SearchRequest {
    SearchRequest {
        input: Input::Text(query.to_string()),
        mode: args.mode,
        semantic_ratio: args.semantic_ratio,
        filter: args.results.filter.clone(),
        k: args.results.top_k as usize,
        method: method(&args.results),
    }
}

pub fn search(ctx: &Context, args: &SearchArgs, out: &mut dyn Write) -> Result<()> {
    if let Some(path) = &args.queries_file {
        let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
        let mut engine = open_engine(ctx)?;
        // A bad filter is said once, before any answer.
        engine.allowed(args.results.filter.as_deref())?;
        for (i, line) in std::io::BufReader::new(file).lines().enumerate() {
            let line = line.map_err(|e| {
                Error::Usage(format!(
                    "{}:{}: cannot read the query: {e}; expected UTF-8 text",
                    path.display(),
                    i + 1
                ))
            })?;
            let query = line.trim();
            let answer = if query.is_empty() {
                Answer {
                    hits: Vec::new(),
                    mode: args.mode,
                    method: method(&args.results),
                    matching: None,
                    embed_time: None,
                    search_time: std::time::Duration::ZERO,
                    truncated: false,
                }
            } else {
                engine.search(&text_request(args, query))?
            };
            print(
                ctx,
                &engine,
                out,
                &args.results,
                &Subject::Query(query),
                &answer,
            )?;
        }
        return Ok(());
    }
    let query = args.query.join(" ");
    if query.trim().is_empty() {
        return Err(Error::Usage(
            "the query is empty; expected some words to search for".into(),
        ));
    }
    let mut engine = open_engine(ctx)?;
    let answer = engine.search(&text_request(args, query.trim()))?;
    print(
        ctx,
        &engine,
        out,
        &args.results,
        &Subject::Query(query.trim()),
        &answer,
    )
}

/// The catalog positions of `ids`, in order and each once; every id the catalog lacks is named.
fn positions(engine: &Engine, ids: &[String]) -> Result<Vec<usize>> {
    let catalog = &engine.corpus.catalog;
    let mut unknown = Vec::new();
    let mut found = Vec::with_capacity(ids.len());
    for id in ids {
        match catalog.position(id) {
            Some(p) if !found.contains(&p) => found.push(p),
            None if !unknown.contains(id) => unknown.push(id.clone()),
            Some(_) | None => {}
        }
    }
    if unknown.is_empty() {
        Ok(found)
    } else {
        Err(Error::UnknownIds {
            ids: unknown,
            catalog: catalog.path.display().to_string(),
        })
    }
}

pub fn similar(ctx: &Context, args: &SimilarArgs, out: &mut dyn Write) -> Result<()> {
    let mut engine = open_engine(ctx)?;
    // Every unknown id on either side is named in one error.
    let all: Vec<String> = args.id.iter().chain(&args.not).cloned().collect();
    let mut found = positions(&engine, &all)?;
    if let Some(both) = args.id.iter().find(|id| args.not.contains(id)) {
        return Err(Error::Usage(format!(
            "{both:?} is given with both --id and --not; expected each product on one side"
        )));
    }
    // No id is on both sides, so the first positions found are the positives'.
    let positives = positions(&engine, &args.id)?.len();
    let negative = found.split_off(positives);
    let positive = found;
    let request = SearchRequest {
        input: Input::Like(Examples {
            positive,
            negative,
            strategy: args.strategy,
        }),
        mode: Mode::Semantic,
        semantic_ratio: 1.0,
        filter: args.results.filter.clone(),
        k: args.results.top_k as usize,
        method: method(&args.results),
    };
    let answer = engine.search(&request)?;
    let subject = match (args.id.as_slice(), args.not.is_empty()) {
        ([id], true) => Subject::Id(id),
        _ => Subject::Examples {
            positive: &args.id,
            negative: &args.not,
        },
    };
    print(ctx, &engine, out, &args.results, &subject, &answer)
}
