//! Progress on stderr for long work (setup, embedding, indexing): a bar on a terminal, nothing otherwise or with --quiet, except one line when waiting for another lookalike (so a pause is never silent).

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::search::{Progress, Stage};

/// Draws open progress as a bar per stage.
pub struct StderrProgress {
    bar: Option<ProgressBar>,
    stage: Option<Stage>,
    quiet: bool,
}

/// A ticking bar on stderr when it is a terminal and not quiet.
fn terminal_bar(quiet: bool) -> Option<ProgressBar> {
    (!quiet && std::io::stderr().is_terminal()).then(|| {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        bar.enable_steady_tick(Duration::from_millis(120));
        bar
    })
}

/// The bar of a stage whose total is known: what, how far, how fast, how long still.
fn counting_style() -> Result<ProgressStyle, indicatif::style::TemplateError> {
    ProgressStyle::with_template(
        "{spinner} {msg:<16} [{bar:30}] {pos}/{len} ({per_sec}, eta {eta})",
    )
    .map(|style| style.progress_chars("=> "))
}

/// A bar counting to `total` for one long step outside opening (the audit's pass); None when
/// there is no terminal or quiet.
pub fn counter(quiet: bool, message: &str, total: usize) -> Option<ProgressBar> {
    let bar = terminal_bar(quiet)?;
    if let Ok(style) = counting_style() {
        bar.set_style(style);
    }
    bar.set_message(message.to_string());
    bar.set_length(total as u64);
    Some(bar)
}

impl StderrProgress {
    pub fn new(quiet: bool) -> Self {
        let bar = terminal_bar(quiet);
        Self {
            bar,
            stage: None,
            quiet,
        }
    }

    pub fn update(&mut self, progress: Progress) {
        let Some(bar) = &self.bar else {
            if progress.stage == Stage::WaitingForCache && !self.quiet {
                eprintln!("lookalike: {}", progress.stage);
            }
            return;
        };
        if self.stage != Some(progress.stage) {
            self.stage = Some(progress.stage);
            let style = if progress.total > 0 {
                counting_style()
            } else {
                ProgressStyle::with_template("{spinner} {msg}")
            };
            if let Ok(style) = style {
                bar.set_style(style);
            }
            bar.set_message(progress.stage.to_string());
            bar.reset();
            bar.set_length(progress.total as u64);
        }
        bar.set_position(progress.done as u64);
    }

    /// A status line (setup's steps) on the spinner.
    pub fn status(&mut self, message: &str) {
        if let Some(bar) = &self.bar {
            if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} ({elapsed})") {
                bar.set_style(style);
            }
            bar.set_message(message.to_string());
        }
    }

    pub fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}

impl Drop for StderrProgress {
    fn drop(&mut self) {
        self.finish();
    }
}
