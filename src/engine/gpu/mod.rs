//! The WebGPU engine: the whole training step (forward, backpropagation through time, clipping
//! and the update) in WGSL compute shaders (`shaders/`), through `wgpu`. This module is the only
//! place that calls wgpu.
//!
//! - [`context`]: the adapter and device, found once per thread; readback; the work counters.
//! - `kernels.rs`: every shader, loaded with `include_str!`, and its pipeline, built once per device.
//! - `plan.rs`: a model's buffers and the list of dispatches of one step, built once per batch shape.
//! - `backend.rs`: [`GpuBackend`]: a model's run on the device, with `_async` methods.
//! - `as_backend.rs`: [`GpuBackend`] as the [`crate::engine::backend::Backend`] the lessons hold:
//!   waiting for each step natively, submitting steps without waiting in the browser.
//! - `pipeline.rs`: steps submitted without waiting, their results read back in groups.
//!
//! Natively it runs on Vulkan, Metal or DX12 (Mesa's lavapipe where there is no GPU, as in CI),
//! behind the synchronous [`crate::engine::backend::Backend`]. In the browser (WebGPU) the same
//! code never blocks: the worker's training loop submits steps and takes their results as they
//! arrive (`pipeline.rs`), and the wasm tests await its `_async` methods in Chromium (SwiftShader).

mod as_backend;
mod backend;
pub mod context;
mod free_running;
mod kernels;
mod pipeline;
mod plan;

pub use backend::GpuBackend;
pub use context::{adapter_summary, Gpu};
#[cfg(not(target_arch = "wasm32"))]
pub use kernels::{MatmulParams, ACCUMULATE, BIAS, TRANS_A, TRANS_B};
pub use pipeline::{GROUP_STEPS, MAX_IN_FLIGHT};
#[cfg(not(target_arch = "wasm32"))]
pub use plan::run_matmul;

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
