//! Where the shown results come from: the worker's replies (progress, ready, answers of the newest generation), a changed query line, and the look-alikes of the selection.

use std::time::Instant;

use tracing::{debug, info, warn};

use super::picker::Picker;
use super::{ALIKE_COUNT, AnswerInfo, App, Effect, Phase, Subject};
use crate::index::Method;
use crate::tui::action::{Pane, Reply};

impl App {
    pub(super) fn reply(&mut self, reply: Reply, at: Instant) {
        match reply {
            Reply::Progress(progress) => {
                if let Phase::Starting(startup) = &mut self.phase {
                    if startup.progress.is_none_or(|p| p.stage != progress.stage) {
                        startup.stage_started = at;
                    }
                    startup.progress = Some(progress);
                }
            }
            Reply::Ready { corpus, report } => {
                info!(
                    products = report.products,
                    embedded = report.embedded,
                    reused = report.reused,
                    graph_from_cache = report.graph_from_cache,
                    "catalog open"
                );
                for notice in &report.notices {
                    warn!("{notice}");
                }
                if let Some(notice) = report.notices.first() {
                    self.say(notice.to_string(), false);
                } else if report.skipped > 0 {
                    self.say(format!("skipped {} invalid rows", report.skipped), false);
                }
                self.phase = Phase::Ready(corpus);
                self.query_changed();
            }
            Reply::Failed(error) => {
                self.phase = Phase::Failed(error.to_string());
                self.error = Some(error);
            }
            Reply::Answer { generation, result } => {
                if generation != self.generation {
                    debug!(generation, newest = self.generation, "stale answer dropped");
                    return;
                }
                self.shown = generation;
                match result {
                    Ok(answer) => {
                        let step = self.step_mut();
                        step.info = Some(AnswerInfo::from(&answer));
                        step.list = Picker::new(answer.hits, true);
                        self.focus = Pane::Results;
                        self.refresh_alikes();
                    }
                    Err(message) => self.say(format!("search failed: {message}"), true),
                }
            }
        }
    }

    /// The query text changed (or the engine became ready): a new generation, and its results
    /// now (catalog order for an empty line) or from the worker.
    pub(super) fn query_changed(&mut self) {
        self.generation += 1;
        let text = self.query_text().trim().to_string();
        let Some(corpus) = self.corpus().cloned() else {
            self.shown = self.generation;
            return;
        };
        if !matches!(self.step().subject, Subject::Query(_)) {
            self.shown = self.generation;
            return;
        }
        if text.is_empty() {
            self.shown = self.generation;
            let step = self.step_mut();
            step.list = Picker::catalog_order(corpus.catalog.len());
            step.info = None;
            self.focus = Pane::Results;
            self.refresh_alikes();
        } else {
            self.effects.push(Effect::Query {
                generation: self.generation,
                text,
            });
        }
    }

    /// Recomputes the look-alikes of the selected result (stored vectors, no embedding).
    pub(super) fn refresh_alikes(&mut self) {
        let Some(corpus) = self.corpus().cloned() else {
            return;
        };
        self.alikes = match self.step().list.selected_hit() {
            Some(hit) => {
                let answer = corpus.similar(
                    hit.index as usize,
                    ALIKE_COUNT,
                    Method::Hnsw,
                    &mut self.scratch,
                );
                Picker::new(answer.hits, true)
            }
            None => Picker::default(),
        };
        if self.alikes.is_empty() {
            self.focus = Pane::Results;
        }
        self.fit();
    }

    /// Keeps each selection in view after a resize or a new list.
    pub(super) fn fit(&mut self) {
        let areas = self.areas();
        let (results, alikes) = (areas.result_rows(), areas.alike_rows());
        self.step_mut().list.fit(results);
        self.alikes.fit(alikes);
    }
}
