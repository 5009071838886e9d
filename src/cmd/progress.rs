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

impl StderrProgress {
    pub fn new(quiet: bool) -> Self {
        let bar = (!quiet && std::io::stderr().is_terminal()).then(|| {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
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
                ProgressStyle::with_template(
                    "{spinner} {msg:<16} [{bar:30}] {pos}/{len} ({per_sec}, eta {eta})",
                )
            } else {
                ProgressStyle::with_template("{spinner} {msg}")
            };
            if let Ok(style) = style {
                bar.set_style(style.progress_chars("=> "));
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
