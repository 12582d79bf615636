//! The engine's typed error. Engine code never panics on user input; it returns one of these.

use std::fmt;

use crate::i18n::{fill, t};

/// What went wrong, in words a user can act on (in the page's language: the worker sets it; the
/// reasons inside `InvalidInput` and `Gpu` are the engine's own, in English).
#[derive(Debug, Clone, PartialEq)]
pub enum EngineError {
    Shape {
        name: String,
        expected: Vec<usize>,
        got: Vec<usize>,
    },
    UnknownParam(String),
    InvalidModel(String),
    InvalidInput(String),
    /// The WebGPU engine cannot run this (no adapter, a limit of the adapter, a feature it does not
    /// have yet, a lost device).
    Gpu(String),
}

impl fmt::Display for EngineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = &t().models;
        let message = match self {
            EngineError::Shape { name, expected, got } => {
                fill(text.engine_shape, &[("expected", &format!("{expected:?}")), ("got", &format!("{got:?}")), ("name", name)])
            }
            EngineError::UnknownParam(name) => fill(text.engine_unknown_param, &[("name", name)]),
            EngineError::InvalidModel(why) => fill(text.engine_invalid_model, &[("why", why)]),
            EngineError::InvalidInput(why) => fill(text.engine_invalid_input, &[("why", why)]),
            EngineError::Gpu(why) => format!("WebGPU: {why}"),
        };
        f.write_str(&message)
    }
}

impl std::error::Error for EngineError {}
