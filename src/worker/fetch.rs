//! Downloads in the worker: `fetch` read chunk by chunk (so the page can show a progress bar), and
//! the Cache API (so the AG News bundle is downloaded once, not on every visit). A download that
//! sends nothing for [`STALL_MS`] is given up, and the page can cancel the one under way.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, Cache, ReadableStreamDefaultReader, RequestInit, Response, WorkerGlobalScope};

use super::clock::now_ms;
use crate::i18n::{fill, t};

/// A download that receives nothing (no answer, no bytes) for this long is given up.
pub const STALL_MS: f64 = 20_000.0;

/// [`STALL_MS`], unless a test set `self.unrollStallMs` in this worker (through the browser's
/// devtools protocol, which nothing on a page can reach), so that the e2e test of a silent server
/// need not wait the real 20 s.
fn stall_ms() -> f64 {
    js_sys::Reflect::get(&scope(), &JsValue::from_str("unrollStallMs"))
        .ok()
        .and_then(|v| v.as_f64())
        .filter(|ms| *ms > 0.0)
        .unwrap_or(STALL_MS)
}

/// Why a download was stopped from here.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Stop {
    Stalled,
    Cancelled,
}

/// The data download under way (the one the page's Cancel means; the pretrained model's, which
/// runs beside it, is not one): its abort switch and why it was pulled, if it was.
struct Current {
    controller: AbortController,
    stop: Rc<Cell<Option<Stop>>>,
}

thread_local! {
    static CURRENT: RefCell<Option<Current>> = const { RefCell::new(None) };
}

/// Stops the download under way (the page's Cancel), if there is one.
pub fn cancel() {
    CURRENT.with(|c| {
        if let Some(cur) = c.borrow().as_ref() {
            cur.stop.set(Some(Stop::Cancelled));
            cur.controller.abort();
        }
    });
}

/// The cache holding the bundled data. Bump the number when the bundle's files change, so that
/// returning visitors fetch the new files (old caches are left to the browser's eviction).
pub const BUNDLE_CACHE: &str = "unroll-data-v1";

/// Report progress at most every this many bytes.
const REPORT_EVERY: u64 = 256 * 1024;

fn scope() -> WorkerGlobalScope {
    js_sys::global().unchecked_into()
}

fn js_text(e: &JsValue) -> String {
    e.as_string().or_else(|| e.dyn_ref::<js_sys::Error>().map(|e| String::from(e.message()))).unwrap_or_else(|| format!("{e:?}"))
}

/// Why a download failed, worded for the page.
#[derive(Debug)]
pub enum FetchError {
    /// The request never got a response: the server refused a cross-origin read (CORS), or could
    /// not be reached. Browsers do not tell the two apart.
    Network(String),
    /// The server answered with an error status.
    Status(u16, String),
    /// The body is larger than the page accepts.
    TooLarge(u64),
    /// Something else (reading the body).
    Other(String),
    /// Nothing arrived for [`STALL_MS`].
    Stalled,
    /// The student cancelled it.
    Cancelled,
}

impl FetchError {
    /// The message for one of the site's own files (`path`): no cross-origin story, and what to
    /// do about it.
    pub fn own_file_message(&self, path: &str) -> String {
        match self {
            FetchError::Network(detail) => fill(t().worker.own_network, &[("path", &path), ("detail", detail)]),
            FetchError::Status(code, text) => fill(t().worker.own_status, &[("code", code), ("text", text), ("path", &path)]),
            other => other.message(path),
        }
    }

    /// The message for `url`.
    pub fn message(&self, url: &str) -> String {
        let text = &t().worker;
        match self {
            FetchError::Network(detail) => fill(text.network, &[("url", &url), ("detail", detail)]),
            FetchError::Status(code, status) => fill(text.status, &[("url", &url), ("code", code), ("text", status)]),
            FetchError::TooLarge(n) => {
                fill(text.too_large, &[("url", &url), ("n", n), ("mb", &(crate::data::labeled_csv::MAX_BYTES / (1024 * 1024)))])
            }
            FetchError::Other(m) => fill(text.other, &[("url", &url), ("error", m)]),
            FetchError::Stalled => fill(text.stalled, &[("url", &url), ("seconds", &(stall_ms() / 1000.0))]),
            FetchError::Cancelled => fill(text.cancelled, &[("url", &url)]),
        }
    }
}

/// Downloads `url` (at most `max_bytes`), calling `progress(loaded, total)` as bytes arrive. With
/// `cache`, a copy in that Cache API cache is used instead of the network, and a download is
/// stored there; returns the bytes and whether they came from the cache.
pub async fn fetch_bytes(
    url: &str,
    max_bytes: u64,
    cache: Option<&str>,
    cancellable: bool,
    progress: &dyn Fn(u64, Option<u64>),
) -> Result<(Vec<u8>, bool), FetchError> {
    let cache = match cache {
        Some(name) => open_cache(name).await,
        None => None,
    };
    if let Some(c) = &cache {
        if let Ok(hit) = JsFuture::from(c.match_with_str(url)).await {
            if let Ok(response) = hit.dyn_into::<Response>() {
                if let Ok(bytes) = read_body(&response, max_bytes, progress).await {
                    return Ok((bytes, true));
                }
            }
        }
    }
    let mut bytes = download(url, max_bytes, cancellable, progress).await?;
    if let Some(c) = &cache {
        // A failed store (private mode, quota) only costs a download next time.
        if let Ok(copy) = Response::new_with_opt_u8_array(Some(&mut bytes)) {
            let _ = JsFuture::from(c.put_with_str(url, &copy)).await;
        }
    }
    Ok((bytes, false))
}

/// `fetch(url)` and its body, with a watchdog that aborts it after [`STALL_MS`] without a byte, and
/// (`cancellable`) an abort switch for [`cancel`].
async fn download(url: &str, max_bytes: u64, cancellable: bool, progress: &dyn Fn(u64, Option<u64>)) -> Result<Vec<u8>, FetchError> {
    // The page shows the download (and its Cancel) at once, before any answer arrives.
    progress(0, None);
    let controller = AbortController::new().map_err(|e| FetchError::Other(js_text(&e)))?;
    let stop = Rc::new(Cell::new(None));
    let last = Rc::new(Cell::new(now_ms()));
    let watchdog = {
        let (stop, last, controller) = (stop.clone(), last.clone(), controller.clone());
        Closure::<dyn FnMut()>::new(move || {
            if stop.get().is_none() && now_ms() - last.get() > stall_ms() {
                stop.set(Some(Stop::Stalled));
                controller.abort();
            }
        })
    };
    let timer = scope()
        .set_interval_with_callback_and_timeout_and_arguments_0(watchdog.as_ref().unchecked_ref(), 1000)
        .map_err(|e| FetchError::Other(js_text(&e)))?;
    if cancellable {
        CURRENT.with(|c| *c.borrow_mut() = Some(Current { controller: controller.clone(), stop: stop.clone() }));
    }
    let alive = |loaded: u64, total: Option<u64>| {
        last.set(now_ms());
        progress(loaded, total);
    };
    let result = async {
        let init = RequestInit::new();
        init.set_signal(Some(&controller.signal()));
        let response = JsFuture::from(scope().fetch_with_str_and_init(url, &init)).await.map_err(|e| FetchError::Network(js_text(&e)))?;
        let response: Response = response.dyn_into().map_err(|e| FetchError::Other(js_text(&e)))?;
        if !response.ok() {
            return Err(FetchError::Status(response.status(), response.status_text()));
        }
        last.set(now_ms());
        read_body(&response, max_bytes, &alive).await
    }
    .await;
    scope().clear_interval_with_handle(timer);
    drop(watchdog);
    // Unregistered only if it is still this download's switch.
    CURRENT.with(|c| {
        let mut c = c.borrow_mut();
        if c.as_ref().is_some_and(|cur| Rc::ptr_eq(&cur.stop, &stop)) {
            *c = None;
        }
    });
    // An abort surfaces as a network or read error: say why it really stopped.
    result.map_err(|e| match stop.get() {
        Some(Stop::Stalled) => FetchError::Stalled,
        Some(Stop::Cancelled) => FetchError::Cancelled,
        None => e,
    })
}

async fn open_cache(name: &str) -> Option<Cache> {
    // The Cache API needs a secure context (https or localhost); elsewhere the browser's HTTP
    // cache is all there is.
    let storage = scope().caches().ok()?;
    JsFuture::from(storage.open(name)).await.ok()?.dyn_into::<Cache>().ok()
}

/// Reads a response's body in chunks, reporting progress and stopping past `max_bytes`.
async fn read_body(response: &Response, max_bytes: u64, progress: &dyn Fn(u64, Option<u64>)) -> Result<Vec<u8>, FetchError> {
    let total = response.headers().get("content-length").ok().flatten().and_then(|v| v.trim().parse::<u64>().ok());
    if let Some(t) = total {
        if t > max_bytes {
            return Err(FetchError::TooLarge(t));
        }
    }
    let Some(body) = response.body() else { return Ok(Vec::new()) };
    let reader: ReadableStreamDefaultReader = body.get_reader().unchecked_into();
    let mut bytes = Vec::with_capacity(total.unwrap_or(0) as usize);
    let mut reported = 0u64;
    progress(0, total);
    loop {
        let chunk = JsFuture::from(reader.read()).await.map_err(|e| FetchError::Other(js_text(&e)))?;
        let done = js_sys::Reflect::get(&chunk, &"done".into()).map(|d| d.is_truthy()).unwrap_or(true);
        if done {
            break;
        }
        let value = js_sys::Reflect::get(&chunk, &"value".into()).map_err(|e| FetchError::Other(js_text(&e)))?;
        let array: js_sys::Uint8Array = value.dyn_into().map_err(|_| FetchError::Other("the body is not bytes".into()))?;
        let start = bytes.len();
        bytes.resize(start + array.length() as usize, 0);
        array.copy_to(&mut bytes[start..]);
        let loaded = bytes.len() as u64;
        if loaded > max_bytes {
            let _ = reader.cancel();
            return Err(FetchError::TooLarge(loaded));
        }
        if loaded - reported >= REPORT_EVERY {
            reported = loaded;
            progress(loaded, total);
        }
    }
    progress(bytes.len() as u64, total.or(Some(bytes.len() as u64)));
    Ok(bytes)
}
