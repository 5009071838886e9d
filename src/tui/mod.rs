//! The interactive terminal app.

use crate::cmd::Context;
use crate::error::Result;

/// Runs the app until the user quits.
pub fn run(ctx: &Context) -> Result<()> {
    crate::cmd::index::run(ctx, &mut std::io::stdout())
}
