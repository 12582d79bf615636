//! The user's own labelled texts, from a CSV file: AG News's format (no header; `label, title,
//! description` or `label, text`, labels 1..K) or any CSV whose header names a label column and
//! one or two text columns. Malformed rows are skipped and reported with their line numbers;
//! problems with the file as a whole are errors, each with its own message, and nothing is kept.
//!
//! Recognised header names (any case, surrounding spaces ignored):
//! - label: `label`, `class`, `class index`, `category`, `topic`, `target`, `y`;
//! - text: `text`, `headline`, `sentence`, `content`, `title` (with `description`, `body` or
//!   `summary` as a second text column: read as title + description).
//!
//! Labels that are all whole numbers are class numbers: `1..=K` when the smallest is 1 (AG News),
//! `0..K` when it is 0; other labels are class names, in order of first appearance.

use std::collections::HashMap;
use std::fmt;

use super::ag_news::{BadRow, Row as Item};
use crate::i18n::{fill, t};
use crate::settings::shown;

/// Largest file accepted.
pub const MAX_BYTES: usize = 50 * 1024 * 1024;
/// Most classes a data set may have.
pub const MAX_CLASSES: usize = 100;

/// Why a file cannot be used at all. Its text is in the page's language (`Display`).
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum CsvError {
    Empty,
    TooLarge {
        size: usize,
    },
    NotUtf8 {
        line: usize,
    },
    /// Why no row was usable (already in the page's language).
    NoRows(String),
    // Labels are shown shortened (`settings::shown`): a label may be megabytes long, and the
    // message must not grow with it.
    OneClass(String),
    /// `why` is already in the page's language.
    LabelOutOfRange {
        label: String,
        line: u64,
        why: String,
    },
    /// The kind of column missing, as the CSV names it (`text`).
    Header(&'static str),
}

impl fmt::Display for CsvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = &t().data;
        let message = match self {
            CsvError::Empty => text.csv_empty.to_string(),
            CsvError::TooLarge { size } => {
                fill(text.csv_too_large, &[("size", size), ("max", &MAX_BYTES), ("mb", &(MAX_BYTES / (1024 * 1024)))])
            }
            CsvError::NotUtf8 { line } => fill(text.csv_not_utf8, &[("line", line)]),
            CsvError::NoRows(why) => fill(text.csv_no_rows, &[("why", why)]),
            CsvError::OneClass(label) => fill(text.csv_one_class, &[("label", &format!("{:?}", shown(label)))]),
            CsvError::LabelOutOfRange { label, line, why } => {
                fill(text.csv_label_out_of_range, &[("label", &shown(label)), ("line", line), ("why", why)])
            }
            CsvError::Header(column) => fill(text.csv_header, &[("column", column)]),
        };
        f.write_str(&message)
    }
}

/// A parsed file.
#[derive(Clone, Debug, PartialEq)]
pub struct Labeled {
    /// Class names, by class id.
    pub classes: Vec<String>,
    pub items: Vec<Item>,
    /// Skipped rows, with their line numbers.
    pub bad: Vec<BadRow>,
    /// How the file was read, for the page to say.
    pub layout: String,
}

const LABEL_NAMES: &[&str] = &["label", "class", "class index", "category", "topic", "target", "y"];
const TEXT_NAMES: &[&str] = &["text", "headline", "sentence", "content", "title"];
const SECOND_TEXT_NAMES: &[&str] = &["description", "body", "summary"];

/// Which columns hold what.
struct Columns {
    label: usize,
    title: usize,
    description: Option<usize>,
    header: bool,
}

fn find(header: &[String], names: &[&str]) -> Option<usize> {
    names.iter().find_map(|n| header.iter().position(|h| h.trim().eq_ignore_ascii_case(n)))
}

/// Reads a labelled CSV file. `classes`, when given (a test file read after its training file),
/// fixes the class names: labels must then be among them.
pub fn parse(bytes: &[u8], classes: Option<&[String]>) -> Result<Labeled, CsvError> {
    if bytes.len() > MAX_BYTES {
        return Err(CsvError::TooLarge { size: bytes.len() });
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => return Err(CsvError::NotUtf8 { line: 1 + bytes[..e.valid_up_to()].iter().filter(|&&b| b == b'\n').count() }),
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(CsvError::Empty);
    }
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut records = reader.records().peekable();
    // The first record: a header when it names a label column and its label field is not a number.
    let first: Option<Vec<String>> = records.peek().and_then(|r| r.as_ref().ok()).map(|r| r.iter().map(str::to_string).collect());
    let first = first.unwrap_or_default();
    let header_label = find(&first, LABEL_NAMES);
    let columns = match header_label {
        Some(label) if first.get(label).is_some_and(|f| f.trim().parse::<i64>().is_err()) => {
            records.next();
            let title = find(&first, TEXT_NAMES).ok_or(CsvError::Header("text"))?;
            let description = if first[title].trim().eq_ignore_ascii_case("title") { find(&first, SECOND_TEXT_NAMES) } else { None };
            Columns { label, title, description, header: true }
        }
        _ => match first.len() {
            n if n >= 3 => Columns { label: 0, title: 1, description: Some(2), header: false },
            _ => Columns { label: 0, title: 1, description: None, header: false },
        },
    };
    let want = |r: &csv::StringRecord| if columns.header { r.len() >= first.len() } else { r.len() == first.len().max(2) };
    let mut raw: Vec<(u64, String, Item)> = Vec::new();
    let mut bad = Vec::new();
    for record in records {
        let r = match record {
            Ok(r) => r,
            Err(e) => {
                bad.push(BadRow { line: e.position().map_or(0, |p| p.line()), problem: e.to_string() });
                continue;
            }
        };
        let line = r.position().map_or(0, |p| p.line());
        if r.len() == 1 && r[0].trim().is_empty() {
            continue; // blank line
        }
        if !want(&r) {
            bad.push(BadRow { line, problem: fill(t().data.row_fields, &[("got", &r.len()), ("want", &first.len().max(2))]) });
            continue;
        }
        let label = r[columns.label].trim().to_string();
        let title = r[columns.title].trim().to_string();
        let description = columns.description.map_or(String::new(), |c| r[c].trim().to_string());
        if label.is_empty() {
            bad.push(BadRow { line, problem: t().data.row_empty_label.into() });
            continue;
        }
        if title.is_empty() && description.is_empty() {
            bad.push(BadRow { line, problem: t().data.row_empty_text.into() });
            continue;
        }
        raw.push((line, label, Item { label: 0, title, description }));
    }
    if raw.is_empty() {
        let why = match bad.first() {
            Some(b) => fill(t().data.csv_all_malformed, &[("line", &b.line), ("problem", &b.problem)]),
            None => t().data.csv_header_only.into(),
        };
        return Err(CsvError::NoRows(why));
    }
    let names = assign_labels(&mut raw, classes)?;
    // Classes numbered 1..K are named by the largest number: a file whose labels are all "3"
    // names three classes but holds one.
    let present: std::collections::HashSet<u32> = raw.iter().map(|(_, _, i)| i.label).collect();
    if names.len() < 2 || (classes.is_none() && present.len() < 2) {
        return Err(CsvError::OneClass(raw[0].1.clone()));
    }
    let words = &t().data;
    let layout = match (columns.header, columns.description.is_some()) {
        (true, true) => fill(
            words.layout_header_two,
            &[("label", &first[columns.label]), ("title", &first[columns.title]), ("description", &first[columns.description.unwrap()])],
        ),
        (true, false) => fill(words.layout_header_one, &[("label", &first[columns.label]), ("text", &first[columns.title])]),
        (false, true) => words.layout_ag_news.into(),
        (false, false) => words.layout_plain.into(),
    };
    Ok(Labeled { classes: names, items: raw.into_iter().map(|(_, _, i)| i).collect(), bad, layout })
}

/// Class names as a message lists them: the first few, each shortened, then how many more.
fn shown_list(names: &[String]) -> String {
    const LISTED: usize = 10;
    let list = names.iter().take(LISTED).map(|n| shown(n)).collect::<Vec<_>>().join(", ");
    if names.len() > LISTED {
        return fill(t().data.csv_list_more, &[("list", &list), ("n", &(names.len() - LISTED))]);
    }
    list
}

/// Turns label text into class ids; returns the class names.
fn assign_labels(raw: &mut [(u64, String, Item)], classes: Option<&[String]>) -> Result<Vec<String>, CsvError> {
    if let Some(names) = classes {
        let index: HashMap<&str, usize> = names.iter().enumerate().map(|(i, n)| (n.as_str(), i)).collect();
        for (line, label, item) in raw.iter_mut() {
            match index.get(label.as_str()) {
                Some(&id) => item.label = id as u32,
                None => {
                    return Err(CsvError::LabelOutOfRange {
                        label: label.clone(),
                        line: *line,
                        why: fill(t().data.csv_why_training_classes, &[("list", &shown_list(names))]),
                    })
                }
            }
        }
        return Ok(names.to_vec());
    }
    let numbers: Option<Vec<i64>> = raw.iter().map(|(_, l, _)| l.parse::<i64>().ok()).collect();
    if let Some(nums) = numbers {
        // A negative number is out of range whatever the others are: name it, not the 0 that
        // it would push below the numbering's start.
        if let Some(((line, label, _), _)) = raw.iter().zip(&nums).find(|(_, &n)| n < 0) {
            return Err(CsvError::LabelOutOfRange { label: label.clone(), line: *line, why: t().data.csv_why_numbers_start.into() });
        }
        let min = *nums.iter().min().expect("at least one row");
        let base = if min == 0 { 0 } else { 1 };
        for ((line, label, item), &n) in raw.iter_mut().zip(&nums) {
            let id = n - base;
            if id < 0 {
                return Err(CsvError::LabelOutOfRange { label: label.clone(), line: *line, why: t().data.csv_why_numbers_start.into() });
            }
            if id as usize >= MAX_CLASSES {
                return Err(CsvError::LabelOutOfRange {
                    label: label.clone(),
                    line: *line,
                    why: fill(
                        t().data.csv_why_too_many_numbered,
                        &[("max", &MAX_CLASSES), ("first", &base), ("last", &(MAX_CLASSES as i64 - 1 + base))],
                    ),
                });
            }
            item.label = id as u32;
        }
        let k = nums.iter().max().copied().unwrap_or(base) - base + 1;
        return Ok((0..k).map(|i| (i + base).to_string()).collect());
    }
    let mut names: Vec<String> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for (line, label, item) in raw.iter_mut() {
        let next = names.len();
        let id = *index.entry(label.clone()).or_insert_with(|| {
            names.push(label.clone());
            next
        });
        if id >= MAX_CLASSES {
            return Err(CsvError::LabelOutOfRange {
                label: label.clone(),
                line: *line,
                why: fill(t().data.csv_why_too_many, &[("max", &MAX_CLASSES)]),
            });
        }
        item.label = id as u32;
    }
    Ok(names)
}
