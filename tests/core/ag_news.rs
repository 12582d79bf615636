//! Reading AG News and counting tokens as the data set's README does.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use unroll::data::ag_news::{read, token_count};

#[test]
fn tokens_are_runs_of_letters_and_digits() {
    assert_eq!(token_count("Wall St. Bears Claw Back Into the Black (Reuters)"), 9);
    assert_eq!(token_count("dwindling\\band of ultra-cynics, #39;s"), 7);
    assert_eq!(token_count(""), 0);
}

#[test]
fn malformed_rows_are_reported_with_line_numbers() {
    let csv = b"\"3\",\"Title\",\"Desc\"\n\"9\",\"x\",\"y\"\n\"2\",\"only two\"\n\"1\",\"a \"\"quoted\"\" word, here\",\"d\"\n";
    let (rows, bad) = read(csv);
    assert_eq!(rows.len(), 2);
    assert_eq!((rows[0].label, rows[1].title.as_str()), (2, "a \"quoted\" word, here"));
    let lines: Vec<u64> = bad.iter().map(|b| b.line).collect();
    assert_eq!(lines, vec![2, 3]);
    assert!(bad[0].problem.contains("class `9`") && bad[1].problem.contains("2 fields"), "{bad:?}");
}

/// The complete test split: 7,600 rows, and the README's token statistics (mean 39.4, max 145).
#[cfg(not(target_arch = "wasm32"))]
#[test]
fn the_test_split_matches_its_readme() {
    use unroll::data::ag_news::lengths;
    let bytes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data/ag_news/test.csv")).unwrap();
    let (rows, bad) = read(&bytes);
    assert_eq!((rows.len(), bad.len()), (7600, 0));
    let l = lengths(&rows);
    let mean = l.iter().sum::<usize>() as f64 / l.len() as f64;
    assert!((mean - 39.4).abs() < 0.05, "mean {mean}");
    assert_eq!(l.iter().max(), Some(&145));
    assert_eq!(l.iter().sum::<usize>(), 299_737);
}

/// The page's bundle (`cargo xtask news-data`, committed under public/) holds exactly the shared files.
#[cfg(not(target_arch = "wasm32"))]
#[test]
fn the_bundled_data_is_the_shared_data() {
    use unroll::data::ag_news::gunzip;
    let root = env!("CARGO_MANIFEST_DIR");
    for name in ["train.csv", "test.csv"] {
        let gz = std::fs::read(format!("{root}/public/data/ag_news/{name}.gz")).unwrap();
        let shared = std::fs::read(format!("{root}/../shared/data/ag_news/{name}")).unwrap();
        assert!(gunzip(&gz).unwrap() == shared, "{name}.gz differs from ../shared/data/ag_news/{name}: run cargo xtask news-data");
    }
    let total: u64 = std::fs::read_dir(format!("{root}/public/data/ag_news")).unwrap().map(|e| e.unwrap().metadata().unwrap().len()).sum();
    assert!(total <= 4_000_000, "the bundle is {total} bytes");
    assert!(gunzip(b"not gzip").unwrap_err().contains("not a readable gzip file"));
}
