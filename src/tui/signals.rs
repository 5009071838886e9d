//! The signals the app answers while it has the terminal: SIGTERM, SIGHUP and SIGINT end it with the terminal restored, SIGTSTP gives the terminal back while the process is stopped, and SIGCONT takes it again.

use std::sync::mpsc::Sender;

use signal_hook::consts::{SIGCONT, SIGHUP, SIGINT, SIGTERM, SIGTSTP};
use signal_hook::iterator::Signals;

use super::event_loop::Event;

/// What a signal asks of the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    /// End now (the number is the signal's, for the exit code 128 + n).
    End(i32),
    /// Give the terminal back and stop.
    Stop,
    /// The process was continued: the terminal may have been changed meanwhile.
    Continue,
}

impl Signal {
    fn from_number(number: i32) -> Self {
        match number {
            SIGTSTP => Self::Stop,
            SIGCONT => Self::Continue,
            other => Self::End(other),
        }
    }
}

/// Delivers the signals to the event loop from a thread of their own; from then on they no longer
/// act on their own (a SIGTERM no longer kills the process before the terminal is restored).
pub fn forward(events: Sender<Event>) -> std::io::Result<()> {
    let mut signals = Signals::new([SIGTERM, SIGHUP, SIGINT, SIGTSTP, SIGCONT])?;
    std::thread::Builder::new()
        .name("lookalike-signals".into())
        .spawn(move || {
            for number in signals.forever() {
                if events
                    .send(Event::Signal(Signal::from_number(number)))
                    .is_err()
                {
                    break;
                }
            }
        })?;
    Ok(())
}

/// Stops the process as SIGTSTP would have, returning once it is continued (`fg`).
pub fn stop_self() -> std::io::Result<()> {
    signal_hook::low_level::emulate_default_handler(SIGTSTP)
}
