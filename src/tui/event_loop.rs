//! The main loop, generic over the ratatui `Backend` (a real terminal, or `TestBackend` in tests): waits on one channel that carries both input events and the engine worker's replies (or a tick when something animates), turns them into actions, applies them, carries out the effects, and redraws when the state changed.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use crossterm::event::{Event as Input, KeyEventKind, KeyModifiers, MouseButton, MouseEventKind};
use ratatui::Terminal;
use ratatui::backend::Backend;
use tracing::info;

use super::action::{Action, Outcome, Reply};
use super::app::{App, Effect};
use super::effects::{self, Clipboard};
use super::signals::Signal;
use super::view;
use super::worker::Request;
use crate::error::{Error, Result};

/// What the loop waits for, from the input thread and the engine thread.
#[derive(Debug)]
pub enum Event {
    /// A terminal event and when it was read.
    Input(Input, Instant),
    Worker(Reply),
    Signal(Signal),
}

/// Why [`EventLoop::run`] handed the terminal back to its caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// The user quit, or the events ended.
    Quit,
    /// Restore the terminal and stop the process until it is continued, then run again.
    Suspend,
    /// The process was continued: take the terminal again, redraw all, and run again.
    Resume,
    /// A signal that ends the program (its number).
    Ended(i32),
}

/// How long to wait for an event while something on screen moves.
const TICK: Duration = Duration::from_millis(100);
/// How long to wait otherwise (a message may still need to fade).
const IDLE: Duration = Duration::from_secs(1);
/// Most events applied before the next redraw (a long paste arrives as one event).
const BATCH: usize = 64;

/// The loop's connections to the rest of the program.
pub struct EventLoop {
    pub events: Receiver<Event>,
    pub requests: Sender<Request>,
    pub clipboard: Box<dyn Clipboard>,
    /// Where Ctrl-S writes result lists.
    pub export_dir: PathBuf,
    /// When the program started, for the time to first frame.
    pub started: Instant,
    dirty: bool,
    frames: u64,
    /// The newest generation sent on a keystroke, and when that key was read.
    typed: Option<(u64, Instant)>,
    /// Set when the loop must hand the terminal back before the app quits.
    stop: Option<Stop>,
}

impl EventLoop {
    pub fn new(
        events: Receiver<Event>,
        requests: Sender<Request>,
        clipboard: Box<dyn Clipboard>,
        export_dir: PathBuf,
        started: Instant,
    ) -> Self {
        Self {
            events,
            requests,
            clipboard,
            export_dir,
            started,
            dirty: true,
            frames: 0,
            typed: None,
            stop: None,
        }
    }

    /// Runs, drawing everything first, until the user quits, the events end, or the terminal
    /// must be handed back (suspend, resume, a signal that ends the program).
    pub fn run<B: Backend>(&mut self, terminal: &mut Terminal<B>, app: &mut App) -> Result<Stop> {
        self.dirty = true;
        while self.turn(terminal, app, None)? {}
        Ok(self.stop.take().unwrap_or(Stop::Quit))
    }

    /// Draws if needed, then waits for events (at most `wait`, else a tick) and applies them.
    /// Returns false when the app should end.
    pub fn turn<B: Backend>(
        &mut self,
        terminal: &mut Terminal<B>,
        app: &mut App,
        wait: Option<Duration>,
    ) -> Result<bool> {
        if self.dirty {
            self.draw(terminal, app)?;
        }
        if app.should_quit() {
            return Ok(false);
        }
        let timeout = wait.unwrap_or(if app.animating() { TICK } else { IDLE });
        let first = match self.events.recv_timeout(timeout) {
            Ok(event) => event,
            Err(RecvTimeoutError::Timeout) => {
                let animating = app.animating();
                app.update(Action::Tick(Instant::now()));
                self.dirty |= animating;
                return Ok(true);
            }
            Err(RecvTimeoutError::Disconnected) => return Ok(false),
        };
        let more = std::iter::from_fn(|| self.events.try_recv().ok()).take(BATCH);
        let batch: Vec<Event> = std::iter::once(first).chain(more).collect();
        for event in batch {
            if let Event::Signal(signal) = event {
                self.on_signal(signal);
                continue;
            }
            let before = app.generation();
            let typed_at = match &event {
                Event::Input(_, at) => Some(*at),
                Event::Worker(_) | Event::Signal(_) => None,
            };
            if let Some(action) = to_action(app, event) {
                app.update(action);
                self.dirty = true;
            }
            if let Some(at) = typed_at
                && app.generation() != before
            {
                self.typed = Some((app.generation(), at));
            }
            self.carry_out(app);
        }
        Ok(!app.should_quit() && self.stop.is_none())
    }

    /// A signal stops the loop; one that ends the program wins over a suspend or resume.
    fn on_signal(&mut self, signal: Signal) {
        let stop = match signal {
            Signal::End(number) => Stop::Ended(number),
            Signal::Stop => Stop::Suspend,
            Signal::Continue => Stop::Resume,
        };
        if !matches!(self.stop, Some(Stop::Ended(_))) {
            self.stop = Some(stop);
        }
    }

    fn draw<B: Backend>(&mut self, terminal: &mut Terminal<B>, app: &App) -> Result<()> {
        terminal
            .draw(|frame| view::draw(frame, app))
            .map_err(|e| Error::io("<terminal>", std::io::Error::other(e.to_string())))?;
        self.dirty = false;
        self.frames += 1;
        if self.frames == 1 {
            info!(
                first_frame_ms = self.started.elapsed().as_secs_f64() * 1e3,
                "first frame drawn"
            );
        }
        if let Some((generation, at)) = self.typed
            && app.shown() == generation
        {
            self.typed = None;
            let info = app.step().info;
            info!(
                target: "lookalike::latency",
                generation,
                keystroke_to_redraw_ms = at.elapsed().as_secs_f64() * 1e3,
                embed_ms = info.and_then(|i| i.embed_time).map(|t| t.as_secs_f64() * 1e3),
                search_ms = info.map(|i| i.search_time.as_secs_f64() * 1e3),
                "results drawn"
            );
        }
        Ok(())
    }

    fn carry_out(&mut self, app: &mut App) {
        for effect in app.take_effects() {
            let done = match effect {
                Effect::Search {
                    purpose,
                    generation,
                    request,
                } => self.ask(Request::Search {
                    purpose,
                    generation,
                    request,
                }),
                Effect::Audit { generation, filter } => {
                    self.ask(Request::Audit { generation, filter })
                }
                Effect::Copy(id) => Some(
                    self.clipboard
                        .copy(&id)
                        .map(|()| Outcome::Copied(id))
                        .map_err(|e| format!("cannot copy: {e}")),
                ),
                Effect::Export(table) => Some(effects::export(&self.export_dir, &table).map(
                    |path| Outcome::Exported {
                        path,
                        rows: table.rows.len(),
                        noun: table.noun,
                    },
                )),
                Effect::Suspend => {
                    self.on_signal(Signal::Stop);
                    None
                }
            };
            if let Some(done) = done {
                app.update(Action::Done(done));
                self.dirty = true;
            }
        }
    }

    /// Sends a request to the engine thread; its answer comes later as a reply. Only its
    /// failure is reported now.
    fn ask(&self, request: Request) -> Option<std::result::Result<Outcome, String>> {
        self.requests
            .send(request)
            .err()
            .map(|_| Err("the search engine has stopped".to_string()))
    }
}

/// The action an event stands for, if any.
fn to_action(app: &App, event: Event) -> Option<Action> {
    let input = match event {
        Event::Worker(reply) => {
            return Some(Action::Worker {
                reply,
                at: Instant::now(),
            });
        }
        Event::Input(input, _) => input,
        Event::Signal(_) => return None,
    };
    match input {
        Input::Key(key) if key.kind != KeyEventKind::Release => {
            if let Some(command) = app.keymap().command(&key) {
                return Some(Action::Command(command));
            }
            match key.code {
                crossterm::event::KeyCode::Char(c)
                    if !key
                        .modifiers
                        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
                {
                    Some(Action::Insert(c))
                }
                _ => None,
            }
        }
        Input::Paste(text) => Some(Action::Paste(text)),
        Input::Mouse(mouse) => {
            let (column, row) = (mouse.column, mouse.row);
            match mouse.kind {
                MouseEventKind::ScrollDown => Some(Action::Scroll {
                    column,
                    row,
                    lines: 1,
                }),
                MouseEventKind::ScrollUp => Some(Action::Scroll {
                    column,
                    row,
                    lines: -1,
                }),
                MouseEventKind::Down(MouseButton::Left) => Some(Action::Click { column, row }),
                _ => None,
            }
        }
        Input::Resize(width, height) => Some(Action::Resize { width, height }),
        _ => None,
    }
}
