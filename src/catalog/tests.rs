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

mod properties {
    //! Property tests: random products written by real JSON / CSV writers read back the same;
    //! random bytes in any format never panic and every error says where it is.

    use proptest::prelude::*;

    use super::super::{Catalog, Format, LoadOptions, Product};
    use crate::error::Error;

    /// Text as a reader returns it (trimmed), with quotes, separators, accents and line breaks.
    fn text(min: usize) -> impl Strategy<Value = String> {
        proptest::string::string_regex(&format!(r#"[a-zA-Z0-9 ,;|"'.é€\n\t-]{{{min},24}}"#))
            .unwrap()
            .prop_map(|s| s.trim().to_string())
            .prop_filter("non-empty when required", move |s| s.len() >= min)
    }

    /// Text for TSV, which has no quoting: no tabs or line breaks.
    fn tsv_safe(s: &str) -> String {
        s.replace(['\t', '\n'], " ").trim().to_string()
    }

    fn tag() -> impl Strategy<Value = String> {
        proptest::string::string_regex("[a-z0-9][a-z0-9 -]{0,10}")
            .unwrap()
            .prop_map(|s| s.trim().to_string())
    }

    prop_compose! {
        fn product(index: usize)(
            suffix in "[A-Za-z0-9-]{0,8}",
            title in text(1),
            description in text(0),
            category in text(0),
            brand in text(0),
            cents in proptest::option::of(0u32..10_000_000),
            tags in proptest::collection::vec(tag(), 0..4),
        ) -> Product {
            Product {
                id: format!("P{index}{suffix}"),
                title,
                description,
                category,
                brand,
                price: cents.map(|c| f64::from(c) / 100.0),
                tags,
                ..Product::default()
            }
        }
    }

    fn products() -> impl Strategy<Value = Vec<Product>> {
        (1usize..12).prop_flat_map(|n| (0..n).map(product).collect::<Vec<_>>())
    }

    fn json_of(product: &Product) -> serde_json::Value {
        serde_json::json!({
            "id": product.id,
            "title": product.title,
            "description": product.description,
            "category": product.category,
            "brand": product.brand,
            "price": product.price,
            "tags": product.tags,
        })
    }

    fn delimited(products: &[Product], delimiter: u8) -> Vec<u8> {
        let mut writer = csv::WriterBuilder::new()
            .delimiter(delimiter)
            .quote_style(if delimiter == b'\t' {
                csv::QuoteStyle::Never
            } else {
                csv::QuoteStyle::Necessary
            })
            .from_writer(Vec::new());
        let clean = |s: &str| {
            if delimiter == b'\t' {
                tsv_safe(s)
            } else {
                s.to_string()
            }
        };
        writer
            .write_record([
                "id",
                "title",
                "description",
                "category",
                "brand",
                "price",
                "tags",
            ])
            .unwrap();
        for p in products {
            writer
                .write_record([
                    clean(&p.id),
                    clean(&p.title),
                    clean(&p.description),
                    clean(&p.category),
                    clean(&p.brand),
                    p.price.map(|x| x.to_string()).unwrap_or_default(),
                    p.tags.join(", "),
                ])
                .unwrap();
        }
        writer.into_inner().unwrap()
    }

    fn parse(format: Format, bytes: &[u8]) -> crate::error::Result<Catalog> {
        Catalog::parse(
            std::path::Path::new("random"),
            format,
            bytes,
            &LoadOptions::default(),
        )
    }

    /// The fields a writer carries, as the reader gives them back.
    type Fields = (
        String,
        String,
        String,
        String,
        String,
        Option<f64>,
        Vec<String>,
    );

    /// A product's fields, its text fields passed through `clean`.
    fn fields(p: &Product, clean: impl Fn(&str) -> String) -> Fields {
        (
            p.id.clone(),
            clean(&p.title),
            clean(&p.description),
            clean(&p.category),
            clean(&p.brand),
            p.price,
            p.tags.clone(),
        )
    }

    fn as_read(p: &Product) -> Fields {
        fields(p, str::to_string)
    }

    /// Every line an error names is a line of the input (1 up to one past the last line).
    fn assert_located(error: &Error, bytes: &[u8]) {
        let last = bytes.split(|b| *b == b'\n').count();
        let lines = error
            .catalog_lines()
            .unwrap_or_else(|| panic!("not a catalog error: {error:?}"));
        assert!(
            lines.iter().all(|line| (1..=last + 1).contains(line)),
            "{error} (the input has {last} lines)"
        );
    }

    const FORMATS: [Format; 4] = [Format::Json, Format::Jsonl, Format::Csv, Format::Tsv];

    proptest! {
        #[test]
        fn written_catalogs_read_back_the_same(products in products()) {
            let rows: Vec<serde_json::Value> = products.iter().map(json_of).collect();
            let array = serde_json::to_vec_pretty(&rows).unwrap();
            let lines: Vec<u8> = rows
                .iter()
                .flat_map(|r| format!("{r}\n").into_bytes())
                .collect();
            let expected: Vec<_> = products.iter().map(as_read).collect();
            for (format, bytes) in [
                (Format::Json, array),
                (Format::Jsonl, lines),
                (Format::Csv, delimited(&products, b',')),
            ] {
                let catalog = parse(format, &bytes).unwrap();
                let read: Vec<_> = catalog.products.iter().map(as_read).collect();
                prop_assert_eq!(&read, &expected, "{:?}", format);
            }
            let catalog = parse(Format::Tsv, &delimited(&products, b'\t')).unwrap();
            let read: Vec<_> = catalog.products.iter().map(as_read).collect();
            let expected: Vec<_> = products.iter().map(|p| fields(p, tsv_safe)).collect();
            prop_assert_eq!(read, expected);
        }

        #[test]
        fn random_bytes_are_a_catalog_or_a_located_error(
            bytes in proptest::collection::vec(any::<u8>(), 0..300),
        ) {
            for format in FORMATS {
                if let Err(e) = parse(format, &bytes) {
                    assert_located(&e, &bytes);
                }
            }
        }

        #[test]
        fn random_near_catalog_text_is_a_catalog_or_a_located_error(
            text in r#"[\[\]{}",:\n\r\t \\a-z0-9.é-]{0,200}"#,
        ) {
            for format in FORMATS {
                if let Err(e) = parse(format, text.as_bytes()) {
                    assert_located(&e, text.as_bytes());
                }
            }
        }
    }
}
