//! The engine's typed error. Engine code never panics on user input; it returns one of these.

/// What went wrong, in words a user can act on.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EngineError {
    #[error("shape mismatch for `{name}`: expected {expected:?}, got {got:?}")]
    Shape { name: String, expected: Vec<usize>, got: Vec<usize> },
    #[error("the model has no weight named `{0}`")]
    UnknownParam(String),
    #[error("invalid model: {0}")]
    InvalidModel(String),
    #[error("invalid input: {0}")]
    InvalidInput(String),
    /// The WebGPU engine cannot run this (no adapter, a limit of the adapter, a feature it does not
    /// have yet, a lost device).
    #[error("WebGPU: {0}")]
    Gpu(String),
}
