//! The binary as a user runs it: commands, output formats, exit codes, errors that name file and line, and the cache.

mod common;

use std::path::Path;
use std::process::Output;

fn run(cache: &Path, args: &[&str]) -> Output {
    common::lookalike(cache)
        .args(args)
        .output()
        .expect("run lookalike")
}

/// Runs a command on the bundled catalog: `args` after the subcommand name.
fn run_bundled(cache: &Path, command: &str, args: &[&str]) -> Output {
    let catalog = common::bundled_catalog();
    let mut all = vec![command, "--catalog", catalog.to_str().unwrap()];
    all.extend_from_slice(args);
    run(cache, &all)
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

#[test]
fn search_json_has_the_documented_shape() {
    let cache = tempfile::tempdir().unwrap();
    let out = run_bundled(
        cache.path(),
        "search",
        &["--json", "--top-k", "3", "shoes", "for", "jogging"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let answer: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(answer["query"], "shoes for jogging");
    let results = answer["results"].as_array().unwrap();
    assert_eq!(results.len(), 3);
    assert_eq!(results[0]["rank"], 1);
    assert!(results[0]["id"].is_string() && results[0]["title"].is_string());
    let scores: Vec<f64> = results
        .iter()
        .map(|r| r["score"].as_f64().unwrap())
        .collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]) && scores[0] <= 1.0 && scores[0] > 0.0);
}

#[test]
fn bench_json_reports_every_measure_and_recall_grows_with_ef() {
    let cache = tempfile::tempdir().unwrap();
    let out = run_bundled(
        cache.path(),
        "bench",
        &[
            "--json",
            "--min-queries",
            "50",
            "--embed-sample",
            "64",
            "--ef",
            "4,64",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(report["index"]["ef_search"], 64);
    assert_eq!(report["index"]["ef_search_text"], 384);
    assert!(
        report["embedding"]["grouped_products_per_s"]
            .as_f64()
            .unwrap()
            > 0.0
    );
    assert!(report["start"]["warm_graph_from_cache"].as_bool().unwrap());
    let p50 = report["text_query"]["end_to_end"]["p50_ms"]
        .as_f64()
        .unwrap();
    let p99 = report["text_query"]["end_to_end"]["p99_ms"]
        .as_f64()
        .unwrap();
    assert!(p50 > 0.0 && p50 <= p99, "{report}");
    let sweep = report["recall_at_10"].as_array().unwrap();
    let recall = |i: usize, kind: &str| sweep[i][kind]["recall"].as_f64().unwrap();
    for kind in ["text", "product"] {
        assert!(recall(0, kind) <= recall(1, kind), "{kind}: {report}");
    }
    // 544 products: a list of 64 finds nearly all of every product's ten nearest.
    assert!(recall(1, "product") >= 0.95, "{report}");
}

#[test]
fn queries_file_answers_each_line_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let queries = write(
        dir.path(),
        "q.txt",
        "standing desk\n\nhelp me fall asleep\nrobot\n",
    );
    let out = run_bundled(
        dir.path(),
        "search",
        &["--queries-file", &queries, "--json"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let lines: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let asked: Vec<&str> = lines.iter().map(|l| l["query"].as_str().unwrap()).collect();
    assert_eq!(asked, ["standing desk", "", "help me fall asleep", "robot"]);
    assert_eq!(lines[0]["results"].as_array().unwrap().len(), 10);
    assert!(lines[1]["results"].as_array().unwrap().is_empty());
}

#[test]
fn similar_leaves_the_product_out_and_exact_agrees() {
    let cache = tempfile::tempdir().unwrap();
    let hnsw = run_bundled(cache.path(), "similar", &["--id", "KD-1004", "--json"]);
    let exact = run_bundled(
        cache.path(),
        "similar",
        &["--id", "KD-1004", "--json", "--exact"],
    );
    assert!(
        hnsw.status.success() && exact.status.success(),
        "{}",
        stderr(&hnsw)
    );
    let a: serde_json::Value = serde_json::from_str(stdout(&hnsw).trim()).unwrap();
    assert_eq!(a["id"], "KD-1004");
    assert!(a.get("query").is_none());
    let ids = |v: &serde_json::Value| {
        v["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert!(!ids(&a).contains(&"KD-1004".to_string()));
    let b: serde_json::Value = serde_json::from_str(stdout(&exact).trim()).unwrap();
    assert_eq!(ids(&a)[..5], ids(&b)[..5]);
}

#[test]
fn similar_steers_by_several_examples_and_names_each_unknown_id() {
    let cache = tempfile::tempdir().unwrap();
    let examples = ["KD-1001", "KD-1002", "CT-1021"];
    let steer = |extra: &[&str]| {
        let mut args = vec![
            "--id",
            examples[0],
            "--id",
            examples[1],
            "--not",
            examples[2],
            "--json",
        ];
        args.extend_from_slice(extra);
        let out = run_bundled(cache.path(), "similar", &args);
        assert!(out.status.success(), "{}", stderr(&out));
        serde_json::from_str::<serde_json::Value>(stdout(&out).trim()).unwrap()
    };
    for answer in [steer(&[]), steer(&["--strategy", "best-score"])] {
        assert_eq!(
            answer["positive"],
            serde_json::json!(["KD-1001", "KD-1002"])
        );
        assert_eq!(answer["negative"], serde_json::json!(["CT-1021"]));
        assert!(answer.get("id").is_none());
        let results = answer["results"].as_array().unwrap();
        assert_eq!(results.len(), 10);
        assert!(
            results
                .iter()
                .all(|r| !examples.contains(&r["id"].as_str().unwrap())),
            "{answer}"
        );
    }
    let out = run_bundled(
        cache.path(),
        "similar",
        &["--id", "KD-1001", "--id", "NOPE-1", "--not", "NOPE-2"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no products with ids \"NOPE-1\", \"NOPE-2\""),
        "{}",
        stderr(&out)
    );
    let out = run_bundled(
        cache.path(),
        "similar",
        &["--id", "KD-1001", "--not", "KD-1001"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("both --id and --not"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn audit_json_has_the_documented_shape_and_a_filter_narrows_it() {
    let dir = tempfile::tempdir().unwrap();
    let (catalog, _) = common::planted_catalog(dir.path());
    let catalog = catalog.to_str().unwrap();
    let audit = |args: &[&str]| {
        let mut all = vec!["audit", "--catalog", catalog];
        all.extend_from_slice(args);
        run(dir.path(), &all)
    };
    let out = audit(&["--json", "--top", "5"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let found: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    let groups = found["duplicates"].as_array().unwrap();
    assert_eq!(groups.len(), 5);
    let scores: Vec<f64> = groups
        .iter()
        .map(|g| g["score"].as_f64().unwrap())
        .collect();
    assert!(
        scores.windows(2).all(|w| w[0] >= w[1]) && scores[4] >= 0.85,
        "{scores:?}"
    );
    for group in groups {
        assert!(group["ids"].as_array().unwrap().len() >= 2);
        assert!(
            group["differs"]
                .as_array()
                .unwrap()
                .iter()
                .all(serde_json::Value::is_string)
        );
    }
    let wrong = found["miscategorised"].as_array().unwrap();
    assert_eq!(wrong.len(), 5);
    for entry in wrong {
        assert_ne!(entry["category"], entry["suggested"]);
        let confidence = entry["confidence"].as_f64().unwrap();
        assert!((0.3..=1.0).contains(&confidence), "{entry}");
        assert!(!entry["neighbours"].as_array().unwrap().is_empty());
        assert!(entry["id"].is_string());
    }
    // Only kitchen products are audited, as members, suspects and evidence.
    let out = audit(&[
        "--json",
        "--top",
        "50",
        "--min-score",
        "0.7",
        "--filter",
        "category = \"Kitchen & Dining\"",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let found: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    let ids: Vec<&str> = found["duplicates"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|g| {
            g["ids"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i.as_str().unwrap())
        })
        .collect();
    assert!(
        ids.contains(&"KD-1006") && ids.contains(&"DUP-01"),
        "{found}"
    );
    assert!(
        ids.iter()
            .all(|id| id.starts_with("KD-") || id.starts_with("DUP-")),
        "{ids:?}"
    );
    assert!(
        found["miscategorised"].as_array().unwrap().is_empty(),
        "{found}"
    );
    let out = audit(&["--top", "3"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.starts_with("Near-duplicate groups: 3\n#  score  id"),
        "{text}"
    );
    assert!(
        text.contains("\nMiscategorised products: 3\n#  confidence  margin  id"),
        "{text}"
    );
    let out = audit(&["--filter", "colour = red"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("colour"), "{}", stderr(&out));
    let out = audit(&["--min-score", "1.5"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn human_output_is_an_aligned_table() {
    let cache = tempfile::tempdir().unwrap();
    let out = run_bundled(cache.path(), "search", &["--top-k", "4", "desk", "lamp"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 5, "{text}");
    assert!(lines[0].starts_with("#  score  found by  id"), "{text}");
    let title_column = lines[0].find("title").unwrap();
    for line in &lines[1..] {
        assert_eq!(line.chars().nth(title_column - 1), Some(' '), "{text}");
    }
    assert!(
        stderr(&out).contains("4 results from 544 products"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn unknown_id_and_usage_errors_exit_2() {
    let cache = tempfile::tempdir().unwrap();
    let out = run_bundled(cache.path(), "similar", &["--id", "NOPE-1"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no product with id \"NOPE-1\""),
        "{}",
        stderr(&out)
    );
    let out = run(cache.path(), &["search", "--top-k", "0", "x"]);
    assert_eq!(out.status.code(), Some(2));
    let out = run(cache.path(), &["search", "   "]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("query is empty"), "{}", stderr(&out));
    let out = run(cache.path(), &["--help"]);
    assert!(out.status.success() && stdout(&out).contains("search"));
    let out = run(cache.path(), &["similar", "--help"]);
    assert!(out.status.success() && stdout(&out).contains("--id"));
}

#[test]
fn bad_catalog_names_file_and_line_exits_2_and_writes_no_cache() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let catalog = write(
        dir.path(),
        "bad.csv",
        "id,title,price\n1,Lamp,9\n2,Desk\n3,Chair,abc\n",
    );
    let out = run(&cache, &["index", "--catalog", &catalog]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("bad.csv")
            && err.contains("line 3: expected 3 fields")
            && err.contains("line 4: price"),
        "{err}"
    );
    assert!(
        !cache.exists(),
        "a cache was written for a rejected catalog"
    );

    // Twice: the second run reads the catalog's snapshot, which must say the same.
    for _ in 0..2 {
        let out = run(&cache, &["index", "--catalog", &catalog, "--skip-invalid"]);
        assert!(out.status.success(), "{}", stderr(&out));
        assert!(
            stdout(&out).contains("1 products, 2 skipped"),
            "{}",
            stdout(&out)
        );
        assert!(
            stderr(&out).contains("skipped 2 invalid row(s)")
                && stderr(&out).contains("line 3: expected 3 fields"),
            "{}",
            stderr(&out)
        );
    }
    // A snapshot made while skipping does not let bad rows through without the flag.
    let out = run(&cache, &["index", "--catalog", &catalog]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    assert!(stderr(&out).contains("line 4: price"), "{}", stderr(&out));
}

#[test]
fn config_errors_name_the_key_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let config = write(dir.path(), "c.toml", "[embed]\ntemplate = \"{titel}\"\n");
    let out = run(dir.path(), &["--config", &config, "index"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("c.toml: line 2: embed.template: unknown placeholder {titel}"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn keys_lists_every_command_with_the_keys_the_config_gives_it() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &["keys"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    let row = |name: &str| {
        text.lines()
            .find(|line| line.split_whitespace().next() == Some(name))
            .unwrap_or_else(|| panic!("no row for {name}: {text}"))
            .to_string()
    };
    assert!(row("quit").contains("ctrl-c") && !row("quit").contains("(yours)"));
    assert!(row("toggle_focus").contains("tab backtab"));
    let config = write(
        dir.path(),
        "c.toml",
        "[keys]\nquit = [\"ctrl-q\", \"f10\"]\n",
    );
    let out = run(dir.path(), &["--config", &config, "keys"]);
    let text = stdout(&out);
    let quit = text
        .lines()
        .find(|line| line.starts_with("quit "))
        .unwrap_or_default();
    assert!(
        quit.contains("ctrl-q f10") && quit.contains("(yours)") && !quit.contains("ctrl-c"),
        "{text}"
    );
}

#[test]
fn reindexing_embeds_only_what_changed() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let rows = [
        r#"{"id": "a", "title": "Steel travel mug"}"#,
        r#"{"id": "b", "title": "Oak dining table"}"#,
        r#"{"id": "c", "title": "Trail running shoe"}"#,
        r#"{"id": "d", "title": "Trail running shoe"}"#,
    ];
    let catalog = write(dir.path(), "p.jsonl", &rows.join("\n"));
    let first = run(&cache, &["index", "--catalog", &catalog]);
    assert!(first.status.success(), "{}", stderr(&first));
    assert!(
        stdout(&first).contains("3 embedded, 0 reused from cache, 1 repeated texts embedded once"),
        "{}",
        stdout(&first)
    );
    let again = run(&cache, &["index", "--catalog", &catalog]);
    assert!(
        stdout(&again).contains("0 embedded, 4 reused")
            && stdout(&again).contains("index: loaded from cache"),
        "{}",
        stdout(&again)
    );
    let edited = rows
        .join("\n")
        .replace("Oak dining table", "Walnut dining table");
    std::fs::write(&catalog, edited).unwrap();
    let after_edit = run(&cache, &["index", "--catalog", &catalog]);
    assert!(
        stdout(&after_edit).contains("1 embedded, 3 reused"),
        "{}",
        stdout(&after_edit)
    );
    let out = run(
        &cache,
        &[
            "similar",
            "--catalog",
            &catalog,
            "--id",
            "c",
            "--json",
            "--top-k",
            "1",
        ],
    );
    assert!(
        stdout(&out).contains(r#""id":"d""#),
        "the duplicate is the nearest: {}",
        stdout(&out)
    );
}

#[test]
fn setup_is_idempotent() {
    let cache = tempfile::tempdir().unwrap();
    common::data_dir();
    let out = run(cache.path(), &["setup"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("already installed and verified"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn missing_model_files_say_which_and_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("model")).unwrap();
    let catalog = common::bundled_catalog();
    let out = common::lookalike(dir.path())
        .env("LOOKALIKE_DATA_DIR", dir.path())
        .args(["search", "--catalog", catalog.to_str().unwrap(), "mug"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("model.onnx is missing") && err.contains("lookalike setup"),
        "{err}"
    );

    let out = common::lookalike(dir.path())
        .env("ORT_DYLIB_PATH", dir.path().join("libnothing.so"))
        .args(["search", "--catalog", catalog.to_str().unwrap(), "mug"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("libnothing.so") && err.contains("ORT_DYLIB_PATH"),
        "{err}"
    );
}

#[test]
fn hostile_text_is_visible_in_tables_and_kept_escaped_in_json() {
    let dir = tempfile::tempdir().unwrap();
    let catalog = common::hostile_catalog(dir.path());
    let catalog = catalog.to_str().unwrap();
    let table = run(
        dir.path(),
        &["search", "--catalog", catalog, "electric kettle"],
    );
    assert!(table.status.success(), "{}", stderr(&table));
    for hostile in common::HOSTILE_BYTES {
        let found = |bytes: &[u8]| {
            bytes
                .windows(hostile.len())
                .any(|w| w == hostile.as_bytes())
        };
        assert!(
            !found(&table.stdout) && !found(&table.stderr),
            "{hostile:?} written"
        );
    }
    assert!(
        stdout(&table).contains("Electric kettle ␛[31mRED"),
        "{}",
        stdout(&table)
    );
    let json = run(
        dir.path(),
        &["search", "--catalog", catalog, "--json", "electric kettle"],
    );
    assert!(
        stdout(&json).contains(
            r"Electric kettle \u001b[31mRED\u001b[0m \u001b]8;;http://evil.example\u0007link"
        ),
        "{}",
        stdout(&json)
    );
}

#[test]
fn odd_queries_are_answered_and_a_long_one_is_said_to_be_cut() {
    let dir = tempfile::tempdir().unwrap();
    let long = "insulated stainless steel travel mug ".repeat(2800);
    assert!(long.len() > 100_000);
    let queries = [
        "",
        "   \t ",
        "☕🔥 mug",
        "כוס קפה תרמית",
        "كوب قهوة حراري",
        "\u{202e}gum levart",
        long.as_str(),
    ];
    let file = write(dir.path(), "queries.txt", &queries.join("\n"));
    let out = run_bundled(dir.path(), "search", &["--queries-file", &file, "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let answers: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(answers.len(), queries.len());
    let results = |i: usize| answers[i]["results"].as_array().unwrap().len();
    assert_eq!(
        (results(0), results(1)),
        (0, 0),
        "blank queries have no results"
    );
    assert!((2..queries.len()).all(|i| results(i) == 10), "{answers:?}");
    let cut = run_bundled(dir.path(), "search", &[&long]);
    assert!(cut.status.success(), "{}", stderr(&cut));
    assert!(
        stderr(&cut).contains("query cut to the model's 256 tokens"),
        "{}",
        stderr(&cut)
    );
}

#[test]
fn search_json_gives_each_side_s_score_and_the_matched_words() {
    let cache = tempfile::tempdir().unwrap();
    let json = |args: &[&str]| -> Vec<serde_json::Value> {
        let out = run_bundled(cache.path(), "search", args);
        assert!(out.status.success(), "{}", stderr(&out));
        let answer: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
        answer["results"].as_array().unwrap().clone()
    };
    let hybrid = json(&["--json", "--top-k", "20", "thermavale", "tumbler"]);
    assert_eq!(hybrid[0]["id"], "KD-1001");
    assert!(hybrid[0]["semantic"].is_f64() && hybrid[0]["lexical"].is_f64());
    assert_eq!(
        hybrid[0]["matched"],
        serde_json::json!(["thermavale", "tumbler"])
    );
    assert!(
        hybrid
            .iter()
            .any(|r| r["lexical"].is_null() && r["matched"] == serde_json::json!([]))
    );
    let semantic = json(&["--json", "--mode", "semantic", "thermavale", "tumbler"]);
    assert!(
        semantic
            .iter()
            .all(|r| r["lexical"].is_null() && r["semantic"] == r["score"])
    );
    let lexical = json(&["--json", "--mode", "lexical", "thermavale", "tumbler"]);
    assert!(
        lexical
            .iter()
            .all(|r| r["semantic"].is_null() && r["lexical"] == r["score"])
    );
    // Ratio 1 ranks by meaning as semantic mode does; ratio 0 puts what the words found first.
    let ids = |results: &[serde_json::Value]| -> Vec<String> {
        results
            .iter()
            .map(|r| r["id"].as_str().unwrap().to_string())
            .collect()
    };
    let meaning = json(&["--json", "--semantic-ratio", "1", "thermavale", "tumbler"]);
    assert_eq!(ids(&meaning), ids(&semantic));
    let words = json(&["--json", "--semantic-ratio", "0", "thermavale", "tumbler"]);
    assert_eq!(ids(&words)[0], ids(&lexical)[0]);
    let found_by_words = words.iter().take_while(|r| r["score"].as_f64() > Some(0.0));
    assert!(found_by_words.clone().count() >= 4);
    assert!(found_by_words.into_iter().all(|r| r["lexical"].is_f64()));

    let out = run_bundled(cache.path(), "search", &["thermavale"]);
    let table = stdout(&out);
    assert!(
        table.lines().next().unwrap().contains("found by"),
        "{table}"
    );
    assert!(
        table.contains(" words ") && table.contains(" meaning "),
        "{table}"
    );
}

#[test]
fn filters_narrow_search_and_similar_and_bad_ones_exit_2_saying_why() {
    let cache = tempfile::tempdir().unwrap();
    let out = run_bundled(
        cache.path(),
        "search",
        &[
            "--json",
            "--top-k",
            "50",
            "--filter",
            "price < 20 AND category = \"Kitchen & Dining\"",
            "insulated",
            "mug",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let answer: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    let results = answer["results"].as_array().unwrap();
    let catalog: Vec<serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(common::bundled_catalog()).unwrap()).unwrap();
    let matching: Vec<&str> = catalog
        .iter()
        .filter(|p| p["price"].as_f64().unwrap() < 20.0 && p["category"] == "Kitchen & Dining")
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert_eq!(results.len(), 50.min(matching.len()));
    assert!(
        results
            .iter()
            .all(|r| matching.contains(&r["id"].as_str().unwrap()))
    );

    let out = run_bundled(
        cache.path(),
        "similar",
        &[
            "--json",
            "--id",
            "KD-1001",
            "--filter",
            "brand = thermavale",
        ],
    );
    let answer: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    let brand: Vec<&str> = catalog
        .iter()
        .filter(|p| p["brand"] == "Thermavale" && p["id"] != "KD-1001")
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    let found: Vec<&str> = answer["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(found.len(), 10.min(brand.len()));
    assert!(found.iter().all(|id| brand.contains(id)), "{found:?}");

    for (filter, says) in [
        (
            "colour = red",
            "unknown field `colour`; the fields are id, title, description, category, brand, price, tags",
        ),
        (
            "price = cheap",
            "`price` is a number field; `cheap` is not a number",
        ),
        ("price < (20", "column 9: expected a value after `<`"),
        ("tags > 3", "`>` needs a number field"),
    ] {
        let out = run_bundled(cache.path(), "search", &["--filter", filter, "mug"]);
        assert_eq!(out.status.code(), Some(2), "{filter}: {}", stderr(&out));
        assert!(stderr(&out).contains(says), "{filter}: {}", stderr(&out));
    }
    let out = run_bundled(cache.path(), "search", &["--semantic-ratio", "1.5", "mug"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("expected a number from 0"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn every_other_field_is_searchable_whole_and_filterable() {
    let dir = tempfile::tempdir().unwrap();
    let catalog: Vec<serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(common::bundled_catalog()).unwrap()).unwrap();
    let lines: Vec<String> = catalog
        .iter()
        .take(40)
        .enumerate()
        .map(|(i, p)| {
            let mut p = p.clone();
            p["sku"] = format!("TV-{i:03}X").into();
            p["colour"] = if i % 2 == 0 { "Red" } else { "Blue" }.into();
            p["weight_kg"] = serde_json::json!(i);
            p.to_string()
        })
        .collect();
    let path = write(dir.path(), "extra.jsonl", &(lines.join("\n") + "\n"));
    let cache = dir.path().join("cache");
    let search = |args: &[&str]| -> Vec<String> {
        let mut all = vec![
            "search",
            "--catalog",
            path.as_str(),
            "--json",
            "--top-k",
            "40",
        ];
        all.extend_from_slice(args);
        let out = run(&cache, &all);
        assert!(out.status.success(), "{}", stderr(&out));
        let answer: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
        answer["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_str().unwrap().to_string())
            .collect()
    };
    let id_of = |i: usize| catalog[i]["id"].as_str().unwrap().to_string();
    assert_eq!(search(&["tv-017x"])[0], id_of(17));
    let found = search(&["--filter", "colour = red AND weight_kg >= 30", "desk"]);
    let mut expected: Vec<String> = (30..40).step_by(2).map(id_of).collect();
    let mut sorted = found.clone();
    sorted.sort();
    expected.sort();
    assert_eq!(sorted, expected);
    let out = run(
        &cache,
        &[
            "search",
            "--catalog",
            &path,
            "--filter",
            "weight_kg = heavy",
            "x",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("`weight_kg` is a number field"),
        "{}",
        stderr(&out)
    );
}
