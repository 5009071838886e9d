//! The interactive terminal app: [`run`] sets up logging, the engine thread and the terminal (restored on quit, on error, on panic and on SIGTERM / SIGHUP / SIGINT, handed back while stopped by Ctrl-Z or SIGTSTP), then hands over to the event loop.
//!
//! Parts: `action` (named actions), `app` (state and `App::update`), `keymap` and `theme` (from
//! config), `worker` (the engine thread), `signals` (forwarded to the event loop), `event_loop` (generic over the ratatui backend),
//! `effects` (clipboard, CSV export), `view` (drawing only).

pub mod action;
pub mod app;
pub mod effects;
pub mod event_loop;
pub mod keymap;
pub mod signals;
pub mod theme;
pub mod view;
pub mod worker;

#[cfg(test)]
mod test_support;
#[cfg(test)]
mod tests;

use std::io::{IsTerminal, Stdout, Write};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Sender};
use std::time::Instant;

use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use crossterm::terminal::{EnterAlternateScreen, LeaveAlternateScreen};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use tracing::{error, info};

use self::app::App;
use self::event_loop::{Event, EventLoop, Stop};
use self::keymap::Keymap;
use self::theme::Theme;
use crate::cmd::Context;
use crate::embed::bulk::Batching;
use crate::error::{Error, Result};

/// Runs the app until the user quits. If the catalog cannot be opened, the app shows why and
/// returns that error once the user quits.
pub fn run(ctx: &Context) -> Result<()> {
    let started = Instant::now();
    if !std::io::stdin().is_terminal() || !std::io::stdout().is_terminal() {
        return Err(Error::Usage(
            "the interactive app needs a terminal; for pipes and scripts use `lookalike search QUERY` or `lookalike similar --id ID`".into(),
        ));
    }
    let keymap = Keymap::from_settings(&ctx.settings)?;
    let theme = Theme::from_settings(&ctx.settings, theme::no_color_requested())?;
    let options = ctx.open_options(Batching::LengthGrouped)?;
    // First-run setup prints to the plain terminal, so it comes before the app takes the screen.
    let files = ctx.model_files()?;
    init_logging(&ctx.dirs.log_dir());
    info!(catalog = %options.catalog.display(), "starting");
    let catalog_name = crate::catalog::shown_name(&options.catalog);

    let (events, inbox) = mpsc::channel();
    let replies = events.clone();
    let requests = worker::spawn(
        Box::new(move |progress| crate::search::open(&options, &files, progress)),
        move |reply| replies.send(Event::Worker(reply)).is_ok(),
    )
    .map_err(|e| Error::io("<engine thread>", e))?;

    signals::forward(events.clone()).map_err(|e| Error::io("<signal handlers>", e))?;
    let mut terminal = enter()?;
    spawn_input(events);
    let size = terminal.size().map_err(terminal_error)?;
    let mut app = App::new(
        keymap,
        theme,
        catalog_name,
        ratatui::layout::Rect::new(0, 0, size.width, size.height),
        started,
    );
    let export_dir = std::env::current_dir().unwrap_or_else(|_| ".".into());
    let clipboard = Box::new(effects::Osc52(std::io::stdout()));
    let mut event_loop = EventLoop::new(inbox, requests, clipboard, export_dir, started);
    let result = loop {
        let handed_back = match event_loop.run(&mut terminal, &mut app) {
            Ok(Stop::Quit) => break Ok(()),
            Ok(Stop::Ended(number)) => {
                info!(signal = number, "ended by a signal");
                break Err(Error::Signal {
                    number,
                    name: signal_hook::low_level::signal_name(number).unwrap_or("a signal"),
                });
            }
            Ok(Stop::Suspend) => {
                info!("suspended");
                leave();
                signals::stop_self()
                    .map_err(|e| Error::io("<suspend>", e))
                    .and_then(|()| {
                        info!("resumed");
                        retake(&mut terminal, &mut app)
                    })
            }
            Ok(Stop::Resume) => retake(&mut terminal, &mut app),
            Err(e) => Err(e),
        };
        // Whatever failed, the terminal is restored below.
        if let Err(e) = handed_back {
            break Err(e);
        }
    };
    drop(terminal);
    leave();
    if let Err(e) = &result {
        error!("the app failed: {e}");
    }
    info!("quit");
    result?;
    app.take_error().map_or(Ok(()), Err)
}

/// Logs go to `lookalike.log` in the log dir (level from `LOOKALIKE_LOG`, default info), never to the screen.
fn init_logging(dir: &Path) {
    use tracing_subscriber::EnvFilter;
    let file = std::fs::create_dir_all(dir).and_then(|()| {
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(dir.join("lookalike.log"))
    });
    let Ok(file) = file else {
        return;
    };
    let filter = EnvFilter::try_from_env("LOOKALIKE_LOG")
        .unwrap_or_else(|_| EnvFilter::new("info,ort=warn"));
    let _ = tracing_subscriber::fmt()
        .with_writer(std::sync::Mutex::new(file))
        .with_ansi(false)
        .with_env_filter(filter)
        .try_init();
}

/// Whether the terminal is in the app's mode, so that restoring happens once.
static ENTERED: AtomicBool = AtomicBool::new(false);

fn terminal_error(e: std::io::Error) -> Error {
    Error::io("<terminal>", e)
}

/// The app's terminal, in the app's modes (see [`take_modes`]); a panic restores the terminal first.
fn enter() -> Result<Terminal<CrosstermBackend<Stdout>>> {
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |panic| {
        leave();
        hook(panic);
    }));
    take_modes()?;
    Terminal::new(CrosstermBackend::new(std::io::stdout())).map_err(|e| {
        leave();
        terminal_error(e)
    })
}

/// Raw mode, the alternate screen, bracketed paste and mouse reports; harmless to repeat.
fn take_modes() -> Result<()> {
    crossterm::terminal::enable_raw_mode().map_err(terminal_error)?;
    ENTERED.store(true, Ordering::SeqCst);
    crossterm::execute!(
        std::io::stdout(),
        EnterAlternateScreen,
        EnableBracketedPaste,
        EnableMouseCapture
    )
    .map_err(|e| {
        leave();
        terminal_error(e)
    })
}

/// After the process was stopped: the modes again (the shell reset them), and a whole new frame
/// (the screen and its size may have changed meanwhile).
fn retake(terminal: &mut Terminal<CrosstermBackend<Stdout>>, app: &mut App) -> Result<()> {
    take_modes()?;
    let size = terminal.size().map_err(terminal_error)?;
    // Not `clear`, which asks the terminal where its cursor is and fails if no answer comes.
    terminal
        .resize(ratatui::layout::Rect::new(0, 0, size.width, size.height))
        .map_err(terminal_error)?;
    app.update(action::Action::Resize {
        width: size.width,
        height: size.height,
    });
    Ok(())
}

/// Puts the terminal back as it was; does nothing if it already is.
fn leave() {
    if !ENTERED.swap(false, Ordering::SeqCst) {
        return;
    }
    let mut stdout = std::io::stdout();
    let _ = crossterm::execute!(
        stdout,
        DisableMouseCapture,
        DisableBracketedPaste,
        LeaveAlternateScreen,
        crossterm::cursor::Show
    );
    let _ = crossterm::terminal::disable_raw_mode();
    let _ = stdout.flush();
}

/// Reads terminal events on their own thread, stamped with when they were read.
fn spawn_input(events: Sender<Event>) {
    let spawned = std::thread::Builder::new()
        .name("lookalike-input".into())
        .spawn(move || {
            while let Ok(input) = crossterm::event::read() {
                if events.send(Event::Input(input, Instant::now())).is_err() {
                    break;
                }
            }
        });
    if let Err(e) = spawned {
        error!("cannot read the keyboard: {e}");
    }
}
