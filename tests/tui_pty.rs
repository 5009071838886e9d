//! The interactive app end to end: the real binary in a pseudo-terminal, with the real model on the bundled catalog, read back through a terminal emulator (vt100). Asserts what a person sees, never timings.

mod common;

use std::io::{Read, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

const ROWS: u16 = 40;
const COLS: u16 = 120;
/// Long enough for a first run that embeds the catalog on a slow machine.
const PATIENCE: Duration = Duration::from_mins(5);

/// The app running in a pseudo-terminal; everything it writes is kept.
struct Session {
    child: Box<dyn Child + Send + Sync>,
    writer: Box<dyn Write + Send>,
    output: Arc<Mutex<Vec<u8>>>,
    master: Box<dyn MasterPty + Send>,
}

impl Session {
    /// Starts `lookalike --catalog CATALOG` (no command: the interactive app) with the test model
    /// and its own cache, in the cache dir.
    fn start(cache: &Path, catalog: &Path, extra_env: &[(&str, &str)]) -> Self {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows: ROWS,
                cols: COLS,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open a pty");
        // The same program and environment the other end-to-end tests use.
        let template = common::lookalike(cache);
        let mut command = CommandBuilder::new(template.get_program());
        command.arg("--catalog");
        command.arg(catalog);
        for (key, value) in template.get_envs() {
            match value {
                Some(value) => command.env(key, value),
                None => command.env_remove(key),
            }
        }
        command.env("TERM", "xterm-256color");
        for (key, value) in extra_env {
            command.env(key, value);
        }
        command.cwd(cache);
        let child = pair.slave.spawn_command(command).expect("start lookalike");
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().expect("pty reader");
        let output = Arc::new(Mutex::new(Vec::new()));
        let sink = output.clone();
        std::thread::spawn(move || {
            let mut buffer = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buffer) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().extend_from_slice(&buffer[..n]);
            }
        });
        let writer = pair.master.take_writer().expect("pty writer");
        Self {
            child,
            writer,
            output,
            master: pair.master,
        }
    }

    fn output(&self) -> Vec<u8> {
        self.output.lock().unwrap().clone()
    }

    /// The screen as a terminal shows it now.
    fn screen(&self) -> vt100::Parser {
        let mut parser = vt100::Parser::new(ROWS, COLS, 0);
        parser.process(&self.output());
        parser
    }

    fn send(&mut self, bytes: &str) {
        self.writer.write_all(bytes.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    /// Waits until the screen's text satisfies `done`; fails with the screen if it never does.
    fn wait_for(&self, what: &str, done: impl Fn(&str) -> bool) -> String {
        self.wait_for_screen(what, |screen| done(&screen.contents()))
            .contents()
    }

    /// Waits until the screen satisfies `done`; fails with the screen if it never does.
    fn wait_for_screen(&self, what: &str, done: impl Fn(&vt100::Screen) -> bool) -> vt100::Screen {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let parser = self.screen();
            if done(parser.screen()) {
                return parser.screen().clone();
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}; the screen:\n{}",
                parser.screen().contents()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Sends a signal by name (`TERM`, `HUP`, `CONT`) to the app.
    fn signal(&self, name: &str) {
        let pid = self.child.process_id().expect("the app's process id");
        let status = std::process::Command::new("kill")
            .arg(format!("-{name}"))
            .arg(pid.to_string())
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -{name} {pid}: {status}");
    }

    /// Waits until the process is stopped (state `T` in /proc).
    fn wait_stopped(&self) {
        let pid = self.child.process_id().expect("the app's process id");
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
            let state = stat.rsplit(')').next().unwrap_or("").trim_start();
            if state.starts_with('T') {
                return;
            }
            assert!(Instant::now() < deadline, "lookalike did not stop: {stat}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn resize(&self, rows: u16, cols: u16) {
        self.master
            .resize(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("resize the pty");
    }

    fn wait_exit(&mut self) -> portable_pty::ExitStatus {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "lookalike did not exit");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
        }
    }
}

/// The line of the screen that holds the query.
fn query_line(text: &str) -> &str {
    text.lines().nth(1).unwrap_or("")
}

const DOWN: &str = "\x1b[B";

#[test]
fn search_pivot_back_and_quit_in_a_real_terminal() {
    let cache = tempfile::tempdir().unwrap();
    let mut app = Session::start(cache.path(), &common::bundled_catalog(), &[]);
    // The first frame comes before the catalog is open, and typing works at once.
    app.wait_for("the first frame", |s| s.contains("lookalike"));
    assert!(app.screen().screen().alternate_screen());
    app.send("something to keep my coffee hot");
    let text = app.wait_for("results for the paraphrase", |s| {
        s.contains("closest in meaning")
            && s.contains("Thermavale Summit 20 oz")
            && !s.contains("searching")
    });
    assert!(
        query_line(&text).contains("something to keep my coffee hot"),
        "{text}"
    );
    // Walk down to the tumbler; the detail pane shows it in full.
    let rank = text
        .lines()
        .find(|l| l.contains("Thermavale Summit 20 oz"))
        .and_then(|l| {
            l.trim_start_matches('│')
                .split_whitespace()
                .next()?
                .parse::<usize>()
                .ok()
        })
        .expect("the tumbler's rank");
    assert!(
        rank <= 10,
        "the tumbler should be near the top, not at {rank}\n{text}"
    );
    app.send(&DOWN.repeat(rank - 1));
    app.wait_for("the tumbler's details", |s| s.contains("KD-1001"));
    // Enter pivots: a chip on the query line and the trail as its title.
    app.send("\r");
    let text = app.wait_for("the pivot", |s| s.contains("products like this"));
    assert!(
        query_line(&text).contains("like: Thermavale Summit 20 oz Vacuum Insulated Travel Tumbler"),
        "{text}"
    );
    assert!(
        text.lines()
            .next()
            .unwrap()
            .contains("\"something to keep my coffee hot\" › like:"),
        "{text}"
    );
    // Esc goes back one step, to the query and its results.
    app.send("\x1b");
    let text = app.wait_for("going back", |s| s.contains("closest in meaning"));
    assert!(
        query_line(&text).contains("something to keep my coffee hot"),
        "{text}"
    );
    assert!(!query_line(&text).contains("like:"), "{text}");
    // A bracketed paste with a line break is one query line.
    app.send("\x15\x1b[200~insulated bottle\nfor hiking\x1b[201~");
    app.wait_for("the pasted query", |s| {
        query_line(s).contains("insulated bottle for hiking")
    });
    // Ctrl-C quits and the terminal is given back: main screen, cursor shown, modes off.
    app.send("\x03");
    let status = app.wait_exit();
    assert!(status.success(), "{status:?}");
    assert_given_back(&app.output());
}

/// The first `n` rows of the result list.
fn result_rows(text: &str, n: usize) -> Vec<&str> {
    text.lines().skip(4).take(n).collect()
}

#[test]
fn a_brand_typed_finds_its_products_by_their_words_and_a_filter_narrows_them() {
    let cache = tempfile::tempdir().unwrap();
    let mut app = Session::start(cache.path(), &common::bundled_catalog(), &[]);
    app.wait_for("the first frame", |s| s.contains("lookalike"));
    app.send("Thermavale");
    let text = app.wait_for("the brand's products", |s| {
        s.contains("meaning 0.6") && query_line(s).contains("Thermavale")
    });
    // The brand's four products first, each found by its words (`w`, or `mw` with meaning).
    for row in result_rows(&text, 4) {
        assert!(row.contains("w Thermavale"), "{text}");
    }
    // Alt-Up weighs meaning more, and the status bar says so.
    app.send("\x1b[1;3A");
    app.wait_for("the ratio stepped", |s| s.contains("meaning 0.7"));
    // Ctrl-F, a filter, Enter: a chip, and only the products under 25 are left.
    app.send("\x06price < 25\r");
    let text = app.wait_for("the filtered list", |s| {
        query_line(s).contains("filter: price < 25") && s.contains("meaning 0.7")
    });
    assert!(
        result_rows(&text, 1)[0].contains("Thermavale Hearty 16 oz Insulated Food Jar"),
        "{text}"
    );
    assert!(!text.contains("Thermavale Trailhead"), "{text}");
    app.send("\x03");
    assert!(app.wait_exit().success());
}

/// The terminal is as the app found it: the bytes written last leave the alternate screen and
/// show the cursor, and a terminal reading them is back on its main screen with no modes left on.
fn assert_given_back(output: &[u8]) {
    let text = String::from_utf8_lossy(output);
    let tail = &text[text.rfind("\x1b[?1049h").expect("the app took the screen")..];
    assert!(tail.contains("\x1b[?1049l\x1b[?25h"), "{tail:?}");
    let mut parser = vt100::Parser::new(ROWS, COLS, 0);
    parser.process(output);
    let screen = parser.screen();
    assert!(!screen.alternate_screen() && !screen.hide_cursor() && !screen.bracketed_paste());
    assert_eq!(screen.mouse_protocol_mode(), vt100::MouseProtocolMode::None);
}

#[test]
fn sigterm_and_sighup_give_the_terminal_back_and_exit_with_128_plus_the_signal() {
    for (name, number) in [("TERM", 15), ("HUP", 1)] {
        let cache = tempfile::tempdir().unwrap();
        let mut app = Session::start(cache.path(), &common::bundled_catalog(), &[]);
        app.wait_for("the first frame", |s| s.contains("lookalike"));
        app.signal(name);
        let status = app.wait_exit();
        assert_eq!(status.exit_code(), 128 + number, "SIG{name}: {status:?}");
        let output = app.output();
        assert_given_back(&output);
        let after = String::from_utf8_lossy(&output).into_owned();
        let after = after.rsplit("\x1b[?1049l").next().unwrap();
        assert!(after.contains(&format!("ended by SIG{name}")), "{after:?}");
    }
}

#[test]
fn ctrl_z_and_sigtstp_stop_with_the_terminal_given_back_and_continuing_redraws() {
    let cache = tempfile::tempdir().unwrap();
    let mut app = ready_with_coffee_typed(cache.path());
    // Ctrl-Z from the keyboard, then SIGTSTP from elsewhere: both stop the same way.
    for stop in [StopBy::Key, StopBy::Signal] {
        let before = app.output().len();
        match stop {
            StopBy::Key => app.send("\x1a"),
            StopBy::Signal => app.signal("TSTP"),
        }
        app.wait_stopped();
        // The app is stopped once it has written the give-back; the pty may still be delivering it.
        app.wait_for_screen("the terminal given back", |screen| {
            !screen.alternate_screen() && !screen.hide_cursor()
        });
        assert_given_back(&app.output());
        app.signal("CONT");
        // Back on the app's screen, redrawn whole, with the query kept.
        app.wait_for_screen("the app again", |screen| {
            screen.alternate_screen() && query_line(&screen.contents()).contains("coffee")
        });
        assert!(app.output().len() > before);
    }
    finish_the_query_and_quit(app);
}

/// How a test stops the app.
#[derive(Clone, Copy)]
enum StopBy {
    Key,
    Signal,
}

#[test]
fn resizing_down_to_one_cell_and_back_keeps_the_app_answering() {
    let cache = tempfile::tempdir().unwrap();
    let mut app = ready_with_coffee_typed(cache.path());
    for (rows, cols) in [(1, 1), (2, 3), (1, COLS), (ROWS, 1), (3, 10), (1, 1)] {
        app.resize(rows, cols);
        std::thread::sleep(Duration::from_millis(150));
        assert!(
            app.child.try_wait().unwrap().is_none(),
            "lookalike ended at {rows}x{cols}"
        );
    }
    app.resize(ROWS, COLS);
    finish_the_query_and_quit(app);
}

#[test]
fn a_key_typed_as_the_terminal_is_resized_is_not_held_back() {
    let cache = tempfile::tempdir().unwrap();
    let mut app = ready_with_coffee_typed(cache.path());
    // The resize and the key reach the app together; the key must show without another key after it.
    let mut typed = String::from("coffee");
    for round in 0..40u16 {
        app.resize(ROWS, COLS - 10 * (round % 2));
        let key = char::from(b'a' + (round % 26) as u8);
        app.send(&key.to_string());
        typed.push(key);
        app.wait_for("the key typed with the resize", |s| {
            query_line(s).contains(&typed)
        });
    }
    app.resize(ROWS, COLS);
    app.send("\x15coffee");
    finish_the_query_and_quit(app);
}

/// The app on the bundled catalog, the catalog open and `coffee` typed.
#[test]
fn hostile_product_text_reaches_the_terminal_only_as_visible_text() {
    let cache = tempfile::tempdir().unwrap();
    let catalog = common::hostile_catalog(cache.path());
    let mut app = Session::start(cache.path(), &catalog, &[]);
    app.wait_for("the catalog", |s| s.contains("3 products"));
    app.send("kettle");
    // The escapes are on screen as symbols (␛ for ESC), not acted on.
    app.wait_for("the hostile product, shown harmlessly", |s| {
        query_line(s).contains("kettle") && s.contains("Electric kettle ␛[31mRED")
    });
    app.send("\x03");
    assert!(app.wait_exit().success());
    let output = app.output();
    for hostile in common::HOSTILE_BYTES {
        assert!(
            !output
                .windows(hostile.len())
                .any(|w| w == hostile.as_bytes()),
            "{hostile:?} was written to the terminal"
        );
    }
    assert_given_back(&output);
}

#[test]
fn a_thousand_key_paste_and_a_held_key_leave_the_newest_query_answered() {
    let cache = tempfile::tempdir().unwrap();
    let mut app = ready_with_coffee_typed(cache.path());
    // 1,000 keys in one burst, as a terminal delivers an unbracketed paste.
    app.send("\x15");
    app.send(&" grinder".repeat(125));
    app.wait_for("the pasted keys", |s| {
        query_line(s).matches("grinder").count() >= 5
    });
    // A held key: the same key 300 times, a few milliseconds apart, then the query that counts.
    app.send("\x15");
    for _ in 0..300 {
        app.send("x");
        std::thread::sleep(Duration::from_millis(2));
    }
    app.send("\x15coffee");
    finish_the_query_and_quit(app);
}

fn ready_with_coffee_typed(cache: &Path) -> Session {
    let mut app = Session::start(cache, &common::bundled_catalog(), &[]);
    app.wait_for("the catalog", |s| s.contains("544 products"));
    app.send("coffee");
    app.wait_for("the query", |s| query_line(s).contains("coffee"));
    app
}

/// Types the rest of "coffee tumbler", waits for its results, quits, and checks the terminal.
fn finish_the_query_and_quit(mut app: Session) {
    app.send(" tumbler");
    app.wait_for("the results", |s| {
        query_line(s).contains("coffee tumbler")
            && s.contains("closest in meaning")
            && s.contains("Thermavale")
    });
    app.send("\x03");
    assert!(app.wait_exit().success());
    assert_given_back(&app.output());
}

#[test]
fn while_another_lookalike_holds_the_cache_the_app_says_it_waits_then_opens() {
    let cache = tempfile::tempdir().unwrap();
    let catalog = common::bundled_catalog();
    // Hold the catalog's cache lock as another lookalike indexing it would.
    let dir = lookalike::search::cache::catalog_dir(cache.path(), &catalog);
    std::fs::create_dir_all(&dir).unwrap();
    let lock = std::fs::File::create(dir.join("lock")).unwrap();
    lock.lock().unwrap();
    let mut app = Session::start(cache.path(), &catalog, &[]);
    app.wait_for("the notice", |s| {
        s.contains("waiting for another lookalike that is indexing this catalog")
    });
    app.send("coffee");
    app.wait_for("the query typed meanwhile", |s| {
        query_line(s).contains("coffee")
    });
    drop(lock);
    finish_the_query_and_quit(app);
}

#[test]
fn a_bad_catalog_is_shown_then_reported_after_quitting() {
    let cache = tempfile::tempdir().unwrap();
    let bad = cache.path().join("bad.jsonl");
    std::fs::write(
        &bad,
        "{\"id\": \"A\", \"title\": \"ok\"}\n{\"id\": \"B\", \"title\": \n",
    )
    .unwrap();
    let mut app = Session::start(cache.path(), &bad, &[]);
    let text = app.wait_for("the error", |s| s.contains("could not be opened"));
    assert!(
        text.contains("bad.jsonl") && text.contains("line 2"),
        "{text}"
    );
    app.send("\x1b");
    let status = app.wait_exit();
    assert_eq!(status.exit_code(), 2);
    let output = String::from_utf8_lossy(&app.output()).into_owned();
    let after = output.rsplit("\x1b[?1049l").next().unwrap();
    assert!(
        after.contains("lookalike: error:") && after.contains("bad.jsonl"),
        "{after:?}"
    );
}

/// The `name=value` numbers of log lines that contain `marker`.
fn logged_numbers(log: &str, marker: &str, name: &str) -> Vec<f64> {
    log.lines()
        .filter(|line| line.contains(marker))
        .filter_map(|line| {
            let rest = &line[line.find(&format!("{name}="))? + name.len() + 1..];
            rest.split_whitespace().next()?.parse().ok()
        })
        .collect()
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let rank = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

/// Not a check but a measurement (run with `--ignored --nocapture`): keystroke-to-redraw times
/// from the app's own log (`lookalike::latency` lines), typing at about 8 keys a second on the
/// bundled catalog, then the same words in bursts; and the time to the first frame.
#[test]
#[ignore = "a measurement, not a check"]
fn measure_keystroke_to_redraw() {
    let cache = tempfile::tempdir().unwrap();
    let log_path = common::data_dir().join("logs/lookalike.log");
    let before = std::fs::metadata(&log_path).map_or(0, |m| m.len() as usize);
    let spawned = Instant::now();
    let mut app = Session::start(cache.path(), &common::bundled_catalog(), &[]);
    app.wait_for("the first frame", |s| s.contains("lookalike"));
    let first_frame = spawned.elapsed();
    app.wait_for("the catalog", |s| s.contains("544 products"));
    let words = "thermos for hot coffee on the go";
    for round in 0..4 {
        for c in words.chars() {
            app.send(&c.to_string());
            std::thread::sleep(Duration::from_millis(120));
        }
        app.send("\x15");
        std::thread::sleep(Duration::from_millis(200 + round));
    }
    app.wait_for("quiet", |s| s.contains("catalog order"));
    let paced = std::fs::read_to_string(&log_path).unwrap()[before..].to_string();
    for _ in 0..10 {
        app.send(words);
        std::thread::sleep(Duration::from_millis(300));
        app.send("\x15");
        std::thread::sleep(Duration::from_millis(100));
    }
    app.send("\x03");
    app.wait_exit();
    let log = std::fs::read_to_string(&log_path).unwrap()[before..].to_string();
    let burst_log = &log[paced.len()..];
    for (what, text) in [("paced typing", paced.as_str()), ("bursts", burst_log)] {
        let mut times = logged_numbers(text, "results drawn", "keystroke_to_redraw_ms");
        let mut embeds = logged_numbers(text, "results drawn", "embed_ms");
        times.sort_by(f64::total_cmp);
        embeds.sort_by(f64::total_cmp);
        if times.is_empty() {
            println!("{what}: no answers logged");
            continue;
        }
        println!(
            "{what}: {} redraws; keystroke to redraw median {:.1} ms, p95 {:.1} ms, max {:.1} ms; embedding median {:.1} ms",
            times.len(),
            percentile(&times, 0.5),
            percentile(&times, 0.95),
            times[times.len() - 1],
            percentile(&embeds, 0.5),
        );
    }
    let first = logged_numbers(&log, "first frame drawn", "first_frame_ms");
    println!(
        "first frame: {:.0} ms from spawn to the screen (seen through the pty); {:.1} ms inside the app",
        first_frame.as_secs_f64() * 1e3,
        first.first().copied().unwrap_or(f64::NAN)
    );
}
