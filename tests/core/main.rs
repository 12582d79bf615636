//! Tests of the library (engine, data, settings, lesson, protocol, chart geometry). The same test bodies run natively (`cargo test`) and as WebAssembly in headless
//! Chromium (`cargo test --target wasm32-unknown-unknown`, through wasm-bindgen-test): on wasm32
//! the `test` attribute below is wasm-bindgen-test's.
//!
//! In Chromium they run in a dedicated worker, as the engine does in the page: a test that
//! computes for a long while then blocks only the worker, not the page that chromedriver polls
//! for the results (on the page's main thread, a test of over 30 s on a slow machine made
//! chromedriver give up: "Timed out receiving message from renderer").

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_dedicated_worker);

mod ag_news;
mod analysis;
mod backends;
mod batches;
mod bench;
mod chain_view;
mod common;
mod drift_view;
mod dropout;
mod embed;
mod feedback;
mod footprint;
mod golden;
mod gpu;
mod gradcheck;
mod i18n;
mod init;
mod input_format;
mod kernels;
mod labeled_csv;
mod math;
mod model_file;
mod news;
mod news_source;
mod optimizer;
mod pacing;
mod plot;
mod properties;
mod protocol;
mod reference;
mod series;
mod series_file;
mod settings;
mod state_grads;
mod summary;
mod text;
mod three_neurons;
mod trace;
mod training;
mod vanishing;
mod words;
