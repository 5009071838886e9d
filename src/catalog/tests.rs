//! Catalog reader tests: every format, field mapping, and each kind of bad input.

use std::io::Write;

use super::*;

fn load_text(name: &str, text: &[u8], options: &LoadOptions) -> Result<Catalog> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::File::create(&path)
        .unwrap()
        .write_all(text)
        .unwrap();
    Catalog::load(&path, options)
}

fn load(name: &str, text: &str) -> Result<Catalog> {
    load_text(name, text.as_bytes(), &LoadOptions::default())
}

#[test]
fn json_array_with_common_names_and_numbers() {
    let c = load(
        "p.json",
        r#"[{"id": 7, "name": "Mug", "price": 12.5, "tags": ["a", "b"], "color": "red"},
            {"sku": "X-1", "title": "Cup", "price": "$3.00"}]"#,
    )
    .unwrap();
    assert_eq!(c.products[0].id, "7");
    assert_eq!(c.products[0].title, "Mug");
    assert_eq!(c.products[0].price, Some(12.5));
    assert_eq!(c.products[0].tags, vec!["a", "b"]);
    assert_eq!(
        c.products[0].extra,
        vec![("color".to_string(), "red".to_string())]
    );
    assert_eq!(c.products[1].id, "X-1");
    assert_eq!(c.products[1].price, Some(3.0));
    assert_eq!(c.products[1].line, 2);
}

#[test]
fn jsonl_csv_tsv_read_the_same_products() {
    let jsonl = load(
        "p.jsonl",
        "{\"id\":\"a\",\"title\":\"Lamp\"}\r\n\r\n{\"id\":\"b\",\"title\":\"Desk\"}\n",
    )
    .unwrap();
    let csv = load(
        "p.csv",
        "\u{feff}id,title,description\r\na,Lamp,\"warm, soft\"\r\nb,Desk,\n",
    )
    .unwrap();
    let tsv = load("p.tsv", "id\ttitle\na\tLamp\nb\tDesk 48\"\n").unwrap();
    for c in [&jsonl, &csv, &tsv] {
        assert_eq!(
            c.products.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(),
            ["a", "b"]
        );
        assert_eq!(c.products[0].title, "Lamp");
    }
    assert_eq!(jsonl.products[1].line, 3);
    assert_eq!(csv.products[0].description, "warm, soft");
    assert_eq!(csv.products[1].line, 3);
    assert_eq!(tsv.products[1].title, "Desk 48\"");
}

#[test]
fn configured_dotted_paths_map_nested_fields() {
    let options = LoadOptions {
        fields: FieldMapping {
            id: Some("meta.sku".into()),
            title: Some("label".into()),
            ..FieldMapping::default()
        },
        ..LoadOptions::default()
    };
    let c = load_text(
        "p.json",
        br#"[{"meta": {"sku": "S1"}, "label": "Chair"}]"#,
        &options,
    )
    .unwrap();
    assert_eq!(c.products[0].id, "S1");
    assert_eq!(c.products[0].title, "Chair");
}

#[test]
fn missing_id_becomes_the_line_number() {
    let c = load("p.jsonl", "{\"title\":\"A\"}\n{\"title\":\"B\"}\n").unwrap();
    assert_eq!(c.products[1].id, "2");
}

#[test]
fn duplicate_ids_name_both_lines() {
    let err = load("p.csv", "id,title\n1,A\n2,B\n1,C\n")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("line 4") && err.contains("line 2") && err.contains("duplicate id"),
        "{err}"
    );
}

#[test]
fn bad_rows_fail_the_file_or_are_skipped() {
    let text = "{\"id\":1,\"title\":\"A\"}\n{\"id\":2}\n{oops\n{\"id\":4,\"title\":\"D\"}\n";
    let err = load("p.jsonl", text).unwrap_err().to_string();
    assert!(
        err.contains("2 invalid")
            && err.contains("line 2: missing title")
            && err.contains("line 3"),
        "{err}"
    );
    let options = LoadOptions {
        skip_invalid: true,
        ..LoadOptions::default()
    };
    let c = load_text("p.jsonl", text.as_bytes(), &options).unwrap();
    assert_eq!(c.len(), 2);
    assert_eq!(c.skipped.iter().map(|e| e.line).collect::<Vec<_>>(), [2, 3]);
}

#[test]
fn bad_element_in_an_array_names_its_line_and_column() {
    let err = load(
        "p.json",
        "[\n {\"id\": 1, \"title\": \"A\"},\n {\"id\": 2, \"title\": tru}\n]",
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("line 3, column"), "{err}");
}

#[test]
fn structural_json_errors_fail_with_a_position() {
    let truncated = load(
        "p.json",
        "[{\"id\": 1, \"title\": \"A\"},\n {\"id\": 2, \"ti",
    )
    .unwrap_err();
    assert!(truncated.to_string().contains("truncated"), "{truncated}");
    assert!(truncated.to_string().contains("p.json:2:"), "{truncated}");
    let object = load("p.json", "{\"id\": 1, \"title\": \"A\"}").unwrap_err();
    assert!(object.to_string().contains("found an object"), "{object}");
    let trailing = load("p.json", "[{\"id\": 1, \"title\": \"A\"},]").unwrap_err();
    assert!(
        trailing.to_string().contains("expected a product object"),
        "{trailing}"
    );
}

#[test]
fn ragged_and_unclosed_csv_rows_are_named() {
    let err = load("p.csv", "id,title,price\n1,A,3\n2,B\n")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("line 3: expected 3 fields as in the header, found 2"),
        "{err}"
    );
    let err = load("p.csv", "id,title\n1,\"A\n2,B\n3,C\n")
        .unwrap_err()
        .to_string();
    assert!(err.contains("line 2") && err.contains("quote"), "{err}");
}

#[test]
fn latin1_is_rejected_with_its_position() {
    let err = load_text("p.csv", b"id,title\n1,Caf\xe9\n", &LoadOptions::default())
        .unwrap_err()
        .to_string();
    assert!(err.contains("p.csv:2:6") && err.contains("UTF-8"), "{err}");
}

#[test]
fn empty_and_header_only_files_are_empty_catalogs() {
    for (name, text) in [
        ("p.json", ""),
        ("p.json", "[]"),
        ("p.csv", "id,title\n"),
        ("p.jsonl", "\n\n"),
    ] {
        let err = load(name, text).unwrap_err();
        assert!(matches!(err, Error::EmptyCatalog { .. }), "{name}: {err}");
    }
}

#[test]
fn a_bad_price_is_a_row_error() {
    let err = load("p.csv", "id,title,price\n1,A,cheap\n")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("line 2: price: expected a non-negative number"),
        "{err}"
    );
}

#[test]
fn a_directory_or_unknown_extension_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let err = Catalog::load(dir.path(), &LoadOptions::default()).unwrap_err();
    assert!(err.to_string().contains("is a directory"), "{err}");
    let err = load("p.xml", "<x/>").unwrap_err();
    assert!(err.to_string().contains("--format"), "{err}");
}
