//! The unrolled view's traces: an input run through the active model step by step, on request,
//! and again while training runs (at most every [`FOLLOW_MS`], between two training slices, so
//! it takes a bounded share of the time) and whenever the weights change.

use wasm_bindgen::JsValue;

use super::clock::now_ms;
use super::{news, post, post_js, State};
use crate::i18n::{fill, t};
use crate::lesson::LessonError;
use crate::protocol::{to_js, ChainRequest, Event, Reader};

/// While training runs, a followed chain is traced again at most this often.
pub const FOLLOW_MS: f64 = 250.0;

/// The page asked for a chain (or to stop following one).
pub fn request(st: &mut State, request: Option<ChainRequest>) {
    st.chain = request;
    st.chain_dirty = true;
    st.last_chain_ms = f64::NEG_INFINITY;
    tick(st);
}

/// Traces the followed chain again if the weights changed since it was last sent, at most every
/// [`FOLLOW_MS`] while training runs.
pub fn tick(st: &mut State) {
    let Some(req) = st.chain.clone() else { return };
    if !st.chain_dirty || (st.running && now_ms() - st.last_chain_ms < FOLLOW_MS) {
        return;
    }
    st.chain_dirty = false;
    st.last_chain_ms = now_ms();
    if !req.follow || req.reader == Reader::Pretrained {
        // Answered once (the pretrained model's weights never change); a new request asks again.
        st.chain = None;
    }
    let t0 = now_ms();
    // The weights the trace reads: on the WebGPU engine, the copy last brought back.
    let steps = st.active.as_mut().map_or(0, |a| a.steps().saturating_sub(a.backend().views_behind()));
    let chain = match (req.reader, st.active.as_mut()) {
        (Reader::Pretrained, _) => news::pretrained_chain(st, &req.source),
        (Reader::Trained, Some(active)) => active.chain(&req.source),
        (Reader::Trained, None) => Err(crate::lesson::chain::chain_error(t().worker.chain_model_building.into())),
    };
    match chain {
        Ok(mut chain) => {
            if req.reader == Reader::Trained {
                chain.trained_steps = Some(steps);
            }
            // The cost counts the trace and turning it into a message, the work taken from training.
            let message = to_js(&Event::Chain { chain: Box::new(chain), cost_ms: 0.0 });
            match message {
                Ok(v) => {
                    let cost = (now_ms() - t0) as f32;
                    let _ = js_sys::Reflect::set(&v, &JsValue::from_str("cost_ms"), &JsValue::from_f64(cost as f64));
                    post_js(&v);
                }
                Err(e) => post(Event::ChainUnavailable { message: fill(t().worker.chain_not_sent, &[("error", &e)]) }),
            }
        }
        Err(e) => post(unavailable(e)),
    }
}

fn unavailable(e: LessonError) -> Event {
    Event::ChainUnavailable { message: e.to_string() }
}
