//! Everything that can change the app's state, as named actions: the keys' commands (declared in `config::keys`, whose names are the `[keys]` config keys), input that carries data, and the engine worker's replies.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use crate::audit::Audit;
pub use crate::config::Command;
use crate::error::Error;
use crate::search::{Answer, Corpus, OpenReport, Progress};

/// Which pane of products has the focus.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Pane {
    #[default]
    Results,
    Alikes,
}

/// What a search is for: the result list, or the look-alikes of its selection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Results,
    Alikes,
}

/// What the engine worker reports.
pub enum Reply {
    Progress(Progress),
    Ready {
        corpus: Arc<Corpus>,
        report: OpenReport,
    },
    /// Opening the catalog or loading the model failed; the app cannot search.
    Failed(Error),
    /// The answer to the search of this purpose and generation.
    Answer {
        purpose: Purpose,
        generation: u64,
        result: Result<Answer, String>,
    },
    /// How far the audit of this generation is: products done of all.
    AuditProgress {
        generation: u64,
        done: usize,
        total: usize,
    },
    /// The audit of this generation, for the audit lens.
    Audited {
        generation: u64,
        result: Result<Arc<Audit>, String>,
    },
}

impl std::fmt::Debug for Reply {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Progress(p) => f.debug_tuple("Progress").field(p).finish(),
            Self::Ready { corpus, .. } => write!(f, "Ready({} products)", corpus.catalog.len()),
            Self::Failed(e) => f.debug_tuple("Failed").field(e).finish(),
            Self::Answer {
                purpose,
                generation,
                result,
            } => f
                .debug_struct("Answer")
                .field("purpose", purpose)
                .field("generation", generation)
                .field("result", result)
                .finish(),
            Self::AuditProgress {
                generation,
                done,
                total,
            } => write!(f, "AuditProgress({generation}: {done} of {total})"),
            Self::Audited { generation, result } => match result {
                Ok(audit) => write!(
                    f,
                    "Audited({generation}: {} groups, {} miscategorised)",
                    audit.duplicates.len(),
                    audit.miscategorised.len()
                ),
                Err(e) => write!(f, "Audited({generation}: {e})"),
            },
        }
    }
}

/// A change to the app's state; [`super::app::App::update`] is the only place that applies them.
#[derive(Debug)]
pub enum Action {
    Command(Command),
    Insert(char),
    Paste(String),
    /// Mouse wheel over a pane (positive: down).
    Scroll {
        column: u16,
        row: u16,
        lines: i32,
    },
    Click {
        column: u16,
        row: u16,
    },
    Resize {
        width: u16,
        height: u16,
    },
    /// Time passed (spinners, ETA, fading messages).
    Tick(Instant),
    Worker {
        reply: Reply,
        at: Instant,
    },
    /// The effect runner's report on an export or a copy.
    Done(Result<Outcome, String>),
}

/// What a finished effect did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Copied(String),
    Exported {
        path: PathBuf,
        rows: usize,
        noun: &'static str,
    },
}
