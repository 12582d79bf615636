//! Models in and out of the page, in both lessons: Save model (the model-file format `unroll train
//! --save` writes) and Open a model file (chosen or dropped; one saved here, by the command line,
//! or exported from Keras by `tools/keras/unroll_keras.py`). A file that cannot be used gets a
//! message naming what is wrong, and changes nothing.
//! - The news lesson saves its vectorizer and class names too; an opened headline model reads the
//!   headlines and fills the views in place of the pretrained model, and can be trained further.
//! - The sine and typed lessons save the settings that made the model too; an opened series model
//!   becomes the experiment (those settings, else the open ones with its stack, around its
//!   weights): every view shows it, and Train goes on from its weights.

use leptos::prelude::*;

use crate::app::state::{file_bytes, Store};
use crate::i18n::{fill, t};
use crate::model_file::MAX_FILE_BYTES;
use crate::protocol::Command;

/// Which lesson's model the buttons save and open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FilesOf {
    Series,
    News,
}

fn open(store: Store, file: web_sys::File, of: FilesOf) {
    let name = file.name();
    let status = status_of(store, of);
    if file.size() > MAX_FILE_BYTES as f64 {
        status.set(Some(Err(fill(t().news.model_too_large, &[("mb", &(MAX_FILE_BYTES >> 20)), ("name", &name)]))));
        return;
    }
    status.set(Some(Ok(fill(t().news.opening_model, &[("name", &name)]))));
    wasm_bindgen_futures::spawn_local(async move {
        match file_bytes(&file).await {
            Ok(bytes) if of == FilesOf::News => store.send(Command::OpenModel { name, bytes }),
            Ok(bytes) => store.send(Command::OpenSeriesModel { name, bytes, settings: store.settings.get_untracked() }),
            Err(e) => status.set(Some(Err(e))),
        }
    });
}

/// Where the lesson's model-file messages are shown.
fn status_of(store: Store, of: FilesOf) -> RwSignal<Option<Result<String, String>>> {
    match of {
        FilesOf::News => store.news.model_file,
        FilesOf::Series => store.series_file,
    }
}

#[component]
pub fn ModelFiles(of: FilesOf) -> impl IntoView {
    let store = Store::from_context();
    let news = store.news;
    let status = status_of(store, of);
    let save_hint = match of {
        FilesOf::News => t().news.save_model_hint,
        FilesOf::Series => t().worker.series_save_hint,
    };
    let running = move || store.run.with(|r| r.running || r.in_flight > 0);
    let configured = move || store.run.with(|r| r.configured);
    let on_file = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        if let Some(file) = input.files().and_then(|f| f.get(0)) {
            open(store, file, of);
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
            open(store, file, of);
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
                title=save_hint
                prop:disabled=move || running() || !configured()
                on:click=move |_| store.send(Command::SaveModel)
            >
                {t().news.save_model}
            </button>
            <label class="file-button secondary small">
                {t().news.open_model}
                <input type="file" accept=".json,application/json" data-testid="model-file" on:change=on_file />
            </label>
            {move || (of == FilesOf::News && news.pretrained.with(|p| p.as_ref().is_some_and(|p| p.file.is_some()))).then(|| view! {
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
            {move || status.get().map(|r| match r {
                Ok(m) => view! { <span class="hint" role="status" data-testid="model-file-status">{m}</span> }.into_any(),
                Err(m) => view! { <span class="field-msg error" role="alert" data-testid="model-file-error">{m}</span> }.into_any(),
            })}
        </div>
    }
}
