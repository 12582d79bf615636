//! Turning downloaded or uploaded bytes into the news lesson's data, with the summary the page
//! shows. Pure (bytes in, data out), so the worker's loading rules are tested natively; the worker
//! only does the fetching.

use serde::{Deserialize, Serialize};

use super::news::NewsData;
use crate::data::ag_news::BadRow;
use crate::data::labeled_csv::{self, CsvError, MAX_BYTES};
use crate::i18n::{fill, t};
use crate::settings::is_web_address;

/// The bundle's files, relative to the site's root (built by `cargo xtask news-data`).
pub const BUNDLE_TRAIN: &str = "public/data/ag_news/train.csv.gz";
pub const BUNDLE_TEST: &str = "public/data/ag_news/test.csv.gz";
/// The bundle's name in the page (`DataSummary::name`).
pub const BUNDLE_NAME: &str = "AG News";
/// Rows of AG News's official training split; the bundle holds a part of them
/// (`public/data/ag_news/ATTRIBUTION.md`), and the page says so.
pub const AG_NEWS_TRAIN_ROWS: usize = 120_000;
/// The pretrained headline model (built by `cargo xtask pretrained`).
pub const PRETRAINED_MODEL: &str = "public/models/agnews-bigru.json";

/// Share of a user's single file held out as its test set.
pub const USER_TEST_SHARE: f32 = 0.2;
/// Seed of that split: fixed, so one file always splits the same way whatever the model's seed.
const USER_SPLIT_SEED: u64 = 0;
/// Skipped rows listed one by one (the rest are counted).
pub const BAD_ROWS_SHOWN: usize = 20;

/// A loaded data set, as the page describes it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DataSummary {
    /// What was loaded: [`BUNDLE_NAME`], a file name or a URL's last part.
    pub name: String,
    pub classes: Vec<String>,
    pub train_rows: usize,
    pub test_rows: usize,
    /// The test rows were held out of the one file given (rather than read from a test file).
    pub test_held_out: bool,
    /// How the file was read (columns, labels), for user files.
    pub layout: Option<String>,
    /// The first skipped rows, with line numbers, and how many were skipped in all.
    pub bad_rows: Vec<BadRow>,
    pub bad_count: usize,
    /// The bytes came from the browser's cache (no download).
    pub cached: bool,
}

/// Inflates gzip data (recognised by its magic bytes; anything else is returned as it is),
/// refusing output beyond [`MAX_BYTES`] so that a small compressed file cannot fill the memory.
pub fn maybe_gunzip(bytes: Vec<u8>) -> Result<Vec<u8>, String> {
    use std::io::Read;
    if !bytes.starts_with(&[0x1f, 0x8b]) {
        return Ok(bytes);
    }
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(&bytes[..])
        .take(MAX_BYTES as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|e| fill(t().data.gzip_broken, &[("error", &e)]))?;
    if out.len() > MAX_BYTES {
        return Err(fill(t().data.gzip_too_large, &[("error", &CsvError::TooLarge { size: out.len() })]));
    }
    Ok(out)
}

/// The bundled AG News, from its two compressed files.
pub fn bundled(train_gz: Vec<u8>, test_gz: Vec<u8>, cached: bool) -> Result<(NewsData, DataSummary), String> {
    let train = maybe_gunzip(train_gz).map_err(|e| fill(t().data.bundle_train, &[("error", &e)]))?;
    let test = maybe_gunzip(test_gz).map_err(|e| fill(t().data.bundle_test, &[("error", &e)]))?;
    let (data, bad_train, bad_test) = NewsData::ag_news(&train, &test);
    if data.train.is_empty() || data.test.is_empty() {
        return Err(t().data.bundle_empty.into());
    }
    let bad = bad_train
        .into_iter()
        .map(|b| BadRow { problem: format!("train.csv: {}", b.problem), ..b })
        .chain(bad_test.into_iter().map(|b| BadRow { problem: format!("test.csv: {}", b.problem), ..b }))
        .collect();
    Ok(summarise(BUNDLE_NAME, data, bad, None, false, cached))
}

/// A user's CSV file (plain or gzip): read with [`labeled_csv::parse`], [`USER_TEST_SHARE`] of its
/// rows held out as the test set. Errors are the messages to show; nothing is kept on error.
pub fn user_file(name: &str, bytes: Vec<u8>) -> Result<(NewsData, DataSummary), String> {
    let size = bytes.len();
    if size > MAX_BYTES {
        return Err(format!("{name}: {}", CsvError::TooLarge { size }));
    }
    let bytes = maybe_gunzip(bytes).map_err(|e| format!("{name}: {e}"))?;
    let labeled = labeled_csv::parse(&bytes, None).map_err(|e| format!("{name}: {e}"))?;
    if labeled.items.len() < 2 {
        return Err(format!("{name}: {}", fill(t().data.too_few_rows, &[("n", &labeled.items.len())])));
    }
    let layout = Some(labeled.layout.clone());
    let bad = labeled.bad.clone();
    let data = NewsData::from_labeled(labeled, None, USER_TEST_SHARE, USER_SPLIT_SEED);
    Ok(summarise(name, data, bad, layout, true, false))
}

fn summarise(
    name: &str,
    data: NewsData,
    bad: Vec<BadRow>,
    layout: Option<String>,
    test_held_out: bool,
    cached: bool,
) -> (NewsData, DataSummary) {
    let summary = DataSummary {
        name: name.to_string(),
        classes: data.classes.clone(),
        train_rows: data.train.len(),
        test_rows: data.test.len(),
        test_held_out,
        layout,
        bad_count: bad.len(),
        bad_rows: bad.into_iter().take(BAD_ROWS_SHOWN).collect(),
        cached,
    };
    (data, summary)
}

/// The last part of a URL's path, to name the data it held.
pub fn url_name(url: &str) -> String {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    path.rsplit('/').find(|s| !s.is_empty()).unwrap_or(url).to_string()
}

/// Checks a URL typed by the user before fetching it.
pub fn check_url(url: &str) -> Result<(), String> {
    let url = url.trim();
    if url.is_empty() {
        return Err(t().data.url_empty.into());
    }
    if !is_web_address(url) {
        return Err(fill(t().data.url_not_web, &[("url", &url)]));
    }
    Ok(())
}
