//! Files in and out of the page: a download made from text (a CSV log, a model file), and the
//! bytes of a file the student chose or dropped.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Offers `text` to the student as a file named `name`.
pub fn download(name: &str, mime: &str, text: &str) {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else { return };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else { return };
    let anchor = document().create_element("a").ok().and_then(|a| a.dyn_into::<web_sys::HtmlAnchorElement>().ok());
    if let Some(a) = anchor {
        a.set_href(&url);
        a.set_download(name);
        a.click();
    }
    // Freed once the browser has surely read it (revoked at once, some browsers lose the file).
    set_timeout(move || drop(web_sys::Url::revoke_object_url(&url)), std::time::Duration::from_secs(60));
}

/// The bytes of a file the student chose or dropped (its size checked by the caller first, so
/// that a huge file is never read into memory); `Err` says why it could not be read.
pub async fn file_bytes(file: &web_sys::File) -> Result<Vec<u8>, String> {
    match wasm_bindgen_futures::JsFuture::from(file.array_buffer()).await {
        Ok(buffer) => Ok(js_sys::Uint8Array::new(&buffer).to_vec()),
        Err(e) => Err(crate::i18n::fill(crate::i18n::t().worker.file_unreadable, &[("name", &file.name()), ("error", &format!("{e:?}"))])),
    }
}
