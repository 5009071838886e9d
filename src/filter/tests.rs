//! Tests of the filter language: syntax and its errors, matching and missing fields, the schema, Display round trips, selections, facets and completion.

use proptest::prelude::*;

use super::*;
use crate::catalog::Product;

fn product(id: &str, build: impl FnOnce(&mut Product)) -> Product {
    let mut product = Product {
        id: id.to_owned(),
        ..Product::default()
    };
    build(&mut product);
    product
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|&item| item.to_owned()).collect()
}

fn extra(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|&(name, value)| (name.to_owned(), value.to_owned()))
        .collect()
}

/// Four products; the last lacks most fields.
fn catalog() -> Vec<Product> {
    vec![
        product("a1", |p| {
            p.title = "Steel Mug".into();
            p.category = "Kitchen & Dining".into();
            p.brand = "Acme".into();
            p.price = Some(12.5);
            p.tags = strings(&["Sale", "mugs"]);
            p.extra = extra(&[("color", "Red"), ("weight", "1.5")]);
        }),
        product("b2", |p| {
            p.title = "Watch".into();
            p.category = "mens-watches".into();
            p.brand = " Timex ".into();
            p.price = Some(129.0);
            p.tags = strings(&["gift"]);
            p.extra = extra(&[("Color", "blue"), ("weight", "0.2"), ("size", "M")]);
        }),
        product("c3", |p| {
            p.title = "Cheap Pen".into();
            p.category = "office".into();
            p.brand = "AND".into();
            p.price = Some(4.99);
            p.extra = extra(&[("weight", " ")]);
        }),
        product("d4", |p| {
            p.brand = "  ".into();
            p.tags = strings(&["sale", " "]);
            p.extra = extra(&[("size", "10"), ("Brand", "Shadowed")]);
        }),
    ]
}

fn filter(text: &str) -> Filter {
    Filter::parse(text, &Schema::of(&catalog())).unwrap_or_else(|e| panic!("{text}: {e}"))
}

/// The ids of the catalog's products that `text` selects.
fn ids(text: &str) -> Vec<String> {
    let products = catalog();
    let selection = filter(text).select(&products);
    selection
        .positions()
        .map(|position| products[position].id.clone())
        .collect()
}

fn filter_error(text: &str) -> FilterError {
    match Filter::parse(text, &Schema::of(&catalog())) {
        Ok(filter) => panic!("{text} parsed: {filter:?}"),
        Err(error) => error,
    }
}

fn syntax(text: &str) -> (usize, usize, String) {
    let error = parse_expr(text).expect_err(text);
    assert!(
        matches!(error.kind, FilterErrorKind::Syntax { .. }),
        "{error:?}"
    );
    (error.column, error.len, error.to_string())
}

fn compare(field: &str, op: CompareOp, value: &str) -> Expr {
    Expr::Compare {
        field: field.into(),
        op,
        value: value.into(),
    }
}

#[test]
fn comparisons_of_text_and_numbers() {
    assert_eq!(ids("brand = acme"), ["a1"]);
    assert_eq!(
        ids("brand = timex"),
        ["b2"],
        "the product's value is trimmed"
    );
    assert_eq!(ids("brand = \" Timex \""), ["b2"], "so is the filter's");
    assert_eq!(ids("price < 20"), ["a1", "c3"]);
    assert_eq!(ids("price <= 12.5"), ["a1", "c3"]);
    assert_eq!(ids("price > 12.5"), ["b2"]);
    assert_eq!(ids("price >= 4.99"), ["a1", "b2", "c3"]);
    assert_eq!(ids("price = 12.50"), ["a1"], "numbers compare as numbers");
    assert_eq!(ids("price = \"1.25e1\""), ["a1"]);
    assert_eq!(ids("price != 12.5"), ["b2", "c3", "d4"]);
    assert_eq!(
        ids("title = steel"),
        Vec::<String>::new(),
        "whole values only"
    );
    assert_eq!(ids("title = \"STEEL mug\""), ["a1"]);
}

#[test]
fn whitespace_is_needed_only_between_words() {
    assert_eq!(ids("price<20"), ["a1", "c3"]);
    assert_eq!(ids("brand=acme"), ["a1"]);
    assert_eq!(ids("(brand=acme)OR(brand=timex)"), ["a1", "b2"]);
    assert_eq!(ids("NOT(price>5)"), ["c3", "d4"]);
    assert_eq!(ids("category IN[office]"), ["c3"]);
    assert_eq!(
        parse_expr("title = a=b").unwrap(),
        compare("title", CompareOp::Eq, "a=b"),
        "a bare value may hold operator characters"
    );
}

#[test]
fn not_binds_tighter_than_and_which_binds_tighter_than_or() {
    assert_eq!(ids("brand = acme OR brand = timex AND price < 20"), ["a1"]);
    assert_eq!(
        ids("(brand = acme OR brand = timex) AND price > 20"),
        ["b2"]
    );
    assert_eq!(ids("NOT brand = acme AND price < 20"), ["c3"]);
    assert_eq!(ids("NOT (brand = acme AND price < 20)"), ["b2", "c3", "d4"]);
    let a = compare("a", CompareOp::Eq, "1");
    let b = compare("b", CompareOp::Eq, "2");
    let c = compare("c", CompareOp::Eq, "3");
    assert_eq!(
        parse_expr("NOT a = 1 AND b = 2 OR c = 3").unwrap(),
        Expr::Or(vec![
            Expr::And(vec![Expr::Not(Box::new(a.clone())), b.clone()]),
            c.clone()
        ])
    );
    assert_eq!(
        parse_expr("a = 1 AND b = 2 AND c = 3").unwrap(),
        Expr::And(vec![a.clone(), b.clone(), c.clone()]),
        "a chain is one operator"
    );
    assert_eq!(
        parse_expr("a = 1 AND (b = 2 AND c = 3)").unwrap(),
        Expr::And(vec![a, Expr::And(vec![b, c])]),
        "parentheses nest"
    );
}

#[test]
fn keywords_and_field_names_are_case_insensitive() {
    assert_eq!(ids("BRAND = ACME or Brand = timex"), ["a1", "b2"]);
    assert_eq!(ids("category in [OFFICE] aNd not price > 100"), ["c3"]);
    assert_eq!(ids("COLOR = red"), ["a1"]);
    let products = vec![product("e", |p| p.brand = "ÉCOLE".into())];
    let filter = Filter::parse("brand = école", &Schema::of(&products)).unwrap();
    assert!(filter.matches(&products[0]), "Unicode lowercase");
}

#[test]
fn in_and_not_in() {
    assert_eq!(
        ids("category IN [office, \"Kitchen & Dining\"]"),
        ["a1", "c3"]
    );
    assert_eq!(ids("category NOT IN [office]"), ["a1", "b2", "d4"]);
    assert_eq!(ids("price IN [4.99, 129]"), ["b2", "c3"]);
    assert_eq!(ids("price IN []"), Vec::<String>::new());
    assert_eq!(ids("price NOT IN []"), ["a1", "b2", "c3", "d4"]);
    assert_eq!(
        parse_expr("tags not in [a]").unwrap(),
        parse_expr("NOT tags IN [a]").unwrap()
    );
}

#[test]
fn quoted_and_bare_values() {
    assert_eq!(ids("category = \"Kitchen & Dining\""), ["a1"]);
    assert_eq!(ids("category = mens-watches"), ["b2"]);
    assert_eq!(
        ids("brand = \"AND\""),
        ["c3"],
        "a quoted keyword is a value"
    );
    assert_eq!(
        parse_expr(r#"title = "say \"hi\" \\ C:\dir""#).unwrap(),
        compare("title", CompareOp::Eq, r#"say "hi" \ C:\dir"#)
    );
    assert_eq!(
        parse_expr(r#"t = """#).unwrap(),
        compare("t", CompareOp::Eq, "")
    );
    assert_eq!(
        parse_expr(r#""country of origin" = x"#).unwrap(),
        compare("country of origin", CompareOp::Eq, "x"),
        "a field name may be quoted too"
    );
}

#[test]
fn a_tags_field_matches_when_any_tag_does() {
    assert_eq!(ids("tags = sale"), ["a1", "d4"]);
    assert_eq!(ids("tags = MUGS"), ["a1"]);
    assert_eq!(ids("tags IN [gift, mugs]"), ["a1", "b2"]);
    assert_eq!(ids("tags != sale"), ["b2", "c3"]);
    assert_eq!(
        ids("tags = \"\""),
        Vec::<String>::new(),
        "blank tags are none"
    );
}

#[test]
fn extra_fields_are_numbers_when_all_their_values_are() {
    assert_eq!(ids("weight > 1"), ["a1"]);
    assert_eq!(ids("weight = 0.20"), ["b2"]);
    assert_eq!(ids("weight != 1.5"), ["b2", "c3", "d4"]);
    assert_eq!(ids("size = m"), ["b2"]);
    assert_eq!(ids("size = 10.0"), Vec::<String>::new(), "size is text");
    assert_eq!(ids("size = 10"), ["d4"]);
}

#[test]
fn a_product_without_the_field_matches_only_not_and_not_equal() {
    // d4 has no price, brand (blank), color or weight; c3 has no tags.
    for (field, value, without) in [
        ("price", "5", "d4"),
        ("brand", "acme", "d4"),
        ("color", "red", "d4"),
        ("weight", "1", "d4"),
        ("tags", "gift", "c3"),
    ] {
        let ordered = ["<", "<=", ">", ">="]
            .into_iter()
            .filter(|_| matches!(field, "price" | "weight"));
        for op in ["="].into_iter().chain(ordered) {
            let text = format!("{field} {op} {value}");
            assert!(!ids(&text).contains(&without.to_owned()), "{text}");
        }
        let text = format!("{field} IN [{value}, 77]");
        assert!(!ids(&text).contains(&without.to_owned()), "{text}");
        for text in [
            format!("{field} != {value}"),
            format!("{field} NOT IN [{value}]"),
            format!("NOT {field} = {value}"),
        ] {
            assert!(ids(&text).contains(&without.to_owned()), "{text}");
        }
    }
    let odd = product("nan", |p| {
        p.price = Some(f64::NAN);
        p.extra = extra(&[("weight", "heavy")]);
    });
    let schema = Schema::of(&catalog());
    for text in ["price >= 0", "price < 0", "weight > 0", "weight < 0"] {
        let filter = Filter::parse(text, &schema).unwrap();
        assert!(!filter.matches(&odd), "{text}: not a number is no value");
    }
}

#[test]
fn the_schema_has_the_built_ins_then_the_extra_fields() {
    let schema = Schema::of(&catalog());
    let fields: Vec<(String, String)> = schema
        .fields()
        .map(|(name, kind)| (name.to_owned(), kind.to_string()))
        .collect();
    let expected = [
        ("id", "text"),
        ("title", "text"),
        ("description", "text"),
        ("category", "text"),
        ("brand", "text"),
        ("price", "number"),
        ("tags", "tags"),
        ("color", "text"),
        ("weight", "number"),
        ("size", "text"),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|&(name, kind)| (name.to_owned(), kind.to_owned()))
        .collect();
    assert_eq!(
        fields, expected,
        "`Brand` is the built-in, `Color` is `color`"
    );
    let blank = Schema::of(&[product("x", |p| p.extra = extra(&[("note", " ")]))]);
    assert_eq!(
        blank.fields().last(),
        Some(("note", FieldType::Text)),
        "a field without numbers is text"
    );
}

#[test]
fn syntax_errors_say_what_was_expected_where() {
    for text in ["", "   "] {
        let error = filter_error(text);
        assert_eq!(
            error.kind,
            FilterErrorKind::Syntax {
                expected: "a filter expression".into(),
                found: "end of input".into()
            }
        );
        assert_eq!((error.column, error.len), (text.len() + 1, 1));
    }
    assert_eq!(
        syntax("price ="),
        (
            8,
            1,
            "column 8: expected a value after `=`, found end of input".into()
        )
    );
    assert_eq!(
        syntax("brand = AND"),
        (
            9,
            3,
            "column 9: expected a value after `=`, found `AND`".into()
        )
    );
    assert_eq!(
        syntax("a = 1 AND"),
        (
            10,
            1,
            "column 10: expected a condition after `AND`, found end of input".into()
        )
    );
    assert_eq!(
        syntax("a = 1 b = 2"),
        (
            7,
            1,
            "column 7: expected `AND`, `OR` or end of input, found `b`".into()
        )
    );
    assert_eq!(
        syntax("(a = 1"),
        (
            7,
            1,
            "column 7: expected `AND`, `OR` or `)`, found end of input".into()
        )
    );
    assert_eq!(syntax("a = 1)").0, 6);
    assert_eq!(
        syntax("brand ! x").2,
        "column 7: expected an operator (`=`, `!=`, `<`, `<=`, `>`, `>=`, `IN` or `NOT IN`) \
         after `brand`, found `!`"
    );
    assert_eq!(
        syntax("a NOT x").2,
        "column 7: expected `IN` after `NOT`, found `x`"
    );
    assert_eq!(
        syntax("a IN x").2,
        "column 6: expected `[` after `IN`, found `x`"
    );
    assert_eq!(
        syntax("a IN [x y]").2,
        "column 9: expected `,` or `]`, found `y`"
    );
    assert_eq!(
        syntax("a IN [x,]").2,
        "column 9: expected a value after `,`, found `]`"
    );
    assert_eq!(
        syntax("a = \"open"),
        (
            10,
            1,
            "column 10: expected a closing `\"`, found end of input".into()
        )
    );
    assert_eq!(
        syntax("OR = 1").2,
        "column 1: expected a filter expression, found `OR`"
    );
    assert_eq!(
        syntax("é = 1 AND").0,
        10,
        "columns count characters, not bytes"
    );
    let deep = format!(
        "{}a = 1{}",
        "(".repeat(MAX_NESTING + 1),
        ")".repeat(MAX_NESTING + 1)
    );
    let (column, _, message) = syntax(&deep);
    assert_eq!(column, MAX_NESTING + 1);
    assert!(message.contains("at most 64 nested"), "{message}");
    let nots = format!("{}a = 1", "NOT ".repeat(MAX_NESTING));
    assert!(parse_expr(&nots).is_ok());
}

#[test]
fn an_unknown_field_is_named_with_the_fields_there_are() {
    let error = filter_error("brand = x OR colour = red");
    assert_eq!((error.column, error.len), (14, 6));
    assert_eq!(
        error.to_string(),
        "column 14: unknown field `colour`; the fields are id, title, description, category, \
         brand, price, tags, color, weight, size"
    );
    let FilterErrorKind::UnknownField { field, known } = error.kind else {
        panic!("{error:?}")
    };
    assert_eq!(field, "colour");
    assert_eq!(known.len(), 10);
}

#[test]
fn a_number_field_needs_number_values() {
    let error = filter_error("price = cheap");
    assert_eq!((error.column, error.len), (9, 5));
    assert_eq!(
        error.to_string(),
        "column 9: `price` is a number field; `cheap` is not a number"
    );
    let error = filter_error("WEIGHT IN [1, \"2 kg\"]");
    assert_eq!((error.column, error.len), (15, 6));
    assert_eq!(
        error.kind,
        FilterErrorKind::TypeMismatch {
            field: "weight".into(),
            expected: FieldType::Number,
            value: "2 kg".into()
        }
    );
    for text in ["price = inf", "price = NaN", "price < \"\""] {
        assert!(
            matches!(error_kind(text), FilterErrorKind::TypeMismatch { .. }),
            "{text}"
        );
    }
}

fn error_kind(text: &str) -> FilterErrorKind {
    filter_error(text).kind
}

#[test]
fn ordered_comparisons_need_a_number_field() {
    let error = filter_error("price > 1 AND brand <= x");
    assert_eq!((error.column, error.len), (21, 2));
    assert_eq!(
        error.to_string(),
        "column 21: `<=` needs a number field; `brand` is a text field"
    );
    assert_eq!(
        error_kind("tags > a"),
        FilterErrorKind::NotOrdered {
            field: "tags".into(),
            operator: ">".into(),
            found: FieldType::Tags
        }
    );
}

#[test]
fn display_prints_canonical_text() {
    for (text, canonical) in [
        ("a=1 and (b=2 or c=3)", "a = 1 AND (b = 2 OR c = 3)"),
        ("(a=1 and b=2) or c=3", "a = 1 AND b = 2 OR c = 3"),
        ("not (a=1 or b=2)", "NOT (a = 1 OR b = 2)"),
        ("x not in [a,\"b c\"]", "NOT x IN [a, \"b c\"]"),
        ("brand = \"and\"", "brand = \"and\""),
        ("\"my field\" != \"\"", "\"my field\" != \"\""),
        ("t = \"\\\"q\"", "t = \"\\\"q\""),
        ("t = a\"b", "t = a\"b"),
    ] {
        let expr = parse_expr(text).unwrap();
        assert_eq!(expr.to_string(), canonical);
        assert_eq!(parse_expr(canonical).unwrap(), expr);
    }
}

#[test]
fn a_filter_keeps_its_text_trimmed() {
    assert_eq!(filter("  brand = acme \n").text(), "brand = acme");
}

#[test]
fn a_selection_holds_the_matching_positions() {
    let products: Vec<Product> = (0..150)
        .map(|i| product(&i.to_string(), |p| p.price = Some(f64::from(i))))
        .collect();
    let schema = Schema::of(&products);
    let selection = Filter::parse("price >= 60 AND price < 130 AND NOT price = 100", &schema)
        .unwrap()
        .select(&products);
    assert_eq!(selection.len(), 150);
    assert_eq!(selection.count(), 69);
    assert!(!selection.is_empty());
    assert!(selection.allows(60) && selection.allows(129) && !selection.allows(100));
    assert!(!selection.allows(59) && !selection.allows(150) && !selection.allows(usize::MAX));
    let positions: Vec<usize> = selection.positions().collect();
    let expected: Vec<usize> = (60..130).filter(|&i| i != 100).collect();
    assert_eq!(positions, expected);
    let none = Filter::parse("price < 0", &schema)
        .unwrap()
        .select(&products);
    assert!(none.is_empty() && none.len() == 150 && none.positions().next().is_none());
    let empty = Filter::parse("price < 0", &schema).unwrap().select(&[]);
    assert!(empty.is_empty());
    assert_eq!(empty.len(), 0);
}

fn facets_catalog() -> Vec<Product> {
    let mut products = catalog();
    products.push(product("e5", |p| {
        p.category = "KITCHEN & dining".into();
        p.brand = "acme".into();
        p.tags = strings(&["sale", "Sale"]);
        p.price = Some(20.0);
    }));
    products.push(product("f6", |p| {
        p.category = "Kitchen & Dining".into();
        p.brand = "acme".into();
        p.tags = strings(&["gift"]);
    }));
    products
}

fn pairs(values: &[(String, usize)]) -> Vec<(&str, usize)> {
    values
        .iter()
        .map(|(value, n)| (value.as_str(), *n))
        .collect()
}

#[test]
fn facets_count_products_per_value_in_their_most_common_spelling() {
    let products = facets_catalog();
    let facets = Facets::of(&products, &Schema::of(&products));
    assert_eq!(
        pairs(facets.values("category")),
        [("Kitchen & Dining", 3), ("mens-watches", 1), ("office", 1)]
    );
    assert_eq!(
        pairs(facets.values("BRAND")),
        [("acme", 3), ("AND", 1), ("Timex", 1)]
    );
    assert_eq!(
        pairs(facets.values("tags")),
        [("sale", 3), ("gift", 2), ("mugs", 1)],
        "a product counts once per value"
    );
    assert_eq!(pairs(facets.values("color")), [("blue", 1), ("Red", 1)]);
    assert_eq!(pairs(facets.values("size")), [("10", 1), ("M", 1)]);
    for field in ["id", "title", "description", "price", "weight", "nope"] {
        assert!(facets.values(field).is_empty(), "{field}");
    }
    assert_eq!(facets.range("price"), Some((4.99, 129.0)));
    assert_eq!(facets.range("Weight"), Some((0.2, 1.5)));
    assert_eq!(facets.range("brand"), None);
    let none = Facets::of(&[], &Schema::of(&[]));
    assert_eq!(none.range("price"), None);
    assert!(none.values("brand").is_empty());
}

#[test]
fn facets_keep_the_most_common_values() {
    let products: Vec<Product> = (0..1200)
        .map(|i| product(&i.to_string(), |p| p.brand = format!("brand {}", i % 1100)))
        .collect();
    let facets = Facets::of(&products, &Schema::of(&products));
    let values = facets.values("brand");
    assert_eq!(values.len(), MAX_FACET_VALUES);
    assert_eq!(values[0], ("brand 0".to_owned(), 2));
    assert_eq!(values[99].1, 2);
    assert_eq!(values[100].1, 1);
}

fn complete(text: &str) -> Vec<(usize, String, String)> {
    let products = facets_catalog();
    let schema = Schema::of(&products);
    Facets::of(&products, &schema)
        .complete(&schema, text)
        .into_iter()
        .map(|c| (c.replace_from, c.insert, c.label))
        .collect()
}

fn inserts(text: &str) -> Vec<String> {
    complete(text)
        .into_iter()
        .map(|(_, insert, _)| insert)
        .collect()
}

#[test]
fn completion_offers_field_names_where_a_field_goes() {
    assert_eq!(inserts("").len(), 10);
    assert_eq!(
        complete("pr"),
        [(0, "price".into(), "price (number 4.99–129.00)".into())]
    );
    assert_eq!(
        complete("brand = acme AND B"),
        [(17, "brand".into(), "brand (text)".into())]
    );
    assert_eq!(inserts("(T"), ["title", "tags"]);
    assert_eq!(inserts("NOT "), inserts(""));
    assert_eq!(inserts("a = 1 OR (NOT s"), ["size"]);
    assert_eq!(complete("x = 1 or w")[0].2, "weight (number 0.20–1.50)");
    assert!(complete("zz").is_empty());
}

#[test]
fn completion_offers_values_where_a_value_goes() {
    assert_eq!(inserts("brand = "), ["acme", "\"AND\"", "Timex"]);
    assert_eq!(
        complete("brand=ac"),
        [(6, "acme".into(), "acme (3)".into())]
    );
    assert_eq!(
        complete("category = \"kit"),
        [(
            11,
            "\"Kitchen & Dining\"".into(),
            "Kitchen & Dining (3)".into()
        )]
    );
    assert_eq!(inserts("category IN [office, K"), ["\"Kitchen & Dining\""]);
    assert_eq!(inserts("tags not in ["), ["sale", "gift", "mugs"]);
    assert_eq!(inserts("size != "), ["10", "M"]);
    let many: Vec<Product> = (0..80)
        .map(|i| product(&i.to_string(), |p| p.brand = format!("b{i:02}")))
        .collect();
    let schema = Schema::of(&many);
    let offered = Facets::of(&many, &schema).complete(&schema, "brand = b");
    assert_eq!(offered.len(), MAX_COMPLETIONS);
}

#[test]
fn completion_offers_nothing_elsewhere() {
    for text in [
        "price < ",
        "price = 1",
        "weight IN [",
        "brand = acme ",
        "brand = \"acme\"",
        "brand ",
        "brand IN ",
        "brand = acme AN",
        ")))",
        "a = [",
        "nope = ",
    ] {
        assert!(complete(text).is_empty(), "{text:?}: {:?}", complete(text));
    }
}

/// Strings made mostly of the language's own characters and words.
fn filterish() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            Just("AND ".to_owned()),
            Just(" or".to_owned()),
            Just("NOT".to_owned()),
            Just(" IN ".to_owned()),
            "[a-c\"\\\\=!<>()\\[\\], é\t]{1,3}",
        ],
        0..12,
    )
    .prop_map(|parts| parts.concat())
}

/// Field names and values, including ones that need quoting.
fn word() -> BoxedStrategy<String> {
    prop_oneof![
        "[a-z]{1,5}",
        "[a-zA-Z0-9 \"\\\\=!<>()\\[\\],&é.-]{0,6}",
        Just("and".to_owned()),
        Just("In".to_owned()),
        Just(String::new()),
    ]
    .boxed()
}

fn select<T: Clone + std::fmt::Debug + 'static>(items: &[T]) -> BoxedStrategy<T> {
    proptest::sample::select(items.to_vec()).boxed()
}

/// Conditions on fields from `field`, with operators from `op` and values from `value`.
fn leaves(
    field: BoxedStrategy<String>,
    op: BoxedStrategy<CompareOp>,
    value: BoxedStrategy<String>,
) -> BoxedStrategy<Expr> {
    prop_oneof![
        (field.clone(), op, value.clone()).prop_map(|(field, op, value)| Expr::Compare {
            field,
            op,
            value
        }),
        (field, proptest::collection::vec(value, 0..4))
            .prop_map(|(field, values)| Expr::In { field, values }),
    ]
    .boxed()
}

fn trees(leaf: BoxedStrategy<Expr>) -> impl Strategy<Value = Expr> {
    leaf.prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 2..4).prop_map(Expr::And),
            proptest::collection::vec(inner.clone(), 2..4).prop_map(Expr::Or),
            inner.prop_map(|e| Expr::Not(Box::new(e))),
        ]
    })
}

/// Filters that compile against the schema of [`products`]: text fields compared for
/// equality with text, number fields compared any way with numbers.
fn filters() -> impl Strategy<Value = Expr> {
    let names = |names: &[&'static str]| select(names).prop_map(str::to_owned).boxed();
    let text = leaves(
        names(&["brand", "BRAND", "tags", "color"]),
        select(&[CompareOp::Eq, CompareOp::Ne]),
        names(&["acme", "red", "1", "", " Red", "x"]),
    );
    let number = leaves(
        names(&["price", "Weight"]),
        select(&CompareOp::LONGEST_FIRST),
        names(&["1", "2.5", "-3", " 1.0", "0"]),
    );
    trees(prop_oneof![text, number].boxed())
}

/// Small products whose fields take a few values, in several spellings.
fn products() -> impl Strategy<Value = Vec<Product>> {
    let text = proptest::sample::select(vec!["", " ", "acme", "ACME ", "red", "Red", "1"]);
    let number = proptest::sample::select(vec!["", "1", " 2.5", "-3"]);
    let price = proptest::sample::select(vec![None, Some(1.0), Some(2.5), Some(-3.0)]);
    let one = (
        text.clone(),
        price,
        proptest::collection::vec(text.clone(), 0..3),
        proptest::option::of(text),
        proptest::option::of(number),
    )
        .prop_map(|(brand, price, tags, color, weight)| Product {
            brand: brand.to_owned(),
            price,
            tags: tags.into_iter().map(str::to_owned).collect(),
            extra: color
                .map(|c| ("color".to_owned(), c.to_owned()))
                .into_iter()
                .chain(weight.map(|w| ("Weight".to_owned(), w.to_owned())))
                .collect(),
            ..Product::default()
        });
    proptest::collection::vec(one, 0..6)
}

proptest! {
    #[test]
    fn parsing_never_panics_and_errors_point_into_the_text(
        text in prop_oneof![any::<String>(), filterish()],
    ) {
        if let Err(error) = parse_expr(&text) {
            let chars = text.chars().count();
            prop_assert!((1..=chars + 1).contains(&error.column), "{error} in {text:?}");
            prop_assert!(error.len >= 1);
        }
    }

    #[test]
    fn display_parses_back_to_the_same_expression(
        expr in trees(leaves(word(), select(&CompareOp::LONGEST_FIRST), word())),
    ) {
        let text = expr.to_string();
        prop_assert_eq!(parse_expr(&text), Ok(expr), "{}", text);
    }

    #[test]
    fn not_is_the_complement_and_select_agrees_with_matches(
        expr in filters(),
        generated in products(),
    ) {
        let mut products = vec![Product {
            brand: "Acme".into(),
            price: Some(1.0),
            tags: vec!["red".into()],
            extra: extra(&[("color", "red"), ("weight", "1")]),
            ..Product::default()
        }];
        products.extend(generated);
        let schema = Schema::of(&products);
        let filter = Filter::parse(&expr.to_string(), &schema).unwrap();
        let negated = Filter::parse(&Expr::Not(Box::new(expr)).to_string(), &schema).unwrap();
        let selection = filter.select(&products);
        prop_assert_eq!(selection.len(), products.len());
        for (position, product) in products.iter().enumerate() {
            prop_assert_eq!(negated.matches(product), !filter.matches(product));
            prop_assert_eq!(selection.allows(position), filter.matches(product));
        }
        prop_assert_eq!(selection.count(), selection.positions().count());
    }

    #[test]
    fn completion_never_panics(text in prop_oneof![any::<String>(), filterish()]) {
        let products = facets_catalog();
        let schema = Schema::of(&products);
        for completion in Facets::of(&products, &schema).complete(&schema, &text) {
            prop_assert!(text.is_char_boundary(completion.replace_from));
        }
    }
}

#[test]
fn filters_selections_schemas_and_facets_can_be_shared_between_threads() {
    fn shareable<T: Send + Sync + Clone + std::fmt::Debug>() {}
    shareable::<Filter>();
    shareable::<Selection>();
    shareable::<Schema>();
    shareable::<Facets>();
}
