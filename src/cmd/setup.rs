//! `lookalike setup`: install or verify the model, tokenizer and ONNX Runtime under the data dir.

use std::io::{IsTerminal, Write};
use std::time::Instant;

use super::Context;
use super::progress::StderrProgress;
use crate::embed::provision::{self, SetupOutcome};
use crate::error::Result;

pub fn run(ctx: &Context, out: &mut dyn Write) -> Result<()> {
    let start = Instant::now();
    let quiet = ctx.common.quiet;
    let mut progress = StderrProgress::new(quiet);
    let plain_status = !quiet && !std::io::stderr().is_terminal();
    let outcome = provision::setup(&ctx.dirs, &mut |message| {
        progress.status(message);
        if plain_status {
            eprintln!("lookalike setup: {message}");
        }
    })?;
    progress.finish();
    if !quiet {
        let what = match outcome {
            SetupOutcome::AlreadyInstalled => "already installed and verified",
            SetupOutcome::Installed => "installed and verified",
        };
        super::write_out(writeln!(
            out,
            "model and runtime {what} in {:.2} s: {}",
            start.elapsed().as_secs_f64(),
            ctx.dirs.data.display()
        ))?;
    }
    Ok(())
}
