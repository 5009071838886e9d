//! The filter language's syntax: the expression tree, its recursive-descent parser, and a Display that prints canonical text parsing back to the same tree.
//!
//! ```text
//! or        := and ( OR and )*
//! and       := unary ( AND unary )*
//! unary     := NOT unary | '(' or ')' | condition
//! condition := field ( op value | IN list | NOT IN list )      op: = != < <= > >=
//! list      := '[' ( value ( ',' value )* )? ']'
//! ```

use std::fmt;

use super::lex::{Cursor, Keyword, Span, Word, field_token, value_token};
use super::{FilterError, FilterErrorKind};

/// How deeply `(` and `NOT` may nest: deeper input is a syntax error, not a stack overflow.
pub const MAX_NESTING: usize = 64;

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CompareOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CompareOp {
    /// Every operator, longer symbols first, so that `<=` is not read as `<`.
    pub(crate) const LONGEST_FIRST: [CompareOp; 6] = [
        CompareOp::Le,
        CompareOp::Ge,
        CompareOp::Ne,
        CompareOp::Eq,
        CompareOp::Lt,
        CompareOp::Gt,
    ];

    /// The operator as written: `=`, `!=`, `<`, `<=`, `>`, `>=`.
    pub fn symbol(self) -> &'static str {
        match self {
            CompareOp::Eq => "=",
            CompareOp::Ne => "!=",
            CompareOp::Lt => "<",
            CompareOp::Le => "<=",
            CompareOp::Gt => ">",
            CompareOp::Ge => ">=",
        }
    }
}

impl fmt::Display for CompareOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.symbol())
    }
}

/// A parsed filter, before its fields are checked against a schema.
///
/// The parser gives `And` and `Or` at least two operands (a chain `a AND b AND c` is one `And`
/// of three; parentheses nest), and writes `field NOT IN [..]` as `Not(In { .. })`. Display
/// prints text that parses back to an equal tree for every tree of that shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expr {
    And(Vec<Expr>),
    Or(Vec<Expr>),
    Not(Box<Expr>),
    Compare {
        field: String,
        op: CompareOp,
        value: String,
    },
    In {
        field: String,
        values: Vec<String>,
    },
}

/// Parses `text` as a filter expression, checking only its syntax.
pub fn parse_expr(text: &str) -> Result<Expr, FilterError> {
    parse_spanned(text).map(|(expr, _)| expr)
}

/// Where one condition's parts were in the text, for errors found when it is compiled.
#[derive(Debug, Clone, Default)]
pub(crate) struct Leaf {
    pub(crate) field: Span,
    pub(crate) operator: Span,
    pub(crate) values: Vec<Span>,
}

/// Parses `text`, with the spans of its conditions in the order they appear (which is the
/// order a depth-first walk of the tree meets them).
pub(crate) fn parse_spanned(text: &str) -> Result<(Expr, Vec<Leaf>), FilterError> {
    let mut parser = Parser {
        text,
        cursor: Cursor::new(text),
        leaves: Vec::new(),
        depth: 0,
    };
    let expr = parser.or(None)?;
    parser.cursor.skip_ws();
    if !parser.cursor.at_end() {
        return parser.fail("`AND`, `OR` or end of input");
    }
    Ok((expr, parser.leaves))
}

type Parsed<T> = Result<T, FilterError>;

struct Parser<'t> {
    text: &'t str,
    cursor: Cursor<'t>,
    leaves: Vec<Leaf>,
    depth: usize,
}

impl Parser<'_> {
    /// A syntax error at what comes next.
    fn fail<T>(&self, expected: impl Into<String>) -> Parsed<T> {
        let (found, span) = self.cursor.found();
        Err(FilterError::at(
            self.text,
            span,
            FilterErrorKind::Syntax {
                expected: expected.into(),
                found,
            },
        ))
    }

    /// Consumes the keyword `want` if it is next.
    fn eat_keyword(&mut self, want: Keyword) -> Option<Span> {
        self.cursor.skip_ws();
        let mut probe = self.cursor;
        let (keyword, span) = probe.keyword()?;
        (keyword == want).then(|| {
            self.cursor = probe;
            span
        })
    }

    /// `after` names the token before this operand, for the message when it is missing.
    fn or(&mut self, after: Option<&str>) -> Parsed<Expr> {
        let mut items = vec![self.and(after)?];
        while self.eat_keyword(Keyword::Or).is_some() {
            items.push(self.and(Some("OR"))?);
        }
        Ok(joined(items, Expr::Or))
    }

    fn and(&mut self, after: Option<&str>) -> Parsed<Expr> {
        let mut items = vec![self.unary(after)?];
        while self.eat_keyword(Keyword::And).is_some() {
            items.push(self.unary(Some("AND"))?);
        }
        Ok(joined(items, Expr::And))
    }

    fn unary(&mut self, after: Option<&str>) -> Parsed<Expr> {
        if let Some(not) = self.eat_keyword(Keyword::Not) {
            let inner = self.nested(not, |parser| parser.unary(Some("NOT")))?;
            return Ok(Expr::Not(Box::new(inner)));
        }
        self.cursor.skip_ws();
        let start = self.cursor.pos();
        if self.cursor.eat('(') {
            return self.nested(
                Span {
                    start,
                    end: start + 1,
                },
                |parser| {
                    let inner = parser.or(Some("("))?;
                    parser.cursor.skip_ws();
                    if parser.cursor.eat(')') {
                        Ok(inner)
                    } else {
                        parser.fail("`AND`, `OR` or `)`")
                    }
                },
            );
        }
        self.condition(after)
    }

    /// Runs `parse` one level deeper, refusing to go past [`MAX_NESTING`] (at `opener`).
    fn nested(
        &mut self,
        opener: Span,
        parse: impl FnOnce(&mut Self) -> Parsed<Expr>,
    ) -> Parsed<Expr> {
        if self.depth >= MAX_NESTING {
            return Err(FilterError::at(
                self.text,
                opener,
                FilterErrorKind::Syntax {
                    expected: format!("at most {MAX_NESTING} nested `(` or `NOT`"),
                    found: format!("`{}`", opener.of(self.text)),
                },
            ));
        }
        self.depth += 1;
        let parsed = parse(self);
        self.depth -= 1;
        parsed
    }

    fn condition(&mut self, after: Option<&str>) -> Parsed<Expr> {
        let mut probe = self.cursor;
        let field = match probe.field() {
            Some(word) if !word.is_keyword() => word,
            _ => {
                return self.fail(after.map_or_else(
                    || "a filter expression".to_owned(),
                    |after| format!("a condition after `{after}`"),
                ));
            }
        };
        self.cursor = probe;
        let field = self.closed(field)?;
        self.cursor.skip_ws();
        let mut probe = self.cursor;
        if let Some((op, operator)) = probe.operator() {
            self.cursor = probe;
            let value = self.value(format!("a value after `{op}`"))?;
            self.leaves.push(Leaf {
                field: field.span,
                operator,
                values: vec![value.span],
            });
            return Ok(Expr::Compare {
                field: field.text,
                op,
                value: value.text,
            });
        }
        if let Some(operator) = self.eat_keyword(Keyword::In) {
            return self.list(field, operator);
        }
        if let Some(not) = self.eat_keyword(Keyword::Not) {
            let Some(r#in) = self.eat_keyword(Keyword::In) else {
                return self.fail("`IN` after `NOT`");
            };
            let operator = Span {
                start: not.start,
                end: r#in.end,
            };
            return Ok(Expr::Not(Box::new(self.list(field, operator)?)));
        }
        self.fail(format!(
            "an operator (`=`, `!=`, `<`, `<=`, `>`, `>=`, `IN` or `NOT IN`) after `{}`",
            field.span.of(self.text)
        ))
    }

    /// The rest of `field IN [..]`, from the `[`.
    fn list(&mut self, field: Word, operator: Span) -> Parsed<Expr> {
        self.cursor.skip_ws();
        if !self.cursor.eat('[') {
            return self.fail("`[` after `IN`");
        }
        let mut values = Vec::new();
        let mut spans = Vec::new();
        self.cursor.skip_ws();
        if !self.cursor.eat(']') {
            loop {
                let expected = if values.is_empty() {
                    "a value or `]`"
                } else {
                    "a value after `,`"
                };
                let value = self.value(expected.to_owned())?;
                values.push(value.text);
                spans.push(value.span);
                self.cursor.skip_ws();
                if self.cursor.eat(']') {
                    break;
                }
                if !self.cursor.eat(',') {
                    return self.fail("`,` or `]`");
                }
            }
        }
        self.leaves.push(Leaf {
            field: field.span,
            operator,
            values: spans,
        });
        Ok(Expr::In {
            field: field.text,
            values,
        })
    }

    fn value(&mut self, expected: String) -> Parsed<Word> {
        self.cursor.skip_ws();
        let mut probe = self.cursor;
        match probe.value() {
            Some(word) if !word.is_keyword() => {
                self.cursor = probe;
                self.closed(word)
            }
            _ => self.fail(expected),
        }
    }

    /// `word`, unless it is a quoted string missing its closing quote.
    fn closed(&self, word: Word) -> Parsed<Word> {
        if word.closed {
            Ok(word)
        } else {
            self.fail("a closing `\"`")
        }
    }
}

/// One operand as itself, more as `make` of them.
fn joined(mut items: Vec<Expr>, make: fn(Vec<Expr>) -> Expr) -> Expr {
    if items.len() == 1
        && let Some(only) = items.pop()
    {
        return only;
    }
    make(items)
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expr::And(items) => operands(f, items, " AND ", |e| {
                matches!(e, Expr::And(_) | Expr::Or(_))
            }),
            Expr::Or(items) => operands(f, items, " OR ", |e| matches!(e, Expr::Or(_))),
            Expr::Not(inner) => {
                f.write_str("NOT ")?;
                operand(f, inner, matches!(**inner, Expr::And(_) | Expr::Or(_)))
            }
            Expr::Compare { field, op, value } => {
                write!(f, "{} {op} {}", field_token(field), value_token(value))
            }
            Expr::In { field, values } => {
                write!(f, "{} IN [", field_token(field))?;
                for (i, value) in values.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    f.write_str(&value_token(value))?;
                }
                f.write_str("]")
            }
        }
    }
}

/// `items` joined by `separator`, each in parentheses where `needs_parens` says.
fn operands(
    f: &mut fmt::Formatter<'_>,
    items: &[Expr],
    separator: &str,
    needs_parens: fn(&Expr) -> bool,
) -> fmt::Result {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(separator)?;
        }
        operand(f, item, needs_parens(item))?;
    }
    Ok(())
}

fn operand(f: &mut fmt::Formatter<'_>, expr: &Expr, parens: bool) -> fmt::Result {
    if parens {
        write!(f, "({expr})")
    } else {
        write!(f, "{expr}")
    }
}
