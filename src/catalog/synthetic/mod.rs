//! Deterministic synthetic products for scale tests: each product composed from parts (brand, line, size, material, noun, selling points), so a million products are not copies of a few strings.

mod words;

use super::Product;
use words::{BRAND_HEADS, BRAND_TAILS, COLORS, GENERIC_POINTS, KINDS, Kind, LINES};

/// SplitMix64: small, fast, and the same numbers on every platform.
struct Rng(u64);

impl Rng {
    /// A stream for product `index` of catalog `seed`, independent of every other product's.
    fn for_product(seed: u64, index: u64) -> Self {
        let mut mixer = Self(seed ^ index.wrapping_mul(0xA076_1D64_78BD_642F));
        mixer.next();
        mixer
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }

    /// True with probability `percent`/100.
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

/// "stainless steel" → "Stainless Steel"; words already capitalised or with digits stay as they are.
fn title_case(text: &str) -> String {
    text.split(' ')
        .map(capitalise_first)
        .collect::<Vec<_>>()
        .join(" ")
}

fn capitalise_first(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

fn size_phrase(rng: &mut Rng, kind: &Kind) -> String {
    let form = rng.pick(kind.size_forms);
    let size = kind.sizes[rng.below(kind.sizes.len())];
    form.replace('#', &size.to_string())
}

fn price(rng: &mut Rng, (low, high): (u32, u32)) -> f64 {
    // Skewed towards the low end, as real catalogs are.
    let span = f64::from(high - low);
    let unit = (rng.next() % 10_000) as f64 / 10_000.0;
    let whole = f64::from(low) + (span * unit * unit).floor();
    let cents = [0.99, 0.95, 0.49, 0.0][rng.below(4)];
    whole + cents
}

/// Product `index` (0-based) of the catalog generated from `seed`; the same arguments always give the same product.
pub fn product(seed: u64, index: u64) -> Product {
    let mut rng = Rng::for_product(seed, index);
    let kind = &KINDS[rng.below(KINDS.len())];
    let brand = format!("{}{}", rng.pick(BRAND_HEADS), rng.pick(BRAND_TAILS));
    let noun = rng.pick(kind.nouns);
    let material = rng.pick(kind.materials);
    let usage = rng.pick(kind.uses);
    let color = rng.pick(COLORS);

    let mut title = vec![brand.clone()];
    if rng.chance(60) {
        title.push(rng.pick(LINES).to_string());
    }
    if rng.chance(55) {
        title.push(capitalise_first(&size_phrase(&mut rng, kind)));
    }
    if rng.chance(65) {
        title.push(title_case(material));
    }
    title.push(title_case(noun));
    let mut title = title.join(" ");
    if rng.chance(30) {
        title = format!("{title}, {}", title_case(color));
    }

    // One to four sentences: catalogs mix terse and wordy descriptions.
    let mut points: Vec<&str> = Vec::new();
    let wanted = 1 + rng.below(4);
    while points.len() < wanted {
        let point = if rng.chance(75) {
            rng.pick(kind.points)
        } else {
            rng.pick(GENERIC_POINTS)
        };
        if !points.contains(&point) {
            points.push(point);
        }
    }
    let description = points
        .iter()
        .map(|p| {
            p.replace("{noun}", noun)
                .replace("{material}", material)
                .replace("{use}", usage)
                .replace("{color}", color)
                .replace("{brand}", &brand)
        })
        .map(|s| capitalise_first(&s))
        .collect::<Vec<_>>()
        .join(" ");

    let mut tags = vec![noun.to_string(), material.to_string(), usage.to_string()];
    if rng.chance(50) {
        tags.push(color.to_string());
    }
    Product {
        id: format!("SYN-{index:07}"),
        title,
        description,
        category: kind.category.to_string(),
        brand,
        price: Some(price(&mut rng, kind.price)),
        tags,
        extra: Vec::new(),
        line: 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn the_same_seed_gives_the_same_products_and_another_seed_others() {
        let a: Vec<Product> = (0..50).map(|i| product(7, i)).collect();
        let again: Vec<Product> = (0..50).map(|i| product(7, i)).collect();
        let other: Vec<Product> = (0..50).map(|i| product(8, i)).collect();
        assert_eq!(a, again);
        assert!(
            a.iter()
                .zip(&other)
                .all(|(x, y)| x.title != y.title || x.description != y.description)
        );
    }

    #[test]
    fn products_are_varied_across_categories_and_texts() {
        let products: Vec<Product> = (0..20_000).map(|i| product(1, i)).collect();
        let categories: HashSet<&str> = products.iter().map(|p| p.category.as_str()).collect();
        let titles: HashSet<&str> = products.iter().map(|p| p.title.as_str()).collect();
        let texts: HashSet<(&str, &str)> = products
            .iter()
            .map(|p| (p.title.as_str(), p.description.as_str()))
            .collect();
        assert_eq!(categories.len(), KINDS.len());
        assert!(titles.len() > 15_000, "{} distinct titles", titles.len());
        assert!(
            texts.len() > 19_500,
            "{} distinct title+description",
            texts.len()
        );
        let sentences: Vec<usize> = products
            .iter()
            .map(|p| p.description.matches(". ").count() + 1)
            .collect();
        assert!(
            (1..=4).all(|n| sentences.contains(&n)),
            "descriptions of one to four sentences"
        );
    }

    #[test]
    fn every_part_is_filled_in() {
        for i in 0..5_000 {
            let p = product(3, i);
            assert!(!p.description.contains('{'), "{}", p.description);
            assert!(
                !p.title.contains('#') && !p.title.contains("  "),
                "{}",
                p.title
            );
            assert!(p.title.starts_with(&p.brand));
            assert!(p.price.is_some_and(|v| v > 0.0));
        }
    }
}
