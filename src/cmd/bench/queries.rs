//! Query text for benchmarks: a file of one query per line, or WANDS's tab-separated `query.csv`; built in: WANDS's 480 real shop queries.

/// WANDS (Wayfair ANnotation DataSet, MIT licence): 480 real shop search queries.
pub const WANDS_QUERIES: &str = include_str!("../../../assets/wands-queries.tsv");

/// The queries in a text: WANDS's format (a header `query_id<TAB>query<TAB>...`) or plain lines. Blank lines are skipped.
pub fn parse(text: &str) -> Vec<String> {
    let mut lines = text.lines().peekable();
    let wands = lines
        .peek()
        .is_some_and(|header| header.starts_with("query_id\tquery"));
    if wands {
        lines.next();
    }
    lines
        .map(|line| {
            if wands {
                line.split('\t').nth(1).unwrap_or("")
            } else {
                line
            }
        })
        .map(str::trim)
        .filter(|q| !q.is_empty())
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wands_and_plain_files_parse() {
        assert_eq!(parse(WANDS_QUERIES).len(), 480);
        assert_eq!(parse(WANDS_QUERIES)[0], "salon chair");
        assert_eq!(parse("a\n\n b \n"), ["a", "b"]);
    }
}
