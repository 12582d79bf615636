//! AG News in its CSV form (`class index, title, description`, every field quoted; see
//! `../shared/data/ag_news/README.md`). This part reads rows and counts tokens, for benchmarks that
//! need the data set's real lengths; the news lesson builds its text pipeline on it.

use crate::i18n::{fill, t};

/// One row: label 0..3 (the file's 1..4 minus one), title, description. Also the item of any
/// labelled-text data set (`description` empty when there is a single text column).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Row {
    pub label: u32,
    pub title: String,
    pub description: String,
}

/// A row that could not be read, with its line number (1-based).
#[derive(Clone, Debug, PartialEq, thiserror::Error, serde::Serialize, serde::Deserialize)]
#[error("line {line}: {problem}")]
pub struct BadRow {
    pub line: u64,
    pub problem: String,
}

/// Reads every row; malformed rows are returned separately, with their line numbers.
pub fn read(bytes: &[u8]) -> (Vec<Row>, Vec<BadRow>) {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(bytes);
    let (mut rows, mut bad) = (Vec::new(), Vec::new());
    for record in reader.records() {
        match record {
            Err(e) => bad.push(BadRow { line: e.position().map_or(0, |p| p.line()), problem: e.to_string() }),
            Ok(r) => {
                let line = r.position().map_or(0, |p| p.line());
                let label = r.get(0).and_then(|l| l.trim().parse::<u32>().ok());
                match (r.len(), label) {
                    (3, Some(l @ 1..=4)) => rows.push(Row { label: l - 1, title: r[1].to_string(), description: r[2].to_string() }),
                    (3, _) => bad.push(BadRow { line, problem: fill(t().data.row_ag_class, &[("class", &crate::settings::shown(&r[0]))]) }),
                    (n, _) => bad.push(BadRow { line, problem: fill(t().data.row_fields, &[("got", &n), ("want", &3)]) }),
                }
            }
        }
    }
    (rows, bad)
}

/// Number of tokens in `text`: maximal runs of ASCII letters and digits after lower-casing (the
/// data set README's statistics use this rule).
pub fn token_count(text: &str) -> usize {
    let mut n = 0;
    let mut inside = false;
    for c in text.chars() {
        let word = c.is_ascii_alphanumeric();
        if word && !inside {
            n += 1;
        }
        inside = word;
    }
    n
}

/// Tokens in title + description of every row.
pub fn lengths(rows: &[Row]) -> Vec<usize> {
    rows.iter().map(|r| token_count(&r.title) + token_count(&r.description)).collect()
}

/// The bytes of a gzip file (the page's bundled `*.csv.gz`), or why they could not be read.
pub fn gunzip(bytes: &[u8]) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes).read_to_end(&mut out).map_err(|e| format!("not a readable gzip file: {e}"))?;
    Ok(out)
}
