//! The contract between the page and the worker: typed commands in, typed events out (serde).
//! Nothing else crosses the boundary. In the browser they travel through `postMessage` as
//! structured-clone values made by `serde-wasm-bindgen` ([`to_js`] / [`from_js`]).

use serde::{Deserialize, Serialize};

use crate::bench::{BenchConfig, BenchRow};
use crate::engine::backend::Backend;
use crate::lesson::{Evaluation, SeriesInfo};
use crate::settings::Settings;

/// Page → worker.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Command {
    /// Start a new experiment (fresh data and model), paused at step 0. If the settings are
    /// refused, the current experiment is kept and [`Event::Rejected`] says why.
    Configure {
        settings: Settings,
    },
    /// Train continuously until [`Command::Pause`] or divergence.
    Train,
    Pause,
    /// Train on one batch, then evaluate.
    Step,
    /// Same settings, fresh weights (the same seed gives the same run again).
    Reset,
    /// Run one speed benchmark (`unroll::bench`) and report it (used by `cargo xtask bench browser`).
    Bench {
        config: BenchConfig,
    },
}

/// One training loss.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct LossPoint {
    pub step: u64,
    pub loss: f32,
}

/// Worker → page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    /// The worker has started and accepts commands.
    Ready {
        backend: Backend,
    },
    /// A new experiment is ready (step 0).
    Configured {
        info: SeriesInfo,
        settings: Settings,
    },
    /// Settings refused; the previous experiment is untouched.
    Rejected {
        message: String,
    },
    /// Training progress: the losses since the previous `Progress`, and the speed.
    Progress {
        step: u64,
        losses: Vec<LossPoint>,
        steps_per_sec: f32,
        running: bool,
    },
    Evaluation(Evaluation),
    /// Training stopped because the loss stopped being finite or exploded.
    Diverged {
        step: u64,
        message: String,
    },
    /// Something failed inside the worker; the message is for the user.
    Error {
        message: String,
    },
    /// A benchmark's result.
    Bench {
        row: BenchRow,
    },
}

#[cfg(target_arch = "wasm32")]
mod js {
    use serde::{de::DeserializeOwned, Serialize};
    use wasm_bindgen::JsValue;

    /// Serialises a message for `postMessage` (u64 as BigInt, so seeds survive intact).
    pub fn to_js<T: Serialize>(value: &T) -> Result<JsValue, String> {
        let ser = serde_wasm_bindgen::Serializer::new().serialize_large_number_types_as_bigints(true).serialize_maps_as_objects(true);
        value.serialize(&ser).map_err(|e| e.to_string())
    }

    /// Reads a message received from `postMessage`.
    pub fn from_js<T: DeserializeOwned>(value: JsValue) -> Result<T, String> {
        serde_wasm_bindgen::from_value(value).map_err(|e| e.to_string())
    }
}

#[cfg(target_arch = "wasm32")]
pub use js::{from_js, to_js};
