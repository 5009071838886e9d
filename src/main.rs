//! lookalike's entry point: parse the command line, run the command, map errors to an exit code (0 ok, 2 usage or input, 128 + n after signal n, 1 other).

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use lookalike::cli::{Cli, Command};
use lookalike::cmd::{self, Context};
use lookalike::error::Result;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn run(cli: Cli) -> Result<()> {
    let ctx = Context::new(cli.common)?;
    let mut stdout = std::io::stdout().lock();
    match &cli.command {
        Some(Command::Setup) => cmd::setup::run(&ctx, &mut stdout),
        Some(Command::Index) => cmd::index::run(&ctx, &mut stdout),
        Some(Command::Search(args)) => cmd::search::search(&ctx, args, &mut stdout),
        Some(Command::Similar(args)) => cmd::search::similar(&ctx, args, &mut stdout),
        Some(Command::Bench(args)) => cmd::bench::run(&ctx, args, &mut stdout),
        Some(Command::GenCatalog(args)) => {
            cmd::gen_catalog::run(args, ctx.common.quiet, &mut stdout)
        }
        None => cmd::interactive(&ctx, &mut stdout),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // Not eprintln!, which panics when stderr is gone (a hung-up terminal).
            let _ = writeln!(std::io::stderr(), "lookalike: error: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}
