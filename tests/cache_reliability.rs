//! The cache under stress, through the real binary with the real model: two runs at once, a cache dir that cannot be written, writes that fail part way, and runs killed at random points. Each ends with the same answers as a clean run.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Queries answered in one `search --queries-file` run, to compare caches.
const QUERIES: &str = "something to keep my coffee hot\nshoes for jogging\nhelp me fall asleep\n";

/// A catalog of the bundled catalog's first `n` products, in `dir`.
fn small_catalog(dir: &Path, n: usize) -> PathBuf {
    let text = std::fs::read_to_string(common::bundled_catalog()).unwrap();
    let products: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
    let path = dir.join("catalog.json");
    std::fs::write(
        &path,
        serde_json::to_string(&products[..n.min(products.len())]).unwrap(),
    )
    .unwrap();
    path
}

fn index_command(cache: &Path, catalog: &Path) -> Command {
    let mut command = common::lookalike(cache);
    command.arg("index").arg("--catalog").arg(catalog);
    command
}

fn checked(output: Output, what: &str) -> Output {
    assert!(
        output.status.success(),
        "{what} failed ({}): {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn index(cache: &Path, catalog: &Path) -> Output {
    checked(
        index_command(cache, catalog).output().unwrap(),
        "lookalike index",
    )
}

/// (embedded, reused) from `lookalike index`'s report.
fn embed_counts(output: &Output) -> (usize, usize) {
    let text = String::from_utf8_lossy(&output.stdout);
    let line = text
        .lines()
        .find(|l| l.starts_with("embeddings:"))
        .unwrap_or_else(|| panic!("no embeddings line in {text:?}"));
    let numbers: Vec<usize> = line
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    (numbers[0], numbers[1])
}

/// What a user would compare: the JSON answers to a few queries (through the index) and to one
/// `similar` (exact, so every vector counts), with the given cache. `KD-1001` is the bundled catalog's first product, in every small catalog.
fn answers(cache: &Path, catalog: &Path) -> String {
    let queries = cache.with_extension("queries.txt");
    std::fs::write(&queries, QUERIES).unwrap();
    let mut all = String::new();
    for args in [
        vec![
            "search".into(),
            "--json".into(),
            "--queries-file".into(),
            queries.into_os_string(),
        ],
        vec![
            "similar".into(),
            "--json".into(),
            "--exact".into(),
            "--id".into(),
            "KD-1001".into(),
        ],
    ] {
        let output = common::lookalike(cache)
            .args(args)
            .arg("--catalog")
            .arg(catalog)
            .output()
            .unwrap();
        all.push_str(&String::from_utf8_lossy(
            &checked(output, "lookalike search / similar").stdout,
        ));
    }
    all
}

/// Files in a cache root, relative to it, sorted.
fn files_in(root: &Path) -> Vec<String> {
    fn walk(dir: &Path, root: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, root, out);
            } else {
                out.push(path.strip_prefix(root).unwrap().display().to_string());
            }
        }
    }
    let mut out = Vec::new();
    walk(root, root, &mut out);
    out.sort();
    out
}

fn temp_files(root: &Path) -> Vec<String> {
    files_in(root)
        .into_iter()
        .filter(|f| f.contains(".tmp-"))
        .collect()
}

/// The run said, in one line of its own, that it worked without a cache, and why (`reason`).
fn assert_one_no_cache_notice(output: &Output, reason: &str) {
    let notices = stderr_lines(output);
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert!(
        notices[0].starts_with(
            "lookalike: working without a cache (results are not kept for next time): "
        ) && notices[0].contains(reason),
        "{notices:?}"
    );
}

fn stderr_lines(output: &Output) -> Vec<String> {
    String::from_utf8_lossy(&output.stderr)
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn two_index_runs_at_once_embed_once_and_agree_with_a_clean_run() {
    let dir = tempfile::tempdir().unwrap();
    let catalog = small_catalog(dir.path(), 200);
    let shared = dir.path().join("shared-cache");
    let runs: Vec<_> = (0..2)
        .map(|_| {
            index_command(&shared, &catalog)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let outputs: Vec<Output> = runs
        .into_iter()
        .map(|run| checked(run.wait_with_output().unwrap(), "a concurrent index"))
        .collect();
    let mut counts: Vec<(usize, usize)> = outputs.iter().map(embed_counts).collect();
    counts.sort_unstable();
    // One embedded the catalog; the other waited for it and reused every vector.
    assert_eq!(counts, [(0, 200), (200, 0)], "{outputs:?}");
    let waited = outputs
        .iter()
        .find(|o| embed_counts(o) == (0, 200))
        .unwrap();
    // Started together, the second takes the lock while the first embeds for seconds.
    assert_eq!(
        stderr_lines(waited),
        ["lookalike: waiting for another lookalike using this catalog's cache"]
    );
    assert!(temp_files(&shared).is_empty(), "{:?}", files_in(&shared));
    let clean = dir.path().join("clean-cache");
    index(&clean, &catalog);
    assert_eq!(answers(&shared, &catalog), answers(&clean, &catalog));
}

/// Runs `index` unable to write `cache` (which is made read-only), dropping root's
/// override of file modes when the tests run as root.
fn index_without_write_access(cache: &Path, catalog: &Path) -> Output {
    use std::os::unix::fs::PermissionsExt;
    std::fs::create_dir_all(cache).unwrap();
    std::fs::set_permissions(cache, std::fs::Permissions::from_mode(0o555)).unwrap();
    let template = index_command(cache, catalog);
    let root = String::from_utf8(Command::new("id").arg("-u").output().unwrap().stdout).unwrap();
    // Root writes anywhere: run as root without the capabilities that override file modes, so
    // the read-only dir binds while the model (under a possibly private build dir) stays readable.
    let mut command = if root.trim() == "0" {
        let mut setpriv = Command::new("setpriv");
        setpriv
            .args(["--bounding-set=-dac_override,-dac_read_search", "--"])
            .arg(template.get_program());
        setpriv
    } else {
        Command::new(template.get_program())
    };
    command.args(template.get_args());
    for (key, value) in template.get_envs() {
        match value {
            Some(value) => command.env(key, value),
            None => command.env_remove(key),
        };
    }
    checked(command.output().unwrap(), "index with a read-only cache")
}

#[test]
fn a_read_only_cache_dir_works_without_caching_and_says_so_in_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path().join("work");
    std::fs::create_dir(&work).unwrap();
    let catalog = small_catalog(&work, 20);
    let cache = work.join("read-only-cache");
    let output = index_without_write_access(&cache, &catalog);
    assert_eq!(embed_counts(&output), (20, 0));
    assert_one_no_cache_notice(&output, "ermission denied");
    assert!(files_in(&cache).is_empty(), "{:?}", files_in(&cache));
}

#[test]
fn a_cache_dir_that_is_a_file_works_without_caching() {
    let dir = tempfile::tempdir().unwrap();
    let catalog = small_catalog(dir.path(), 20);
    let not_a_dir = dir.path().join("cache-is-a-file");
    std::fs::write(&not_a_dir, "").unwrap();
    let output = index(&not_a_dir, &catalog);
    assert_eq!(embed_counts(&output), (20, 0));
    assert_one_no_cache_notice(&output, "Not a directory");
}

#[test]
fn a_write_that_fails_part_way_leaves_nothing_half_written() {
    let dir = tempfile::tempdir().unwrap();
    let catalog = small_catalog(dir.path(), 50);
    let cache = dir.path().join("cache");
    // Files may grow to a few kilobytes only: the cache writes fail part way, as on a full disk
    // (SIGXFSZ ignored, so the write returns an error instead of killing the process).
    let template = index_command(&cache, &catalog);
    let mut command = Command::new("sh");
    command
        .args(["-c", "trap '' XFSZ; ulimit -f 8; exec \"$0\" \"$@\""])
        .arg(template.get_program())
        .args(template.get_args())
        .envs(template.get_envs().filter_map(|(k, v)| Some((k, v?))))
        .env_remove("ORT_DYLIB_PATH");
    let output = checked(command.output().unwrap(), "index with a file size limit");
    assert_eq!(embed_counts(&output), (50, 0));
    assert_one_no_cache_notice(&output, "File too large");
    let left: Vec<String> = files_in(&cache)
        .into_iter()
        .filter(|f| !f.ends_with("/lock"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
    // The next run, with room, builds a cache that answers as a clean one does.
    assert_eq!(embed_counts(&index(&cache, &catalog)), (50, 0));
    let clean = dir.path().join("clean-cache");
    index(&clean, &catalog);
    assert_eq!(answers(&cache, &catalog), answers(&clean, &catalog));
}

/// A small pseudo-random sequence (xorshift), seeded from the clock and printed, for kill times.
struct Random(u64);

impl Random {
    fn from_clock() -> Self {
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos() as u64;
        println!("kill times seeded with {seed}");
        Self(seed | 1)
    }

    /// A fraction in [0, 1).
    fn fraction(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Up to `max`, uniformly.
    fn up_to(&mut self, max: Duration) -> Duration {
        max.mul_f64(self.fraction())
    }
}

/// When a run is killed.
#[derive(Debug, Clone, Copy)]
enum KillAt {
    /// This long after it starts.
    After(Duration),
    /// This long after a cache write begins (its temporary file appears).
    IntoAWrite(Duration),
}

/// Runs `index`, SIGKILLs it at `at`; true if it was still running then (false if it finished).
fn index_killed(cache: &Path, catalog: &Path, at: KillAt) -> bool {
    let mut child = index_command(cache, catalog)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    match at {
        KillAt::After(delay) => std::thread::sleep(delay),
        KillAt::IntoAWrite(delay) => {
            while temp_files(cache).is_empty() && child.try_wait().unwrap().is_none() {
                std::thread::sleep(Duration::from_micros(200));
            }
            std::thread::sleep(delay);
        }
    }
    let running = child.try_wait().unwrap().is_none();
    if running {
        child.kill().unwrap();
    }
    let status = child.wait().unwrap();
    assert!(
        status.success() || (running && status.code().is_none()),
        "a run ended badly on its own: {status}"
    );
    running
}

/// Gives product `which` of a JSON catalog a new title, as a user editing a catalog would: the
/// next run embeds that product again and rewrites both caches.
fn edit_title(catalog: &Path, which: usize, title: &str) {
    let mut products: Vec<serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(catalog).unwrap()).unwrap();
    let count = products.len();
    products[which % count]["title"] = title.into();
    std::fs::write(catalog, serde_json::to_string(&products).unwrap()).unwrap();
}

fn timed_index(cache: &Path, catalog: &Path) -> Duration {
    let started = Instant::now();
    index(cache, catalog);
    started.elapsed()
}

#[test]
fn index_runs_killed_at_random_points_end_with_the_answers_of_a_clean_run() {
    let dir = tempfile::tempdir().unwrap();
    let catalog = small_catalog(dir.path(), 200);
    let mut random = Random::from_clock();
    let timing = dir.path().join("timing-cache");
    let cold = timed_index(&timing, &catalog);
    edit_title(
        &catalog,
        0,
        "Thermavale Summit 20 oz Vacuum Insulated Travel Tumbler, edited",
    );
    let edit = timed_index(&timing, &catalog);
    println!("a cold run takes {cold:?}, one after an edit {edit:?}");

    let cache = dir.path().join("killed-cache");
    let (mut killed, mut finished, mut mid_write) = (0, 0, 0);
    let mut tally = |running: bool, cache: &Path| {
        if running {
            killed += 1;
        } else {
            finished += 1;
        }
        mid_write += usize::from(!temp_files(cache).is_empty());
    };
    // First runs die while the whole catalog is embedded, before any cache exists.
    for _ in 0..4 {
        let running = index_killed(&cache, &catalog, KillAt::After(random.up_to(cold)));
        tally(running, &cache);
    }
    index(&cache, &catalog);
    // Then edits, each run killed at a random time or a random moment into a cache write.
    for round in 0..20 {
        edit_title(
            &catalog,
            round * 7,
            &format!("Edited product, round {round}"),
        );
        let at = if round % 2 == 0 {
            KillAt::After(random.up_to(edit.mul_f64(1.1)))
        } else {
            KillAt::IntoAWrite(random.up_to(Duration::from_millis(5)))
        };
        tally(index_killed(&cache, &catalog, at), &cache);
    }
    println!(
        "{killed} runs killed ({mid_write} of them leaving a cache write unfinished), {finished} finished first"
    );
    assert!(killed >= 12, "too few kills landed: {killed}");
    index(&cache, &catalog);
    assert!(temp_files(&cache).is_empty(), "{:?}", files_in(&cache));
    let clean = dir.path().join("clean-cache");
    index(&clean, &catalog);
    assert_eq!(answers(&cache, &catalog), answers(&clean, &catalog));
}
