//! The numeric core. Knows nothing of the page: plain Rust, std, serde and a seeded RNG.
//!
//! - [`cells`]: SimpleRNN, LSTM and GRU equations, forward and backward (start here).
//! - [`model`]: Embedding → recurrent stack (bidirectional, masked) → Dense, and BPTT through it.
//! - [`train`]: losses, optimisers, clipping, initialisers, and the [`train::Trainer`] step.
//! - [`cpu`]: matrix kernels, a naive reference and the fast path tested against it.
//! - [`gpu`]: the WebGPU engine (WGSL in `shaders/`), the only module that calls wgpu.
//! - [`params`]: flat weight buffers with named views.
//! - [`analysis`]: pictures of learned vectors (PCA, t-SNE, nearest neighbours).

pub mod analysis;
pub mod backend;
pub mod cells;
pub mod cpu;
pub mod error;
pub mod f32_bytes;
pub mod gpu;
pub mod model;
pub mod ops;
pub mod params;
pub mod profile;
pub mod reference;
pub mod train;

pub use error::EngineError;
pub use model::{Input, InputData, Model, ModelSpec, Targets, Workspace};
