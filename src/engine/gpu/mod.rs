//! The WebGPU engine: the whole training step (forward, backpropagation through time, clipping
//! and the update) in WGSL compute shaders (`shaders/`), through `wgpu`. This module is the only
//! place that calls wgpu.
//!
//! - [`context`]: the adapter and device, found once per thread; readback; the work counters.
//! - `kernels.rs`: every shader, loaded with `include_str!`, and its pipeline, built once per device.
//! - `plan.rs`: a model's buffers and the list of dispatches of one step, built once per batch shape.
//! - `backend.rs`: [`GpuBackend`], the [`crate::engine::backend::Backend`] the lessons hold.
//!
//! Natively it runs on Vulkan, Metal or DX12 (Mesa's lavapipe where there is no GPU, as in CI).
//! Not yet in the browser's worker: there, readback must be asynchronous (`map_async` awaited,
//! never a blocking poll), and the worker's loop is not yet written for it.

#[cfg(not(target_arch = "wasm32"))]
mod backend;
#[cfg(not(target_arch = "wasm32"))]
pub mod context;
#[cfg(not(target_arch = "wasm32"))]
mod kernels;
#[cfg(not(target_arch = "wasm32"))]
mod plan;

#[cfg(not(target_arch = "wasm32"))]
pub use backend::GpuBackend;
#[cfg(not(target_arch = "wasm32"))]
pub use context::{adapter_summary, Gpu};

use crate::engine::model::ModelSpec;

/// The most units a recurrent layer may have on this engine: a workgroup keeps a batch row's state
/// in its 16 KiB of shared memory (two arrays of 2,048 values).
pub const MAX_GPU_UNITS: usize = 2048;

/// What of `spec` the WebGPU engine does not run yet, in words; `None` when it runs all of it.
pub fn unsupported(spec: &ModelSpec) -> Option<String> {
    for (k, l) in spec.layers.iter().enumerate() {
        if l.units > MAX_GPU_UNITS {
            return Some(format!("layer rnn{k} has {} units; the WebGPU engine takes at most {MAX_GPU_UNITS}", l.units));
        }
        if l.dropout > 0.0 || l.recurrent_dropout > 0.0 {
            return Some(format!("layer rnn{k} uses dropout, which the WebGPU engine does not have yet"));
        }
    }
    None
}

/// Dispatches and submissions since a counter was started: one training step's are the same for
/// every sequence length (the recurrence runs its whole time loop in one dispatch).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WorkCounts {
    pub dispatches: u64,
    pub submissions: u64,
}
