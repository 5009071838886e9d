//! `lookalike bench`: embedding throughput (length-grouped vs plain), index build, cold vs warm start, latency percentiles and recall, in one run.

mod audit;
mod export;
mod filtered;
mod heap;
pub mod queries;
mod stats;
mod words;

use std::io::Write;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::json;

use super::Context;
use super::progress::StderrProgress;
use crate::catalog::Catalog;
use crate::cli::{BenchArgs, BenchSection};
use crate::embed::bulk::{Batching, embed_all};
use crate::embed::provision::ModelFiles;
use crate::embed::{Embedder, OnnxEmbedder, Threads};
use crate::error::{Error, Result};
use crate::index::{self, Admit, Hit, Params, Scratch, exact, recall};
use crate::search::{Corpus, SearchRequest, open, open_corpus_with_model};
use stats::{PeakRss, Percentiles};

/// One embedding pass over the sample: rate and the memory it peaked at.
struct EmbedPass {
    products_per_s: f64,
    peak_rss_mb: Option<f64>,
}

fn embed_pass(
    files: &ModelFiles,
    texts: &[&str],
    batch_size: usize,
    batching: Batching,
    rss: &mut PeakRss,
) -> Result<EmbedPass> {
    let mut embedder = OnnxEmbedder::load(files, Threads::All)?;
    embedder.embed_batch(&texts[..texts.len().min(8)])?;
    rss.restart();
    let start = Instant::now();
    embed_all(&mut embedder, texts, batch_size, batching, &mut |_, _| {})?;
    Ok(EmbedPass {
        products_per_s: texts.len() as f64 / start.elapsed().as_secs_f64(),
        peak_rss_mb: rss.segment(),
    })
}

/// Every `step`-th item, cycled until there are `n` of them.
fn spread<T: Clone>(items: &[T], n: usize) -> Vec<T> {
    if items.is_empty() {
        return Vec::new();
    }
    let step = (items.len() / n.min(items.len())).max(1);
    (0..n)
        .map(|i| items[(i * step) % items.len()].clone())
        .collect()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// One point of the ef_search sweep: recall@10 against exact answers already computed, and queries/s on one thread.
#[derive(Debug, Clone, Copy, serde::Serialize)]
struct SweepPoint {
    recall: f64,
    queries_per_s: f64,
}

fn sweep_point(
    corpus: &Corpus,
    queries: &[(Vec<f32>, Option<u32>)],
    truth: &[Vec<Hit>],
    ef: usize,
) -> SweepPoint {
    let mut scratch = Scratch::default();
    let mut pass = || {
        let start = Instant::now();
        let answers: Vec<Vec<Hit>> = queries
            .iter()
            .map(|(q, exclude)| {
                corpus.graph.search(
                    &corpus.vectors,
                    q,
                    10,
                    ef,
                    Admit::all_but(exclude.as_slice()),
                    &mut scratch,
                )
            })
            .collect();
        (start.elapsed(), answers)
    };
    // The median of three passes: one pass is a fraction of a second on a shared machine.
    let mut passes = [pass(), pass(), pass()];
    passes.sort_by_key(|(elapsed, _)| *elapsed);
    let (elapsed, answers) = &passes[1];
    let elapsed = elapsed.as_secs_f64();
    let total: f64 = answers
        .iter()
        .zip(truth)
        .map(|(found, exact)| recall(found, exact))
        .sum();
    SweepPoint {
        recall: total / queries.len().max(1) as f64,
        queries_per_s: queries.len() as f64 / elapsed,
    }
}

#[allow(clippy::too_many_lines)]
pub fn run(ctx: &Context, args: &BenchArgs, out: &mut dyn Write) -> Result<()> {
    let options = ctx.open_options(Batching::LengthGrouped)?;
    let query_text = match &args.queries {
        Some(path) => std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?,
        None => queries::WANDS_QUERIES.to_string(),
    };
    let query_list = queries::parse(&query_text);
    if query_list.is_empty() {
        return Err(Error::Usage("the queries file holds no queries".into()));
    }
    if args.only == Some(BenchSection::Words) {
        let catalog = Catalog::load(&options.catalog, &options.load)?;
        let text_queries = spread(&query_list, args.min_queries.max(query_list.len()));
        let words = words::measure(&catalog, &text_queries)?;
        return super::write_out(if args.json {
            writeln!(
                out,
                "{}",
                json!({"catalog": catalog.path.display().to_string(), "products": catalog.len(), "words": words})
            )
        } else {
            writeln!(
                out,
                "catalog            {} ({} products)\n{words}",
                catalog.path.display(),
                catalog.len()
            )
        });
    }
    let files = ctx.model_files()?;
    let note = |message: &str| {
        if !ctx.common.quiet {
            eprintln!("bench: {message}");
        }
    };

    note("opening the catalog (embedding and indexing what is not cached)");
    let mut progress = StderrProgress::new(ctx.common.quiet);
    let (first_open, report) =
        open_corpus_with_model(&options, &files, &mut |p| progress.update(p))?;
    progress.finish();
    if args.only == Some(BenchSection::Audit) {
        note("auditing the whole catalog at each graph breadth");
        let audits = audit::measure(&first_open);
        let products = first_open.catalog.len();
        let path = first_open.catalog.path.display().to_string();
        return super::write_out(if args.json {
            writeln!(
                out,
                "{}",
                json!({"catalog": path, "products": products, "audit": audits})
            )
        } else {
            (|| {
                writeln!(out, "catalog            {path} ({products} products)")?;
                audits.iter().try_for_each(|point| writeln!(out, "{point}"))
            })()
        });
    }
    let n = first_open.catalog.len();
    let template = &options.settings.template;
    let texts: Vec<String> = spread(&first_open.catalog.products, args.embed_sample.min(n))
        .iter()
        .map(|p| template.render(p))
        .collect();
    // Built just now (timed, including writing its cache), or to be rebuilt below to time it.
    let build_in_open = (!report.graph_from_cache).then_some(report.index_time);
    drop(first_open);
    let sample: Vec<&str> = texts.iter().map(String::as_str).collect();
    let batch_size = options.settings.config.embed.batch_size;

    note(&format!(
        "embedding {} texts, plain batches then length-grouped",
        sample.len()
    ));
    let mut rss = PeakRss::default();
    let plain = embed_pass(&files, &sample, batch_size, Batching::InOrder, &mut rss)?;
    let grouped = embed_pass(
        &files,
        &sample,
        batch_size,
        Batching::LengthGrouped,
        &mut rss,
    )?;

    note("warm start: cached vectors and index, query model, first answer");
    heap::release_freed();
    rss.restart();
    let start = Instant::now();
    let (mut engine, warm_report) = open(&options, &files, &mut |_| {})?;
    let warm_opened = start.elapsed();
    engine.search(&SearchRequest::text(&query_list[0], 10))?;
    let warm_start = start.elapsed();
    let warm_first_answer = warm_start.saturating_sub(warm_opened);
    let corpus = Arc::clone(&engine.corpus);

    let text_queries = spread(&query_list, args.min_queries.max(query_list.len()));
    note(&format!(
        "{} text queries (embed + search)",
        text_queries.len()
    ));
    let mut scratch = Scratch::default();
    let mut text_latency = Vec::with_capacity(text_queries.len());
    let mut embed_latency = Vec::with_capacity(text_queries.len());
    let mut query_vectors = Vec::new();
    for (i, query) in text_queries.iter().enumerate() {
        let start = Instant::now();
        let vector = engine.embed_query(query)?.vector;
        embed_latency.push(start.elapsed());
        corpus.answer(
            &SearchRequest::text(query.as_str(), 10),
            Some(&vector),
            None,
            &mut scratch,
        )?;
        text_latency.push(start.elapsed());
        if i < query_list.len() {
            query_vectors.push((vector, None));
        }
    }
    let positions = spread(&(0..n).collect::<Vec<_>>(), args.min_queries);
    note(&format!("{} product-to-product queries", positions.len()));
    let mut item_latency: Vec<Duration> = positions
        .iter()
        .map(|&p| {
            let start = Instant::now();
            corpus.answer(&SearchRequest::like(p, 10), None, None, &mut scratch)?;
            Ok(start.elapsed())
        })
        .collect::<Result<_>>()?;
    let serving_peak_rss = rss.segment();
    let item_queries: Vec<(Vec<f32>, Option<u32>)> = positions
        .iter()
        .take(1000)
        .map(|&p| (corpus.vectors.row(p).to_vec(), Some(p as u32)))
        .collect();

    note("recall@10 against exact search");
    let truth = |qs: &[(Vec<f32>, Option<u32>)]| -> Vec<Vec<Hit>> {
        qs.iter()
            .map(|(q, ex)| exact::search(&corpus.vectors, q, 10, Admit::all_but(ex.as_slice())))
            .collect()
    };
    let (text_truth, item_truth) = (truth(&query_vectors), truth(&item_queries));
    let exact_start = Instant::now();
    for (q, _) in query_vectors.iter().take(200) {
        exact::search(&corpus.vectors, q, 10, Admit::ALL);
    }
    let exact_search_ms = ms(exact_start.elapsed()) / query_vectors.len().min(200) as f64;
    let sweep: Vec<(usize, SweepPoint, SweepPoint)> = args
        .ef
        .iter()
        .map(|&ef| {
            (
                ef,
                sweep_point(&corpus, &query_vectors, &text_truth, ef),
                sweep_point(&corpus, &item_queries, &item_truth, ef),
            )
        })
        .collect();

    note("filtered text queries: graph walk and flat search at each share of matches");
    let filter_queries: Vec<Vec<f32>> = query_vectors
        .iter()
        .take(200)
        .map(|(q, _)| q.clone())
        .collect();
    let filtered = filtered::measure(&corpus, &filter_queries);
    note("word index: build, size, reopen, BM25 queries alone");
    let words = words::measure(&corpus.catalog, &text_queries)?;
    note("auditing the whole catalog at each graph breadth");
    let audits = audit::measure(&corpus);

    let params = Params::from(options.settings.config.index);
    let build_time = build_in_open.unwrap_or_else(|| {
        note("building the index");
        let start = Instant::now();
        drop(index::build(&corpus.vectors, params, &mut |_, _| {}));
        start.elapsed()
    });
    let embed_all_estimate = Duration::from_secs_f64(n as f64 / grouped.products_per_s);

    let text = Percentiles::of(&mut text_latency);
    let embed = Percentiles::of(&mut embed_latency);
    let item = Percentiles::of(&mut item_latency);
    let total_index = embed_all_estimate + build_time;
    let query_threads = Threads::for_queries(&options.settings.config.embed).count();
    let result = json!({
        "catalog": corpus.catalog.path.display().to_string(),
        "products": n,
        "embedding": {
            "sample": sample.len(),
            "batch_size": batch_size,
            "plain_products_per_s": plain.products_per_s,
            "grouped_products_per_s": grouped.products_per_s,
            "grouped_over_plain": grouped.products_per_s / plain.products_per_s,
            "plain_peak_rss_mb": plain.peak_rss_mb,
            "grouped_peak_rss_mb": grouped.peak_rss_mb,
            "embedded_in_this_run": report.embedded,
        },
        "index": {
            "m": params.m, "ef_construction": params.ef_construction, "ef_search": params.ef_search, "ef_search_text": params.ef_search_text,
            "build_s": build_time.as_secs_f64(),
            "build_timed_while_opening": build_in_open.is_some(),
            "build_threads": std::thread::available_parallelism().map_or(1, std::num::NonZero::get),
            "embed_all_s": embed_all_estimate.as_secs_f64(),
            "embed_share": embed_all_estimate.as_secs_f64() / total_index.as_secs_f64(),
            "build_share": build_time.as_secs_f64() / total_index.as_secs_f64(),
        },
        "start": {
            "cold_s": total_index.as_secs_f64(),
            "warm_s": warm_start.as_secs_f64(),
            "warm_reused": warm_report.reused,
            "warm_graph_from_cache": warm_report.graph_from_cache,
            "warm_catalog_and_vectors_s": warm_report.load_time.as_secs_f64(),
            "warm_graph_s": warm_report.index_time.as_secs_f64(),
            "warm_lexical_s": warm_report.lexical_time.as_secs_f64(),
            "warm_lexical_from_cache": warm_report.lexical_from_cache,
            "warm_query_model_s": warm_report.query_model_time.as_secs_f64(),
            "warm_first_answer_s": warm_first_answer.as_secs_f64(),
        },
        "text_query": { "queries": text_queries.len(), "end_to_end": text, "embed": embed, "embed_threads": query_threads },
        "product_query": { "queries": positions.len(), "latency": item },
        "exact_search_ms": exact_search_ms,
        "filtered": filtered,
        "words": words,
        "audit": audits,
        "recall_at_10": sweep.iter().map(|(ef, t, i)| json!({"ef_search": ef, "text": t, "product": i})).collect::<Vec<_>>(),
        "serving_peak_rss_mb": serving_peak_rss,
        "peak_rss_mb": rss.whole_run(),
    });
    if let Some(dir) = &args.export {
        let queries: Vec<Vec<f32>> = query_vectors.into_iter().map(|(q, _)| q).collect();
        export::write(
            dir,
            corpus.vectors.dim(),
            corpus.vectors.as_flat(),
            &queries,
            &result,
        )?;
        note(&format!(
            "vectors, queries and figures written to {}",
            dir.display()
        ));
    }
    if args.json {
        return super::write_out(writeln!(out, "{result}"));
    }
    let mb = |v: Option<f64>| v.map_or_else(|| "n/a".to_string(), |v| format!("{v:.0} MB"));
    super::write_out((|| {
        writeln!(
            out,
            "catalog            {} ({n} products)",
            corpus.catalog.path.display()
        )?;
        writeln!(
            out,
            "embedding          plain {:.0}/s, length-grouped {:.0}/s: {:.2}x (sample {}, batch {batch_size}); peak RSS {} vs {}",
            plain.products_per_s,
            grouped.products_per_s,
            grouped.products_per_s / plain.products_per_s,
            sample.len(),
            mb(plain.peak_rss_mb),
            mb(grouped.peak_rss_mb)
        )?;
        writeln!(
            out,
            "index build        {:.3} s (M {}, ef_construction {}); of embed+build: embedding {:.1}%, build {:.1}%",
            build_time.as_secs_f64(),
            params.m,
            params.ef_construction,
            100.0 * embed_all_estimate.as_secs_f64() / total_index.as_secs_f64(),
            100.0 * build_time.as_secs_f64() / total_index.as_secs_f64()
        )?;
        writeln!(
            out,
            "start              cold (embed all + build) {:.2} s, warm (load caches + model + first answer) {:.3} s",
            total_index.as_secs_f64(),
            warm_start.as_secs_f64()
        )?;
        writeln!(
            out,
            "  warm start parts catalog + vectors {:.3} s, word index {:.3} s, graph {:.3} s, query model {:.3} s, first answer {:.3} s",
            warm_report.load_time.as_secs_f64(),
            warm_report.lexical_time.as_secs_f64(),
            warm_report.index_time.as_secs_f64(),
            warm_report.query_model_time.as_secs_f64(),
            warm_first_answer.as_secs_f64()
        )?;
        writeln!(
            out,
            "hybrid text query  {text}  (embed alone: p50 {:.3} ms, threads {query_threads}; {} queries; ef {})",
            embed.p50_ms,
            text_queries.len(),
            params.ef_search_text
        )?;
        writeln!(
            out,
            "product query      {item}  ({} queries; ef {})",
            positions.len(),
            params.ef_search
        )?;
        writeln!(out, "exact search       {exact_search_ms:.3} ms per query")?;
        for point in &filtered {
            writeln!(
                out,
                "filtered {:>7}   walk {:.3} ms (recall@10 {:.4}), flat {:.3} ms; engine: {}, {}",
                point.matching,
                point.walk_ms,
                point.walk_recall,
                point.flat_ms,
                point.engine,
                point.engine_latency
            )?;
        }
        writeln!(out, "{words}")?;
        for point in &audits {
            writeln!(out, "{point}")?;
        }
        for (ef, t, i) in &sweep {
            writeln!(
                out,
                "recall@10 ef {ef:<4}  text {:.4} ({:.0} q/s)  product {:.4} ({:.0} q/s)",
                t.recall, t.queries_per_s, i.recall, i.queries_per_s
            )?;
        }
        writeln!(
            out,
            "peak RSS           serving (warm open + queries) {}; whole run {}",
            mb(serving_peak_rss),
            mb(rss.whole_run())
        )
    })())
}
