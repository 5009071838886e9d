//! Everything that can change the app's state, as named actions: the keys' commands (whose `snake_case` names are the `[keys]` config keys), input that carries data, and the engine worker's replies.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use crate::error::Error;
use crate::search::{Answer, Corpus, OpenReport, Progress};

/// A command a key can be bound to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Command {
    Quit,
    Suspend,
    Back,
    Pivot,
    ToggleFocus,
    SelectNext,
    SelectPrev,
    PageDown,
    PageUp,
    Home,
    End,
    SelectFirst,
    SelectLast,
    CursorLeft,
    CursorRight,
    CursorStart,
    CursorEnd,
    DeleteBack,
    DeleteForward,
    DeleteWord,
    ClearLine,
    CopyId,
    Export,
    Help,
}

impl Command {
    /// Every command, in the order the help lists them.
    pub const ALL: [Self; 24] = [
        Self::Quit,
        Self::Suspend,
        Self::Back,
        Self::Pivot,
        Self::ToggleFocus,
        Self::SelectNext,
        Self::SelectPrev,
        Self::PageDown,
        Self::PageUp,
        Self::Home,
        Self::End,
        Self::SelectFirst,
        Self::SelectLast,
        Self::CursorLeft,
        Self::CursorRight,
        Self::CursorStart,
        Self::CursorEnd,
        Self::DeleteBack,
        Self::DeleteForward,
        Self::DeleteWord,
        Self::ClearLine,
        Self::CopyId,
        Self::Export,
        Self::Help,
    ];

    /// The name used as its key in `[keys]`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Quit => "quit",
            Self::Suspend => "suspend",
            Self::Back => "back",
            Self::Pivot => "pivot",
            Self::ToggleFocus => "toggle_focus",
            Self::SelectNext => "select_next",
            Self::SelectPrev => "select_prev",
            Self::PageDown => "page_down",
            Self::PageUp => "page_up",
            Self::Home => "home",
            Self::End => "end",
            Self::SelectFirst => "select_first",
            Self::SelectLast => "select_last",
            Self::CursorLeft => "cursor_left",
            Self::CursorRight => "cursor_right",
            Self::CursorStart => "cursor_start",
            Self::CursorEnd => "cursor_end",
            Self::DeleteBack => "delete_back",
            Self::DeleteForward => "delete_forward",
            Self::DeleteWord => "delete_word",
            Self::ClearLine => "clear_line",
            Self::CopyId => "copy_id",
            Self::Export => "export",
            Self::Help => "help",
        }
    }

    /// What it does, for the help overlay.
    pub fn describe(self) -> &'static str {
        match self {
            Self::Quit => "quit",
            Self::Suspend => "stop (shell `fg` resumes)",
            Self::Back => "back a step / quit",
            Self::Pivot => "more like this",
            Self::ToggleFocus => "switch pane",
            Self::SelectNext => "next product",
            Self::SelectPrev => "previous product",
            Self::PageDown => "page down",
            Self::PageUp => "page up",
            Self::Home => "line start / first",
            Self::End => "line end / last",
            Self::SelectFirst => "first product",
            Self::SelectLast => "last product",
            Self::CursorLeft => "cursor left",
            Self::CursorRight => "cursor right",
            Self::CursorStart => "line start",
            Self::CursorEnd => "line end",
            Self::DeleteBack => "delete left / back",
            Self::DeleteForward => "delete right",
            Self::DeleteWord => "delete word",
            Self::ClearLine => "clear the line",
            Self::CopyId => "copy id (OSC 52)",
            Self::Export => "save results (CSV)",
            Self::Help => "this help",
        }
    }
}

/// Which pane of products has the focus.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Pane {
    #[default]
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
    /// The answer to the query of this generation.
    Answer {
        generation: u64,
        result: Result<Answer, String>,
    },
}

impl std::fmt::Debug for Reply {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Progress(p) => f.debug_tuple("Progress").field(p).finish(),
            Self::Ready { corpus, .. } => write!(f, "Ready({} products)", corpus.catalog.len()),
            Self::Failed(e) => f.debug_tuple("Failed").field(e).finish(),
            Self::Answer { generation, result } => f
                .debug_struct("Answer")
                .field("generation", generation)
                .field("result", result)
                .finish(),
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
    Exported(PathBuf),
}
