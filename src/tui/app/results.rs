//! Where the shown results come from: the worker's replies (progress, ready, answers of the newest generation), a changed query line, and the look-alikes of the selection.

use std::time::Instant;

use tracing::{debug, info, warn};

use super::picker::Picker;
use super::{ALIKE_COUNT, AnswerInfo, App, AuditState, Effect, Phase, RESULT_COUNT, Subject};
use crate::search::{Examples, SearchRequest};
use crate::tui::action::{Pane, Purpose, Reply};

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
            Reply::Answer {
                purpose: Purpose::Results,
                generation,
                result,
            } => {
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
            Reply::AuditProgress {
                generation,
                done,
                total,
            } => self.audit_reply(generation, AuditState::Running { done, total }),
            Reply::Audited { generation, result } => {
                let state = result.map_or_else(AuditState::Failed, AuditState::Ready);
                self.audit_reply(generation, state);
            }
            Reply::Answer {
                purpose: Purpose::Alikes,
                generation,
                result,
            } => {
                if generation != self.alike_generation {
                    return;
                }
                self.alike_shown = generation;
                match result {
                    Ok(answer) => self.alikes = Picker::new(answer.hits, true),
                    Err(message) => self.say(format!("search failed: {message}"), true),
                }
                if self.alikes.is_empty() {
                    self.focus = Pane::Results;
                }
                self.fit();
            }
        }
    }

    /// Moves the semantic ratio by `tenths` of the way between words only (0) and meaning only
    /// (1), and asks again.
    pub(super) fn step_ratio(&mut self, tenths: i8) {
        let stepped = (self.semantic_ratio * 10.0).round() + f32::from(tenths);
        self.semantic_ratio = stepped.clamp(0.0, 10.0) / 10.0;
        self.query_changed();
    }

    /// The query text changed (or the engine became ready): a new generation, and its results
    /// now (catalog order for an empty line) or from the worker.
    pub(super) fn query_changed(&mut self) {
        self.generation += 1;
        let text = self.query_text().trim().to_string();
        if self.corpus().is_none() || !matches!(self.step().subject, Subject::Query(_)) {
            self.shown = self.generation;
            return;
        }
        if text.is_empty() {
            self.shown = self.generation;
            let list = self.catalog_order();
            let step = self.step_mut();
            step.list = list;
            step.info = None;
            self.focus = Pane::Results;
            self.refresh_alikes();
        } else {
            let request = SearchRequest {
                semantic_ratio: self.semantic_ratio,
                filter: self.filter.clone(),
                ..SearchRequest::text(text, RESULT_COUNT)
            };
            self.search(Purpose::Results, request);
        }
    }

    /// Asks the worker for a search; results are of the current generation, look-alikes of
    /// a generation of their own.
    pub(super) fn search(&mut self, purpose: Purpose, request: SearchRequest) {
        let generation = match purpose {
            Purpose::Results => self.generation,
            Purpose::Alikes => {
                self.alike_generation += 1;
                self.alike_generation
            }
        };
        self.effects.push(Effect::Search {
            purpose,
            generation,
            request,
        });
    }

    /// Asks for products like the examples, under the filter.
    pub(super) fn search_examples(&mut self, purpose: Purpose, examples: Examples, k: usize) {
        let request = SearchRequest {
            filter: self.filter.clone(),
            ..SearchRequest::steered(examples, k)
        };
        self.search(purpose, request);
    }

    /// Asks for the look-alikes of the selected result (stored vectors, no embedding); the ones
    /// shown stay until they come.
    pub(super) fn refresh_alikes(&mut self) {
        if let Some(position) = self.step().list.selected_hit().map(|h| h.index as usize) {
            self.search_examples(Purpose::Alikes, Examples::one(position), ALIKE_COUNT);
        } else {
            self.alike_generation += 1;
            self.alike_shown = self.alike_generation;
            self.alikes = Picker::default();
            self.focus = Pane::Results;
            self.fit();
        }
    }

    /// Keeps each selection in view after a resize or a new list.
    pub(super) fn fit(&mut self) {
        let areas = self.areas();
        let (results, alikes) = (areas.result_rows(), areas.alike_rows());
        self.step_mut().list.fit(results);
        self.alikes.fit(alikes);
    }
}
