//! Time in the worker: a millisecond clock, a zero-delay yield, and a steps-per-second meter.

use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{MessageChannel, WorkerGlobalScope};

/// `performance.now()` in the worker.
pub fn now_ms() -> f64 {
    js_sys::global().unchecked_into::<WorkerGlobalScope>().performance().map_or(0.0, |p| p.now())
}

/// Lets the event loop run (so incoming messages are handled), without the 4 ms clamp that nested
/// `setTimeout(0)` calls get: a message posted to ourselves through a `MessageChannel`.
pub async fn yield_now() {
    let promise = js_sys::Promise::new(&mut |resolve, _reject| match MessageChannel::new() {
        Ok(ch) => {
            ch.port1().set_onmessage(Some(&resolve));
            if ch.port2().post_message(&JsValue::NULL).is_err() {
                let _ = resolve.call0(&JsValue::NULL);
            }
        }
        Err(_) => {
            let _ = resolve.call0(&JsValue::NULL);
        }
    });
    let _ = JsFuture::from(promise).await;
}

/// Steps per second over the last couple of seconds of training.
#[derive(Default)]
pub struct SpeedMeter {
    samples: std::collections::VecDeque<(f64, u64)>,
}

impl SpeedMeter {
    const WINDOW_MS: f64 = 2000.0;

    pub fn restart(&mut self, now: f64, step: u64) {
        self.samples.clear();
        self.samples.push_back((now, step));
    }

    pub fn update(&mut self, now: f64, step: u64) -> f32 {
        self.samples.push_back((now, step));
        while self.samples.len() > 2 && now - self.samples[1].0 > Self::WINDOW_MS {
            self.samples.pop_front();
        }
        let (t0, s0) = self.samples[0];
        if now - t0 < 1.0 || step < s0 {
            0.0
        } else {
            ((step - s0) as f64 * 1000.0 / (now - t0)) as f32
        }
    }
}

/// How many training steps an engine that never waits (the WebGPU engine) may have in flight:
/// enough to keep the device busy, few enough that losses, Pause and evaluations come within
/// about [`Pacer::LATENCY_MS`]. Measured from the arrivals: one step at first (it also builds the
/// pipelines), then the steps the device finishes in that time.
#[derive(Debug, Default)]
pub struct Pacer {
    ms_per_step: Option<f64>,
    /// When the last results came, while steps were in flight since.
    last: Option<f64>,
}

impl Pacer {
    pub const LATENCY_MS: f64 = 150.0;

    /// `arrived` steps came at `now`, with `in_flight` still out.
    pub fn arrived(&mut self, now: f64, arrived: usize, in_flight: usize) {
        if arrived > 0 {
            if let Some(t0) = self.last {
                let per = (now - t0) / arrived as f64;
                self.ms_per_step = Some(self.ms_per_step.map_or(per, |m| 0.7 * m + 0.3 * per));
            }
            self.last = (in_flight > 0).then_some(now);
        }
    }

    /// Steps were submitted at `now` to an idle device: the time to the next results counts
    /// from here.
    pub fn submitted(&mut self, now: f64) {
        self.last.get_or_insert(now);
    }

    /// Training stopped: the next run measures from its own first step.
    pub fn stopped(&mut self) {
        self.last = None;
    }

    /// Steps allowed in flight now.
    pub fn limit(&self, most: usize) -> usize {
        match self.ms_per_step {
            None => 1,
            Some(ms) => ((Self::LATENCY_MS / ms.max(0.01)).ceil() as usize).clamp(1, most),
        }
    }
}
