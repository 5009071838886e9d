use std::path::PathBuf;

use super::*;
use crate::search::{CacheFile, Notice};

fn product(id: &str, title: &str, brand: &str, description: &str) -> Product {
    Product {
        id: id.into(),
        title: title.into(),
        brand: brand.into(),
        description: description.into(),
        category: "Kitchen & Dining".into(),
        ..Product::default()
    }
}

fn catalog() -> Catalog {
    let mut with_code = product(
        "EL-200",
        "Noise cancelling headphones",
        "Quietly",
        "Over-ear.",
    );
    with_code.extra = vec![("mpn".into(), "WH-1000XM4".into())];
    Catalog {
        path: PathBuf::from("test.json"),
        products: vec![
            product(
                "KD-1001",
                "Insulated Travel Mug",
                "Thermavale",
                "Keeps coffee hot.",
            ),
            product(
                "KD-1002",
                "Vacuum Water Bottle",
                "Thermavale",
                "Cold for a day.",
            ),
            product(
                "KD-1003",
                "Ceramic Mugs, set of 4",
                "Hearth",
                "Stoneware mugs.",
            ),
            product(
                "FU-1001",
                "Garden Bench",
                "Oakline",
                "A bench for the KD-1001 fan.",
            ),
            with_code,
        ],
        skipped: Vec::new(),
    }
}

fn ids(catalog: &Catalog, hits: &[LexicalHit]) -> Vec<String> {
    hits.iter()
        .map(|h| catalog.products[h.position as usize].id.clone())
        .collect()
}

fn memory_index(catalog: &Catalog) -> LexicalIndex {
    in_memory(catalog, &mut |_, _| {}).unwrap()
}

#[test]
fn a_brand_finds_its_products_and_nothing_else() {
    let catalog = catalog();
    let index = memory_index(&catalog);
    let mut found = ids(
        &catalog,
        &index.search(&index.query("thermavale"), 10, None).unwrap(),
    );
    found.sort();
    assert_eq!(found, ["KD-1001", "KD-1002"]);
}

#[test]
fn an_id_or_a_code_typed_whole_finds_its_product_first() {
    let catalog = catalog();
    let index = memory_index(&catalog);
    // FU-1001 names KD-1001 in its description, so both match the words `kd` and `1001`.
    let hits = index.search(&index.query("KD-1001"), 10, None).unwrap();
    assert_eq!(ids(&catalog, &hits)[0], "KD-1001");
    assert!(hits[0].score > 2.0 * hits[1].score, "{hits:?}");
    let hits = index.search(&index.query("wh-1000xm4"), 10, None).unwrap();
    assert_eq!(ids(&catalog, &hits), ["EL-200"]);
}

#[test]
fn words_are_stemmed_and_stop_words_match_nothing() {
    let catalog = catalog();
    let index = memory_index(&catalog);
    let mut found = ids(
        &catalog,
        &index.search(&index.query("mug"), 10, None).unwrap(),
    );
    found.sort();
    assert_eq!(found, ["KD-1001", "KD-1003"]);
    assert!(
        index
            .search(&index.query("the of a"), 10, None)
            .unwrap()
            .is_empty()
    );
    assert!(index.search(&index.query(""), 10, None).unwrap().is_empty());
}

#[test]
fn a_filtered_search_returns_only_what_the_mask_allows() {
    let catalog = catalog();
    let index = memory_index(&catalog);
    let mask: Arc<[bool]> = [false, true, true, true, true].into();
    let found = ids(
        &catalog,
        &index
            .search(&index.query("thermavale mugs"), 10, Some(mask))
            .unwrap(),
    );
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(!found.contains(&"KD-1001".to_string()));
}

#[test]
fn matched_words_are_given_as_typed() {
    let catalog = catalog();
    let index = memory_index(&catalog);
    let mug = &catalog.products[0];
    assert_eq!(
        index.matched(&index.query("Thermavale MUGS for Hot tea"), mug),
        ["Thermavale", "MUGS", "Hot"]
    );
    assert_eq!(
        index.matched(&index.query("kd-1001"), mug),
        ["kd-1001", "kd", "1001"]
    );
    assert!(index.matched(&index.query("garden"), mug).is_empty());
}

#[test]
fn an_index_on_disk_is_reused_and_a_damaged_one_rebuilt() {
    let catalog = catalog();
    let dir = tempfile::tempdir().unwrap();
    let mut notices = Vec::new();
    let built = open_or_build(&catalog, Some(dir.path()), &mut |_, _| {}, &mut notices).unwrap();
    assert_eq!(
        (built.index.len(), built.from_cache),
        (catalog.len(), false)
    );
    drop(built);
    let index_dir = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("lexical-")
        })
        .unwrap();
    let mut builds = 0;
    let reopened = open_or_build(
        &catalog,
        Some(dir.path()),
        &mut |_, _| builds += 1,
        &mut notices,
    )
    .unwrap();
    assert_eq!((builds, notices.len(), reopened.from_cache), (0, 0, true));
    drop(reopened);

    // Every segment file damaged: flipping a byte of each breaks a checksum.
    for entry in std::fs::read_dir(&index_dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e != "json" && e != "lock") {
            let mut bytes = std::fs::read(&path).unwrap();
            if let Some(b) = bytes.first_mut() {
                *b ^= 0xff;
            }
            std::fs::write(&path, bytes).unwrap();
        }
    }
    let rebuilt = open_or_build(&catalog, Some(dir.path()), &mut |_, _| {}, &mut notices).unwrap();
    assert!(
        matches!(
            notices.as_slice(),
            [Notice::Rebuilt {
                cache: CacheFile::Lexical,
                ..
            }]
        ),
        "{notices:?}"
    );
    let index = rebuilt.index;
    let found = index.search(&index.query("thermavale"), 1, None).unwrap();
    assert_eq!((found.len(), rebuilt.from_cache), (1, false));
}

#[test]
fn a_changed_catalog_gets_a_new_index_and_the_old_one_is_removed() {
    let mut catalog = catalog();
    let dir = tempfile::tempdir().unwrap();
    let mut notices = Vec::new();
    drop(open_or_build(&catalog, Some(dir.path()), &mut |_, _| {}, &mut notices).unwrap());
    catalog.products[2].brand = "Kilnworks".into();
    let opened = open_or_build(&catalog, Some(dir.path()), &mut |_, _| {}, &mut notices).unwrap();
    let index = opened.index;
    let found = index.search(&index.query("kilnworks"), 5, None).unwrap();
    assert_eq!(ids(&catalog, &found), ["KD-1003"]);
    let dirs = std::fs::read_dir(dir.path()).unwrap().count();
    assert_eq!((dirs, notices.len()), (1, 0));
}
