//! Fuzzing the four readers of outside input: the URL decoder (`Settings::from_query`,
//! `settings::decode`), the typed-sequence parser (`series::parse_sequence`), the CSV reader
//! (`labeled_csv::parse`, `news_source::user_file`) and the model-file reader (`ModelFile::parse`,
//! `to_model`, `verify`). Properties: no panic (proptest catches one and reports the smallest input
//! it finds), every error a non-empty message, outputs within their promised bounds.
//!
//! Property tests on the stable toolchain (proptest, already a dev-dependency) rather than
//! cargo-fuzz, which needs nightly and a sanitizer runtime that a fresh machine may not have. The
//! number of cases per property comes from `UNROLL_FUZZ_CASES` (default 256: a few seconds in the
//! normal test run); millions by command:
//!
//! ```sh
//! UNROLL_FUZZ_CASES=250000 cargo test --test fuzz -- --nocapture        # every reader
//! UNROLL_FUZZ_CASES=1000000 cargo test --test fuzz model_file             # one reader
//! ```
//!
//! An input that ever failed goes into the readers' ordinary tests (tests/core/model_file.rs,
//! series.rs, labeled_csv.rs, settings.rs), so that `cargo test` keeps it.

#![cfg(not(target_arch = "wasm32"))]

mod csv;
mod model_file;
mod mutate;
mod sequence;
mod url;

use proptest::test_runner::Config;

/// Cases per property: `UNROLL_FUZZ_CASES`, else 256.
pub fn config() -> Config {
    let cases = std::env::var("UNROLL_FUZZ_CASES").ok().and_then(|v| v.trim().replace('_', "").parse().ok()).unwrap_or(256);
    // No regression files written into the tree: failures become named tests by hand.
    Config { cases, failure_persistence: None, max_shrink_iters: 2000, ..Config::default() }
}
