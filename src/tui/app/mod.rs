//! The app's whole state, and [`App::update`], the one place where it changes. Side effects (a query for the worker, a copy, an export) are queued as [`Effect`]s for the event loop to carry out.

mod commands;
mod filter;
mod lens;
pub mod line;
pub mod picker;
mod results;

use std::sync::Arc;
use std::time::{Duration, Instant};

use ratatui::layout::Rect;

pub use self::filter::FilterEdit;
pub use self::lens::{AuditState, Lens, LensRow};
use self::line::LineEditor;
use self::picker::Picker;
use super::action::{Action, Outcome, Pane, Purpose};
use super::keymap::Keymap;
use super::theme::Theme;
use super::view::layout::Areas;
use crate::catalog::{Product, format_price};
use crate::error::Error;
use crate::index::Method;
use crate::search::{
    Answer, Corpus, DEFAULT_SEMANTIC_RATIO, Examples, Progress, SearchRequest, Steering,
};

/// How many products a text query or a pivot asks for.
pub const RESULT_COUNT: usize = 100;
/// How many look-alikes of the selected product are shown.
pub const ALIKE_COUNT: usize = 20;
/// How long a message stays in the status bar.
const FLASH_FOR: Duration = Duration::from_secs(6);

/// Where the engine is.
pub enum Phase {
    Starting(Startup),
    Ready(Arc<Corpus>),
    /// The catalog or the model could not be opened: the message, shown until the user quits.
    Failed(String),
}

impl Phase {
    /// The corpus, once the engine is ready.
    pub fn corpus(&self) -> Option<&Arc<Corpus>> {
        match self {
            Self::Ready(corpus) => Some(corpus),
            _ => None,
        }
    }
}

/// Progress of opening, with the times needed for an estimate.
#[derive(Debug, Clone)]
pub struct Startup {
    pub progress: Option<Progress>,
    pub started: Instant,
    pub stage_started: Instant,
}

/// What the results are: the answer to a text query, or the products like the kept examples
/// and unlike the rejected ones (a pivot keeps one).
#[derive(Debug, Clone, PartialEq)]
pub enum Subject {
    Query(LineEditor),
    Like {
        kept: Vec<Example>,
        rejected: Vec<Example>,
    },
}

impl Subject {
    /// Products like the product at `position`: a pivot.
    pub fn like(position: usize, title: String) -> Self {
        Self::Like {
            kept: vec![Example { position, title }],
            rejected: Vec::new(),
        }
    }

    /// The examples to steer by, for a `Like` subject.
    pub fn examples(&self) -> Option<Examples> {
        let Self::Like { kept, rejected } = self else {
            return None;
        };
        let positions = |marks: &[Example]| marks.iter().map(|m| m.position).collect();
        Some(Examples {
            positive: positions(kept),
            negative: positions(rejected),
            strategy: Steering::default(),
        })
    }
}

/// A product kept or rejected as an example: its catalog position, and its title for the chips.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    pub position: usize,
    pub title: String,
}

/// How the shown answer was found, for the status bar.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AnswerInfo {
    pub method: Method,
    pub embed_time: Option<Duration>,
    pub search_time: Duration,
    pub truncated: bool,
}

impl From<&Answer> for AnswerInfo {
    fn from(a: &Answer) -> Self {
        Self {
            method: a.method,
            embed_time: a.embed_time,
            search_time: a.search_time,
            truncated: a.truncated,
        }
    }
}

/// One step of the trail: what was asked, its results and where the selection was.
#[derive(Debug, Clone)]
pub struct Step {
    pub subject: Subject,
    pub list: Picker,
    pub info: Option<AnswerInfo>,
}

/// A message in the status bar until `until`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flash {
    pub text: String,
    pub error: bool,
    pub until: Instant,
}

/// Something for the event loop to do outside the state.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// A search for the worker; its answer comes back with the same purpose and generation.
    Search {
        purpose: Purpose,
        generation: u64,
        request: SearchRequest,
    },
    /// An audit for the lens; its progress and result come back with the same generation.
    Audit {
        generation: u64,
        filter: Option<String>,
    },
    Copy(String),
    Export(Table),
    /// Give the terminal back and stop the process until the shell resumes it.
    Suspend,
}

/// A list to save as CSV (Ctrl-S): the result list, or the audit lens.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// The file name's middle part: `lookalike-<name>-<time>.csv`.
    pub name: &'static str,
    /// What its rows are, for the message once saved (`saved 12 results to …`).
    pub noun: &'static str,
    pub header: &'static [&'static str],
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// A product's cells in a saved list: id, title, category, brand, price.
    pub fn product_cells(product: &Product) -> [String; 5] {
        [
            product.id.clone(),
            product.title.clone(),
            product.category.clone(),
            product.brand.clone(),
            product.price.map(format_price).unwrap_or_default(),
        ]
    }
}

pub struct App {
    keymap: Keymap,
    theme: Theme,
    catalog_name: String,
    phase: Phase,
    /// Never empty; the last step is what is shown.
    trail: Vec<Step>,
    alikes: Picker,
    focus: Pane,
    help: bool,
    flash: Option<Flash>,
    /// The generation of the newest query; answers to older ones are dropped.
    generation: u64,
    /// The generation whose answer is shown (equal to `generation` when nothing is pending).
    shown: u64,
    size: Rect,
    now: Instant,
    quit: bool,
    /// Why opening failed, handed back to the caller when the app ends.
    error: Option<Error>,
    effects: Vec<Effect>,
    /// The generation of the newest look-alikes search; older answers are dropped.
    alike_generation: u64,
    /// The generation of the look-alikes shown.
    alike_shown: u64,
    /// The filter expression applied to the results and the look-alikes.
    filter: Option<String>,
    /// The filter line, while one is typed (Ctrl-F).
    filter_edit: Option<FilterEdit>,
    /// The weight of meaning in hybrid search, in tenths from 0 (words only) to 1 (meaning only).
    semantic_ratio: f32,
    /// The audit lens's audit and selection, kept while the lens is closed.
    lens: Option<Lens>,
    /// Whether the audit lens is shown.
    lens_open: bool,
}

impl App {
    pub fn new(
        keymap: Keymap,
        theme: Theme,
        catalog_name: String,
        size: Rect,
        now: Instant,
    ) -> Self {
        Self {
            keymap,
            theme,
            catalog_name,
            phase: Phase::Starting(Startup {
                progress: None,
                started: now,
                stage_started: now,
            }),
            trail: vec![Step {
                subject: Subject::Query(LineEditor::default()),
                list: Picker::default(),
                info: None,
            }],
            alikes: Picker::default(),
            focus: Pane::Results,
            help: false,
            flash: None,
            generation: 0,
            shown: 0,
            size,
            now,
            quit: false,
            error: None,
            effects: Vec::new(),
            alike_generation: 0,
            alike_shown: 0,
            filter: None,
            filter_edit: None,
            semantic_ratio: DEFAULT_SEMANTIC_RATIO,
            lens: None,
            lens_open: false,
        }
    }

    /// The weight of meaning in hybrid search: 0 is words only, 1 meaning only.
    pub fn semantic_ratio(&self) -> f32 {
        self.semantic_ratio
    }

    pub fn keymap(&self) -> &Keymap {
        &self.keymap
    }

    pub fn theme(&self) -> &Theme {
        &self.theme
    }

    pub fn catalog_name(&self) -> &str {
        &self.catalog_name
    }

    pub fn phase(&self) -> &Phase {
        &self.phase
    }

    /// The pivot trail: never empty, the last step is the one shown.
    pub fn trail(&self) -> &[Step] {
        &self.trail
    }

    pub fn alikes(&self) -> &Picker {
        &self.alikes
    }

    pub fn focus(&self) -> Pane {
        self.focus
    }

    pub fn help_open(&self) -> bool {
        self.help
    }

    pub fn flash(&self) -> Option<&Flash> {
        self.flash.as_ref()
    }

    /// The generation of the newest query.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// The generation whose answer is shown.
    pub fn shown(&self) -> u64 {
        self.shown
    }

    /// The time of the latest tick, for animations and elapsed times.
    pub fn now(&self) -> Instant {
        self.now
    }

    /// The user asked to quit, or opening failed.
    pub fn should_quit(&self) -> bool {
        self.quit
    }

    /// Why opening failed, once: the caller returns it when the app ends.
    pub fn take_error(&mut self) -> Option<Error> {
        self.error.take()
    }

    pub fn step(&self) -> &Step {
        self.trail.last().expect("the trail is never empty")
    }

    fn step_mut(&mut self) -> &mut Step {
        self.trail.last_mut().expect("the trail is never empty")
    }

    pub fn corpus(&self) -> Option<&Arc<Corpus>> {
        self.phase.corpus()
    }

    /// The filter in force on the results and the look-alikes.
    pub fn filter(&self) -> Option<&str> {
        self.filter.as_deref()
    }

    /// The filter line, while a filter is being typed.
    pub fn filter_edit(&self) -> Option<&FilterEdit> {
        self.filter_edit.as_ref()
    }

    pub fn areas(&self) -> Areas {
        Areas::new(self.size)
    }

    /// The text of the query line (empty for a pivot).
    pub fn query_text(&self) -> &str {
        match &self.step().subject {
            Subject::Query(line) => line.text(),
            Subject::Like { .. } => "",
        }
    }

    /// The list with the focus.
    pub fn focused(&self) -> &Picker {
        match self.focus {
            Pane::Results => &self.step().list,
            Pane::Alikes => &self.alikes,
        }
    }

    /// The product the detail pane shows: the selection of the focused list.
    pub fn selected_position(&self) -> Option<usize> {
        self.focused().selected_hit().map(|h| h.index as usize)
    }

    /// Whether a query is on its way to the worker or being answered.
    pub fn pending(&self) -> bool {
        self.shown != self.generation
    }

    /// Whether look-alikes asked for have not come yet (the ones before them are shown).
    pub fn alikes_pending(&self) -> bool {
        self.alike_shown != self.alike_generation
    }

    /// Whether the screen changes by itself (a spinner, an estimate, a message to fade).
    pub fn animating(&self) -> bool {
        let auditing = self
            .lens()
            .is_some_and(|l| matches!(l.state, AuditState::Running { .. }));
        matches!(self.phase, Phase::Starting(_))
            || self.pending()
            || auditing
            || self.flash.is_some()
    }

    /// Takes the side effects queued by the last updates.
    pub fn take_effects(&mut self) -> Vec<Effect> {
        std::mem::take(&mut self.effects)
    }

    /// Applies one action.
    pub fn update(&mut self, action: Action) {
        match action {
            Action::Command(command) => self.command(command),
            Action::Insert(c) => self.insert(&c.to_string()),
            Action::Paste(text) => self.insert(&text),
            Action::Scroll { column, row, lines } => self.scroll(column, row, lines),
            Action::Click { column, row } => self.click(column, row),
            Action::Resize { width, height } => {
                self.size = Rect::new(0, 0, width, height);
                self.fit();
            }
            Action::Tick(now) => self.tick(now),
            Action::Worker { reply, at } => {
                self.tick(at);
                self.reply(reply, at);
            }
            Action::Done(Ok(Outcome::Copied(id))) => {
                self.say(format!("copied {id} (OSC 52)"), false);
            }
            Action::Done(Ok(Outcome::Exported { path, rows, noun })) => {
                self.say(format!("saved {rows} {noun} to {}", path.display()), false);
            }
            Action::Done(Err(message)) => self.say(message, true),
        }
    }

    fn tick(&mut self, now: Instant) {
        self.now = now;
        if self.flash.as_ref().is_some_and(|f| f.until <= now) {
            self.flash = None;
        }
    }

    pub fn say(&mut self, text: String, error: bool) {
        self.flash = Some(Flash {
            text,
            error,
            until: self.now + FLASH_FOR,
        });
    }

    fn insert(&mut self, text: &str) {
        if self.help {
            self.help = false;
            return;
        }
        if self.filter_insert(text) || self.lens_open {
            return;
        }
        if text == "?" && self.query_text().is_empty() {
            self.help = true;
            return;
        }
        if matches!(self.phase, Phase::Failed(_)) {
            return;
        }
        if let Subject::Like { .. } = self.step().subject {
            // Typing after a pivot starts a new search; going back returns to the pivot.
            let list = self.step().list.clone();
            self.trail.push(Step {
                subject: Subject::Query(LineEditor::default()),
                list,
                info: None,
            });
        }
        let Subject::Query(line) = &mut self.step_mut().subject else {
            return;
        };
        if line.insert(text) {
            self.query_changed();
        }
    }
}

#[cfg(test)]
mod tests;
