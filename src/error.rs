//! The library's typed error: every failure names what it was about (a file, a line, a key) and what was expected.

use std::path::PathBuf;

/// Where in an input file a problem was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub path: PathBuf,
    pub line: usize,
    pub column: Option<usize>,
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.path.display(), self.line)?;
        if let Some(column) = self.column {
            write!(f, ":{column}")?;
        }
        Ok(())
    }
}

/// One rejected catalog row: where it is and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub line: usize,
    pub column: Option<usize>,
    pub message: String,
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}", self.line)?;
        if let Some(column) = self.column {
            write!(f, ", column {column}")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// How many bad rows an error message lists before it says "and N more".
pub const LISTED_ROW_ERRORS: usize = 10;

/// The first rows, one per line and indented, then how many more there are.
pub fn list_rows(rows: &[RowError]) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    for row in rows.iter().take(LISTED_ROW_ERRORS) {
        let _ = write!(out, "\n  {row}");
    }
    if rows.len() > LISTED_ROW_ERRORS {
        let _ = write!(out, "\n  ... and {} more", rows.len() - LISTED_ROW_ERRORS);
    }
    out
}

/// `no product with id "A"`, or `no products with ids "A", "B"`.
fn unknown_ids(ids: &[String]) -> String {
    let quoted: Vec<String> = ids.iter().map(|id| format!("{id:?}")).collect();
    match quoted.as_slice() {
        [one] => format!("no product with id {one}"),
        many => format!("no products with ids {}", many.join(", ")),
    }
}

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The file as a whole cannot be read as a catalog (not UTF-8, not an array, truncated).
    #[error("{at}: {message}")]
    CatalogSyntax { at: Location, message: String },
    /// Some rows are invalid and `--skip-invalid` was not given.
    #[error(
        "{}: {} invalid product row(s); fix them or pass --skip-invalid to load the rest:{}",
        path.display(), rows.len(), list_rows(rows)
    )]
    CatalogRows { path: PathBuf, rows: Vec<RowError> },
    #[error("{path}: no products in the catalog")]
    EmptyCatalog { path: PathBuf },
    #[error("{path}: {message}")]
    Config { path: PathBuf, message: String },
    #[error("{0}")]
    Usage(String),
    /// Ids asked for that the catalog does not have, each named.
    #[error("{} in {catalog}", unknown_ids(ids))]
    UnknownIds { ids: Vec<String>, catalog: String },
    /// A filter expression that does not parse, or names what the catalog does not have.
    #[error("filter `{text}`: {error}")]
    Filter {
        text: String,
        error: crate::filter::FilterError,
    },
    /// Provisioning could not get or check the model and runtime files.
    #[error("{0}")]
    Setup(String),
    #[error("{file}: sha256 mismatch: expected {expected}, got {actual}")]
    HashMismatch {
        file: PathBuf,
        expected: String,
        actual: String,
    },
    /// The model or runtime is missing or cannot be loaded.
    #[error("{0}")]
    Model(String),
    #[error("index: {0}")]
    Index(String),
    /// The lexical index could not be built, opened or searched.
    #[error("lexical index: {0}")]
    Lexical(String),
    /// The interactive app was ended by a signal, after restoring the terminal.
    #[error("ended by {name}")]
    Signal { number: i32, name: &'static str },
}

impl Error {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::Io {
            path: path.into(),
            source,
        }
    }

    /// The process's exit code: 2 for the user's input, 128 + n for signal n (as shells report a
    /// process killed by it), 1 for anything else.
    pub fn exit_code(&self) -> u8 {
        match self {
            Self::Signal { number, .. } => u8::try_from(128 + number).unwrap_or(u8::MAX),
            _ if self.is_input_error() => 2,
            _ => 1,
        }
    }

    /// The 1-based lines of a catalog that a catalog error names (none when it is about the file as
    /// a whole); None for errors that are not about a catalog's content.
    pub fn catalog_lines(&self) -> Option<Vec<usize>> {
        match self {
            Self::CatalogSyntax { at, .. } => Some(vec![at.line]),
            Self::CatalogRows { rows, .. } => Some(rows.iter().map(|r| r.line).collect()),
            Self::EmptyCatalog { .. } => Some(Vec::new()),
            _ => None,
        }
    }

    /// Whether the error is the user's input (exit code 2) rather than the environment (exit code 1).
    pub fn is_input_error(&self) -> bool {
        matches!(
            self,
            Self::CatalogSyntax { .. }
                | Self::CatalogRows { .. }
                | Self::EmptyCatalog { .. }
                | Self::Config { .. }
                | Self::Usage(_)
                | Self::UnknownIds { .. }
                | Self::Filter { .. }
        )
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
