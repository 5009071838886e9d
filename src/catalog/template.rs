//! The text embedded for a product: a `{field}` template in which an empty field drops out with the text after it.

use super::Product;

/// The fields a template may name.
pub const PLACEHOLDERS: [&str; 8] = [
    "id",
    "title",
    "title_without_brand",
    "description",
    "category",
    "brand",
    "price",
    "tags",
];

#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Literal(String),
    Field(&'static str),
}

/// A parsed template, e.g. `{title}. {category}. {description}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    source: String,
    pieces: Vec<Piece>,
}

impl Template {
    /// Parses a template; the error says which placeholder is unknown or which brace is unmatched.
    pub fn parse(source: &str) -> Result<Self, String> {
        let mut pieces = Vec::new();
        let mut rest = source;
        while let Some(open) = rest.find(['{', '}']) {
            if rest[open..].starts_with('}') {
                return Err(format!("unmatched `}}` in {source:?}"));
            }
            if open > 0 {
                pieces.push(Piece::Literal(rest[..open].to_string()));
            }
            let after = &rest[open + 1..];
            let close = after
                .find('}')
                .ok_or_else(|| format!("unclosed `{{` in {source:?}"))?;
            let name = after[..close].trim();
            let field = PLACEHOLDERS.iter().find(|p| **p == name).ok_or_else(|| {
                format!(
                    "unknown placeholder {{{name}}}; expected one of {}",
                    PLACEHOLDERS.map(|p| format!("{{{p}}}")).join(" ")
                )
            })?;
            pieces.push(Piece::Field(field));
            rest = &after[close + 1..];
        }
        if !rest.is_empty() {
            pieces.push(Piece::Literal(rest.to_string()));
        }
        if !pieces.iter().any(|p| matches!(p, Piece::Field(_))) {
            return Err(format!(
                "{source:?} names no field; expected e.g. \"{{title}}. {{description}}\""
            ));
        }
        Ok(Self {
            source: source.to_string(),
            pieces,
        })
    }

    pub fn source(&self) -> &str {
        &self.source
    }

    /// The product's text: each placeholder's value, followed by the literal after it unless the value is empty.
    pub fn render(&self, product: &Product) -> String {
        let mut out = String::new();
        let mut drop_literal = false;
        for piece in &self.pieces {
            match piece {
                Piece::Literal(text) if !drop_literal => out.push_str(text),
                Piece::Literal(_) => {}
                Piece::Field(name) => {
                    let value = product.field_text(name);
                    let value = value.trim();
                    drop_literal = value.is_empty();
                    out.push_str(value);
                }
            }
        }
        out.trim().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn product() -> Product {
        Product {
            id: "7".into(),
            title: "Trail Mug".into(),
            category: "Kitchen".into(),
            tags: vec!["steel".into(), "travel".into()],
            ..Product::default()
        }
    }

    #[test]
    fn empty_fields_drop_out_with_their_separator() {
        let t = Template::parse("{title}. {brand}. {category}. {description}").unwrap();
        assert_eq!(t.render(&product()), "Trail Mug. Kitchen.");
    }

    #[test]
    fn the_brand_is_cut_from_the_title_only_as_a_whole_word() {
        let mut p = product();
        p.brand = "Trail".into();
        let t = Template::parse("{title_without_brand}").unwrap();
        assert_eq!(t.render(&p), "Mug");
        p.brand = "Tra".into();
        assert_eq!(t.render(&p), "Trail Mug");
        p.brand = "Trail Mug".into();
        assert_eq!(t.render(&p), "Trail Mug");
        p.brand = "Tráil".into();
        assert_eq!(t.render(&p), "Trail Mug");
    }

    #[test]
    fn tags_are_joined() {
        let t = Template::parse("{title} ({tags})").unwrap();
        assert_eq!(t.render(&product()), "Trail Mug (steel, travel)");
    }

    #[test]
    fn unknown_placeholder_is_named() {
        let err = Template::parse("{titel}").unwrap_err();
        assert!(err.contains("{titel}") && err.contains("{title}"), "{err}");
    }

    #[test]
    fn unbalanced_braces_are_errors() {
        assert!(Template::parse("{title").is_err());
        assert!(Template::parse("title}").is_err());
        assert!(Template::parse("no fields").is_err());
    }
}
