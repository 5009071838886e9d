//! `lookalike keys`: every key command of the interactive app with its `[keys]` name, the keys it has under the configuration in use, and what it does.

use std::io::Write;

use super::{Context, write_out};
use crate::config::Command;
use crate::error::Result;

pub fn run(ctx: &Context, out: &mut dyn Write) -> Result<()> {
    let keys = &ctx.settings.config.keys;
    let rows: Vec<(&str, String, &str)> = Command::ALL
        .iter()
        .map(|&command| {
            let mut bound = keys.of(command).join(" ");
            if keys.is_rebound(command) {
                bound.push_str("  (yours)");
            }
            (command.name(), bound, command.describe())
        })
        .collect();
    let name_width = rows.iter().map(|(name, ..)| name.len()).max().unwrap_or(0);
    let keys_width = rows
        .iter()
        .map(|(_, keys, _)| keys.len())
        .max()
        .unwrap_or(0);
    write_out((|| {
        writeln!(
            out,
            "{:name_width$}  {:keys_width$}  does",
            "command", "keys"
        )?;
        for (name, bound, describe) in &rows {
            writeln!(out, "{name:name_width$}  {bound:keys_width$}  {describe}")?;
        }
        Ok(())
    })())
}
