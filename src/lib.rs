//! Unroll: a playground for recurrent neural networks.
//!
//! - [`engine`]: the numeric core (cells, BPTT, optimisers), no UI.
//! - [`data`]: series generators and parsers (bytes in, tensors out).
//! - [`lesson`]: the course's lessons (data + model + training loop + evaluation), shared by the
//!   command line and the Web Worker.
//! - [`protocol`]: the typed messages between the page and the worker.
//! - [`golden`]: the golden-file format (Keras reference values) and the checker.
//! - [`i18n`]: every string the page and the worker show, in English and German.
//! - [`app`]: the page: chart geometry and run history (plain Rust), and the Leptos components
//!   (wasm32 + feature `app`); `worker` (wasm32): the Web Worker.

pub mod bench;
pub mod data;
pub mod engine;
pub mod golden;
pub mod i18n;
pub mod lesson;
pub mod model_file;
pub mod protocol;
pub mod settings;

pub mod app;
#[cfg(target_arch = "wasm32")]
pub mod worker;
