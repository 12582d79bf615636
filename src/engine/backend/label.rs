//! How the page names the engine in use ("CPU · WebAssembly SIMD"), sent by the worker when it
//! starts (`data-testid="backend"` on the page).

use serde::{Deserialize, Serialize};

/// The engine in use, as shown to the user.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BackendLabel {
    /// The CPU engine compiled to WebAssembly with the `simd128` feature.
    CpuWasmSimd,
    /// The CPU engine compiled natively.
    CpuNative,
    /// The WebGPU engine (`engine::gpu`).
    Gpu,
}

impl BackendLabel {
    /// The CPU engine of this build.
    pub fn cpu() -> Self {
        if cfg!(target_arch = "wasm32") {
            BackendLabel::CpuWasmSimd
        } else {
            BackendLabel::CpuNative
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            BackendLabel::CpuWasmSimd => "CPU · WebAssembly SIMD",
            BackendLabel::CpuNative => "CPU · native",
            BackendLabel::Gpu => "WebGPU",
        }
    }
}
