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
        Some(Command::Audit(args)) => cmd::audit::run(&ctx, args, &mut stdout),
        Some(Command::Keys) => cmd::keys::run(&ctx, &mut stdout),
        Some(Command::Bench(args)) => cmd::bench::run(&ctx, args, &mut stdout),
        Some(Command::GenCatalog(args)) => {
            cmd::gen_catalog::run(args, ctx.common.quiet, &mut stdout)
        }
        None => cmd::interactive(&ctx, &mut stdout),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    #[cfg(feature = "tui")]
    let interactive = cli.command.is_none();
    let code = match run(cli) {
        Ok(()) => 0,
        Err(e) => {
            // Not eprintln!, which panics when stderr is gone (a hung-up terminal).
            let _ = writeln!(std::io::stderr(), "lookalike: error: {e}");
            e.exit_code()
        }
    };
    // The app can end (quit, a signal) while its engine thread is inside ONNX Runtime, embedding.
    // A normal exit runs the runtime's C++ static destructors under that thread, which can crash
    // it; with the terminal already given back and caches written by rename, end without them.
    #[cfg(feature = "tui")]
    if interactive {
        let _ = std::io::stdout().flush();
        signal_hook::low_level::exit(i32::from(code));
    }
    ExitCode::from(code)
}
