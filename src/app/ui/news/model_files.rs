//! The news model in and out of the page: Save model (the model-file format `unroll train --save`
//! writes, with its vectorizer and class names) and Open a model file (chosen or dropped; one saved here, by the
//! command line, or exported from Keras by `tools/keras/unroll_keras.py`), which then reads the
//! headlines and fills the views in place of the pretrained model. A file that cannot be used gets
//! a message naming what is wrong, and changes nothing.

use leptos::prelude::*;

use crate::app::state::{file_bytes, Store};
use crate::i18n::{fill, t};
use crate::model_file::MAX_FILE_BYTES;
use crate::protocol::Command;

fn open(store: Store, file: web_sys::File) {
    let name = file.name();
    if file.size() > MAX_FILE_BYTES as f64 {
        store.news.model_file.set(Some(Err(fill(t().news.model_too_large, &[("mb", &(MAX_FILE_BYTES >> 20)), ("name", &name)]))));
        return;
    }
    store.news.model_file.set(Some(Ok(fill(t().news.opening_model, &[("name", &name)]))));
    wasm_bindgen_futures::spawn_local(async move {
        match file_bytes(&file).await {
            Ok(bytes) => store.send(Command::OpenModel { name, bytes }),
            Err(e) => store.news.model_file.set(Some(Err(e))),
        }
    });
}

#[component]
pub fn ModelFiles() -> impl IntoView {
    let store = Store::from_context();
    let news = store.news;
    let running = move || store.run.with(|r| r.running || r.in_flight > 0);
    let configured = move || store.run.with(|r| r.configured);
    let on_file = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        if let Some(file) = input.files().and_then(|f| f.get(0)) {
            open(store, file);
        }
        // The same file chosen again opens again.
        input.set_value("");
    };
    // A model file dropped anywhere on the group opens as a chosen one does.
    let dragging = RwSignal::new(false);
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        dragging.set(false);
        if let Some(file) = ev.data_transfer().and_then(|d| d.files()).and_then(|f| f.get(0)) {
            open(store, file);
        }
    };
    view! {
        <div
            class="model-files"
            class:dragging=move || dragging.get()
            role="group"
            aria-label=t().news.model_files
            data-testid="model-files"
            title=t().news.model_drop_hint
            on:dragover=move |ev: leptos::ev::DragEvent| { ev.prevent_default(); dragging.set(true); }
            on:dragleave=move |_| dragging.set(false)
            on:drop=on_drop
        >
            <button
                type="button"
                class="secondary small"
                data-testid="save-model"
                title=t().news.save_model_hint
                prop:disabled=move || running() || !configured()
                on:click=move |_| store.send(Command::SaveModel)
            >
                {t().news.save_model}
            </button>
            <label class="file-button secondary small">
                {t().news.open_model}
                <input type="file" accept=".json,application/json" data-testid="model-file" on:change=on_file />
            </label>
            {move || news.pretrained.with(|p| p.as_ref().is_some_and(|p| p.file.is_some())).then(|| view! {
                <button
                    type="button"
                    class="secondary small"
                    data-testid="train-opened"
                    title=t().news.train_opened_hint
                    prop:disabled=move || running() || !configured()
                    on:click=move |_| store.send(Command::TrainOpened { settings: store.settings.get_untracked() })
                >
                    {t().news.train_opened}
                </button>
            })}
            {move || news.model_file.get().map(|r| match r {
                Ok(m) => view! { <span class="hint" role="status" data-testid="model-file-status">{m}</span> }.into_any(),
                Err(m) => view! { <span class="field-msg error" role="alert" data-testid="model-file-error">{m}</span> }.into_any(),
            })}
        </div>
    }
}
