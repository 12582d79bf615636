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
