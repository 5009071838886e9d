//! `lookalike index`: embed the catalog (reusing cached vectors) and build its index; print counts and timings.

use std::io::Write;

use super::Context;
use super::progress::StderrProgress;
use crate::embed::bulk::Batching;
use crate::error::Result;
use crate::search::open_corpus_with_model;

pub fn run(ctx: &Context, out: &mut dyn Write) -> Result<()> {
    let options = ctx.open_options(Batching::LengthGrouped)?;
    let files = ctx.model_files()?;
    let mut progress = StderrProgress::new(ctx.common.quiet);
    let (corpus, report) = open_corpus_with_model(&options, &files, &mut |p| progress.update(p))?;
    progress.finish();
    ctx.print_notices(&report, &corpus.catalog.skipped);
    let rate = if report.embedded > 0 {
        format!(
            " ({:.0} products/s)",
            report.embedded as f64 / report.embed_time.as_secs_f64()
        )
    } else {
        String::new()
    };
    super::write_out((|| {
        writeln!(
            out,
            "{}: {} products, {} skipped",
            corpus.catalog.path.display(),
            report.products,
            report.skipped
        )?;
        let repeats = report.products - report.embedded - report.reused;
        let repeats = if repeats > 0 {
            format!(", {repeats} repeated texts embedded once")
        } else {
            String::new()
        };
        writeln!(
            out,
            "embeddings: {} embedded, {} reused from cache{repeats} in {:.2} s{rate}",
            report.embedded,
            report.reused,
            report.embed_time.as_secs_f64()
        )?;
        writeln!(
            out,
            "index: {} in {:.3} s (M {}, ef_construction {}, ef_search {}, ef_search_text {})",
            if report.graph_from_cache {
                "loaded from cache"
            } else {
                "built"
            },
            report.index_time.as_secs_f64(),
            corpus.params.m,
            corpus.params.ef_construction,
            corpus.params.ef_search,
            corpus.params.ef_search_text
        )?;
        writeln!(
            out,
            "catalog read in {:.3} s",
            report.load_time.as_secs_f64()
        )
    })())
}
