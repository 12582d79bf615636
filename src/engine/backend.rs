//! Which engine runs the math. Today the CPU engine runs everywhere (natively, and as WebAssembly
//! with `simd128` in the browser); the WebGPU backend will implement the same operations and be
//! chosen at run time when an adapter exists.

use serde::{Deserialize, Serialize};

/// The engine in use, as shown to the user (`data-testid="backend"` on the page).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Backend {
    /// The CPU engine compiled to WebAssembly with the `simd128` feature.
    CpuWasmSimd,
    /// The CPU engine compiled natively.
    CpuNative,
}

impl Backend {
    /// The backend of this build.
    pub fn current() -> Self {
        if cfg!(target_arch = "wasm32") {
            Backend::CpuWasmSimd
        } else {
            Backend::CpuNative
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Backend::CpuWasmSimd => "CPU · WebAssembly SIMD",
            Backend::CpuNative => "CPU · native",
        }
    }
}
