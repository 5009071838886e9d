//! Snapshot tests of every screen state: the whole app (event loop, engine thread, views) on `TestBackend` with the stand-in embedder, timings and temp paths filtered out.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::mpsc::{self, Sender};
use std::time::{Duration, Instant};

use crossterm::event::{
    Event as Input, KeyCode, KeyEvent, KeyModifiers, MouseEvent, MouseEventKind,
};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Modifier;

use super::action::{Action, Reply};
use super::app::{App, Phase};
use super::effects::Clipboard;
use super::event_loop::{Event, EventLoop, Stop};
use super::signals::Signal;
use super::test_support;
use super::theme::Theme;
use super::view;
use super::worker::{self, Opener};
use crate::search::{Progress, Stage};

/// Copies land here.
#[derive(Clone, Default)]
struct Copies(Rc<RefCell<Vec<String>>>);

impl Clipboard for Copies {
    fn copy(&mut self, text: &str) -> std::io::Result<()> {
        self.0.borrow_mut().push(text.to_string());
        Ok(())
    }
}

/// The app running on a test terminal, with the engine thread on the test catalog.
struct Harness {
    terminal: Terminal<TestBackend>,
    app: App,
    event_loop: EventLoop,
    input: Sender<Event>,
    copies: Copies,
    export_dir: tempfile::TempDir,
}

impl Harness {
    fn start(width: u16, height: u16) -> Self {
        Self::with_opener(width, height, Box::new(test_support::open_engine))
    }

    fn with_opener(width: u16, height: u16, open: Opener) -> Self {
        let (input, inbox) = mpsc::channel();
        let replies = input.clone();
        let requests = worker::spawn(open, move |reply| {
            replies.send(Event::Worker(reply)).is_ok()
        })
        .unwrap();
        let copies = Copies::default();
        let export_dir = tempfile::tempdir().unwrap();
        let event_loop = EventLoop::new(
            inbox,
            requests,
            Box::new(copies.clone()),
            export_dir.path().to_path_buf(),
            Instant::now(),
        );
        let app = test_support::app(width, height, Instant::now());
        Self {
            terminal: Terminal::new(TestBackend::new(width, height)).unwrap(),
            app,
            event_loop,
            input,
            copies,
            export_dir,
        }
    }

    /// Runs the loop until `done` holds and the screen shows it.
    fn until(&mut self, done: impl Fn(&App) -> bool) {
        let deadline = Instant::now() + Duration::from_mins(1);
        loop {
            // A turn first: input sent before this call is handled before `done` is asked.
            let running = self
                .event_loop
                .turn(
                    &mut self.terminal,
                    &mut self.app,
                    Some(Duration::from_millis(5)),
                )
                .unwrap();
            if done(&self.app) || !running {
                // One more turn draws what the last events changed.
                self.event_loop
                    .turn(&mut self.terminal, &mut self.app, Some(Duration::ZERO))
                    .unwrap();
                return;
            }
            assert!(Instant::now() < deadline, "the app did not get there");
        }
    }

    /// Until the catalog is open and no query is pending.
    fn settle(&mut self) {
        self.until(|app| {
            matches!(app.phase(), Phase::Ready(_)) && !app.pending() && !app.alikes_pending()
        });
    }

    fn send(&self, input: Input) {
        self.input
            .send(Event::Input(input, Instant::now()))
            .unwrap();
    }

    fn key(&mut self, code: KeyCode, modifiers: KeyModifiers) {
        self.send(Input::Key(KeyEvent::new(code, modifiers)));
        self.settle();
    }

    fn press(&mut self, code: KeyCode) {
        self.key(code, KeyModifiers::NONE);
    }

    fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            self.send(Input::Key(KeyEvent::new(
                KeyCode::Char(c),
                KeyModifiers::NONE,
            )));
        }
        self.settle();
    }

    fn resize(&mut self, width: u16, height: u16) {
        self.terminal.backend_mut().resize(width, height);
        self.send(Input::Resize(width, height));
        self.settle();
    }

    fn screen(&self) -> String {
        self.terminal.backend().to_string()
    }
}

/// Snapshots without timings or temp paths.
macro_rules! snapshot {
    ($name:expr, $screen:expr) => {
        insta::with_settings!({filters => vec![
            (r"\d+\.\d+ ms", "[ms]"),
            (r"embed \d+\.\d+ \+", "embed [ms] +"),
            (r"/[^ ]*lookalike-results-\d+\.csv", "[path]"),
        ]}, {
            insta::assert_snapshot!($name, $screen);
        });
    };
}

#[test]
fn startup_progress() {
    let t0 = Instant::now();
    let mut app = test_support::app(80, 24, t0);
    let progress = |stage, done, total| Reply::Progress(Progress { stage, done, total });
    app.update(Action::Worker {
        reply: progress(Stage::Loading, 0, 0),
        at: t0,
    });
    let at = t0 + Duration::from_secs(1);
    app.update(Action::Worker {
        reply: progress(Stage::Embedding, 0, 544),
        at,
    });
    app.update(Action::Insert('m'));
    let at = t0 + Duration::from_secs(5);
    app.update(Action::Worker {
        reply: progress(Stage::Embedding, 136, 544),
        at,
    });
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    terminal.draw(|f| view::draw(f, &app)).unwrap();
    snapshot!("startup_progress", terminal.backend().to_string());
    assert!(
        app.take_effects().is_empty(),
        "no query before the index is ready"
    );
}

#[test]
fn results_in_catalog_order_then_by_meaning() {
    let mut h = Harness::start(120, 40);
    h.settle();
    snapshot!("catalog_order_120x40", h.screen());
    h.type_text("keeps coffee hot");
    snapshot!("query_120x40", h.screen());
    let top = h.app.step().list.selected_hit().unwrap();
    let corpus = h.app.corpus().unwrap().clone();
    assert!(corpus.product(top).description.contains("coffee"));
}

#[test]
fn pivot_shows_a_chip_and_a_breadcrumb_and_back_returns() {
    let mut h = Harness::start(120, 40);
    h.type_text("steel mug");
    h.press(KeyCode::Enter);
    h.press(KeyCode::Tab);
    h.press(KeyCode::Down);
    h.press(KeyCode::Enter);
    snapshot!("pivot_twice_120x40", h.screen());
    // On a narrow screen the trail keeps its newest steps.
    h.resize(60, 20);
    snapshot!("pivot_twice_60x20", h.screen());
    h.resize(120, 40);
    h.press(KeyCode::Esc);
    h.press(KeyCode::Backspace);
    assert_eq!(h.app.trail().len(), 1);
    assert_eq!(h.app.query_text(), "steel mug");
    assert!(h.screen().contains("steel mug"));
}

#[test]
fn help_lists_every_key_at_both_sizes() {
    let mut h = Harness::start(120, 40);
    h.settle();
    h.type_text("?");
    snapshot!("help_120x40", h.screen());
    h.resize(80, 24);
    snapshot!("help_80x24", h.screen());
    h.press(KeyCode::Esc);
    assert!(!h.app.help_open() && !h.app.should_quit());
}

#[test]
fn narrow_terminal_stacks_the_panes() {
    let mut h = Harness::start(80, 24);
    h.type_text("running shoe");
    snapshot!("query_80x24", h.screen());
}

#[test]
fn tiny_terminals_show_what_fits_and_never_panic() {
    let mut h = Harness::start(40, 6);
    h.type_text("lamp");
    snapshot!("query_40x6", h.screen());
    for (width, height) in [
        (1, 1),
        (2, 1),
        (1, 3),
        (0, 0),
        (10, 2),
        (29, 7),
        (30, 8),
        (59, 20),
        (99, 30),
    ] {
        h.resize(width, height);
        h.press(KeyCode::Enter);
        h.type_text("?");
        h.press(KeyCode::Esc);
    }
}

#[test]
fn a_bad_catalog_is_shown_and_returned() {
    // A relative path, so that the message (and its wrapping) is the same on every machine.
    let path = std::path::PathBuf::from("target/tui-tests/broken.json");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(
        &path,
        "[{\"id\": \"A-1\", \"title\": \"ok\"},\n {\"title\": \"no id\"},\n",
    )
    .unwrap();
    let open: Opener = Box::new(move |progress| test_support::open_catalog(&path, progress));
    let mut h = Harness::with_opener(80, 24, open);
    h.until(|app| matches!(app.phase(), Phase::Failed(_)));
    let screen = h.screen();
    snapshot!("bad_catalog_80x24", screen);
    h.press(KeyCode::Esc);
    assert!(h.app.should_quit());
    assert!(h.app.take_error().is_some());
}

#[test]
fn product_text_never_reaches_the_terminal_raw() {
    let mut h = Harness::start(120, 40);
    h.type_text("Evil Lamp");
    let buffer = h.terminal.backend().buffer();
    assert!(
        buffer
            .content
            .iter()
            .all(|cell| !cell.symbol().chars().any(char::is_control))
    );
    assert!(
        h.screen()
            .contains("Evil ␛[2J␛]52;c;aGk=␇ Lamp <U+202E>gnp.exe")
    );
}

#[test]
fn copy_and_export_report_in_the_status_bar() {
    let mut h = Harness::start(120, 40);
    h.type_text("knife");
    h.key(KeyCode::Char('y'), KeyModifiers::CONTROL);
    assert_eq!(h.copies.0.borrow().as_slice(), ["T-10"]);
    assert!(h.screen().contains("copied T-10"));
    h.key(KeyCode::Char('s'), KeyModifiers::CONTROL);
    let files: Vec<_> = std::fs::read_dir(h.export_dir.path()).unwrap().collect();
    assert_eq!(files.len(), 1);
    let text = std::fs::read_to_string(files[0].as_ref().unwrap().path()).unwrap();
    assert!(
        text.starts_with("rank,id,title") && text.contains("T-10"),
        "{text}"
    );
    snapshot!("exported_120x40", h.screen());
}

#[test]
fn mouse_wheel_and_click_select() {
    let mut h = Harness::start(120, 40);
    h.settle();
    let results = h.app.areas().inner(h.app.areas().results);
    let mouse = |kind, row| {
        Input::Mouse(MouseEvent {
            kind,
            column: results.x + 3,
            row,
            modifiers: KeyModifiers::NONE,
        })
    };
    h.send(mouse(MouseEventKind::ScrollDown, results.y));
    h.send(mouse(MouseEventKind::ScrollDown, results.y));
    h.settle();
    assert_eq!(h.app.step().list.selected, 2);
    h.send(mouse(
        MouseEventKind::Down(crossterm::event::MouseButton::Left),
        results.y + 5,
    ));
    h.settle();
    assert_eq!(h.app.step().list.selected, 5);
}

#[test]
fn no_color_marks_the_selection_without_colour() {
    let mut h = Harness::start(80, 24);
    h.app = test_support::themed_app(Theme::monochrome(), 80, 24, Instant::now());
    h.settle();
    h.press(KeyCode::Down);
    let results = h.app.areas().inner(h.app.areas().results);
    let cell = &h.terminal.backend().buffer()[(results.x + 5, results.y + 1)];
    assert!(cell.modifier.contains(Modifier::REVERSED));
    assert_eq!(cell.bg, ratatui::style::Color::Reset);
}

#[test]
fn signals_and_ctrl_z_hand_the_terminal_back_with_the_reason() {
    let mut h = Harness::start(80, 24);
    h.settle();
    let mut run_after = |events: Vec<Event>| {
        for event in events {
            h.input.send(event).unwrap();
        }
        h.event_loop.run(&mut h.terminal, &mut h.app).unwrap()
    };
    let ctrl_z = Event::Input(
        Input::Key(KeyEvent::new(KeyCode::Char('z'), KeyModifiers::CONTROL)),
        Instant::now(),
    );
    assert_eq!(run_after(vec![ctrl_z]), Stop::Suspend);
    assert_eq!(run_after(vec![Event::Signal(Signal::Stop)]), Stop::Suspend);
    assert_eq!(
        run_after(vec![Event::Signal(Signal::Continue)]),
        Stop::Resume
    );
    // Ending wins over a stop that came in the same batch, after it.
    let end_then_stop = vec![Event::Signal(Signal::End(15)), Event::Signal(Signal::Stop)];
    assert_eq!(run_after(end_then_stop), Stop::Ended(15));
    assert!(
        !h.app.should_quit(),
        "a signal is not a quit: the caller decides"
    );
}

#[test]
fn the_filter_line_marks_an_error_then_shows_the_filter_and_the_ratio() {
    let mut h = Harness::start(120, 40);
    h.type_text("mug");
    h.key(KeyCode::Char('f'), KeyModifiers::CONTROL);
    h.type_text("price < cheap");
    snapshot!("filter_error_120x40", h.screen());
    for _ in 0.."cheap".len() {
        h.press(KeyCode::Backspace);
    }
    h.type_text("20");
    h.press(KeyCode::Enter);
    h.key(KeyCode::Up, KeyModifiers::ALT);
    snapshot!("filter_applied_ratio_120x40", h.screen());
    assert_eq!(h.app.filter(), Some("price < 20"));
}
