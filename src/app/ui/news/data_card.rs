//! The news lesson's data: what is loaded, a progress bar while it downloads, and the student's
//! own CSV (file picker, drag and drop, or a URL). A refused file gets its message here and the
//! current data and experiment stay as they were.

use leptos::prelude::*;

use crate::app::news_history::bytes as fmt_bytes;
use crate::app::state::{file_bytes, Store};
use crate::data::labeled_csv::{CsvError, MAX_BYTES};
use crate::engine::model::summary::thousands;
use crate::i18n::{fill, t};
use crate::lesson::news_source::{check_url, AG_NEWS_TRAIN_ROWS, BUNDLE_NAME};
use crate::protocol::{Command, DataSource};

/// Reads a chosen or dropped file and hands it to the worker (size checked first, so that a
/// huge file is never read into memory).
fn upload(store: Store, file: web_sys::File) {
    let name = file.name();
    let size = file.size() as usize;
    if size > MAX_BYTES {
        store.news.data_error.set(Some(format!("{name}: {}", CsvError::TooLarge { size })));
        return;
    }
    store.news.data_error.set(None);
    store.news.upload_wanted.set(None);
    wasm_bindgen_futures::spawn_local(async move {
        match file_bytes(&file).await {
            Ok(bytes) => store.send(Command::LoadNews { source: DataSource::Upload { name, bytes } }),
            Err(e) => store.news.data_error.set(Some(e)),
        }
    });
}

#[component]
pub fn DataCard() -> impl IntoView {
    let store = Store::from_context();
    let news = store.news;
    let url = RwSignal::new(String::new());
    let dragging = RwSignal::new(false);
    let summary = move || {
        news.data.get().map(|d| {
            let held = if d.test_held_out { t().news.held_out_of_file } else { "" };
            let list = if d.classes.len() <= 8 { format!(": {}", d.classes.join(", ")) } else { String::new() };
            fill(
                t().news.data_summary,
                &[
                    ("train", &thousands(d.train_rows)),
                    ("test", &thousands(d.test_rows)),
                    ("held", &held),
                    ("classes", &d.classes.len()),
                    ("list", &list),
                ],
            )
        })
    };
    let name = move || news.data.with(|d| d.as_ref().map(|d| d.name.clone()).unwrap_or_else(|| BUNDLE_NAME.into()));
    let cached = move || news.data.with(|d| d.as_ref().is_some_and(|d| d.cached));
    let is_bundled = move || news.data.with(|d| d.as_ref().is_none_or(|d| d.name == BUNDLE_NAME));
    let layout = move || news.data.with(|d| d.as_ref().and_then(|d| d.layout.clone()));
    let on_file = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        if let Some(file) = input.files().and_then(|f| f.get(0)) {
            upload(store, file);
        }
        // The same file can be chosen again after it was fixed.
        input.set_value("");
    };
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        dragging.set(false);
        if let Some(file) = ev.data_transfer().and_then(|d| d.files()).and_then(|f| f.get(0)) {
            upload(store, file);
        }
    };
    let on_url = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let u = url.get_untracked().trim().to_string();
        match check_url(&u) {
            Ok(()) => {
                news.data_error.set(None);
                store.send(Command::LoadNews { source: DataSource::Url { url: u } });
            }
            Err(e) => news.data_error.set(Some(e)),
        }
    };
    let loading = move || {
        news.loading.get().map(|l| {
            let (value, text) = match l.total {
                Some(total) if total > 0 => (Some(l.loaded as f64 / total as f64), fill(t().news.loaded_of, &[("loaded", &fmt_bytes(l.loaded)), ("total", &fmt_bytes(total))])),
                _ if l.loaded > 0 => (None, fmt_bytes(l.loaded)),
                _ => (None, String::new()),
            };
            view! {
                <div class="data-loading" role="status" data-testid="data-loading">
                    <span>{l.what}"… "{text}</span>
                    <progress max="1" value=value.map(|v| v.to_string()) aria-label=t().news.download_progress></progress>
                    <button type="button" class="secondary small" data-testid="data-cancel" on:click=move |_| store.send(Command::CancelLoad)>{t().news.cancel}</button>
                </div>
            }
        })
    };
    let bad_rows = move || {
        news.data.get().filter(|d| d.bad_count > 0).map(|d| {
            let more = d.bad_count.saturating_sub(d.bad_rows.len());
            view! {
                <details class="bad-rows" data-testid="bad-rows">
                    <summary>{fill(if d.bad_count == 1 { t().news.bad_rows_one } else { t().news.bad_rows_many }, &[("n", &d.bad_count)])}</summary>
                    <ul>
                        {d.bad_rows.iter().map(|b| view! { <li>{fill(t().news.bad_row, &[("line", &b.line), ("problem", &b.problem)])}</li> }).collect_view()}
                        {(more > 0).then(|| view! { <li>{fill(t().news.bad_rows_more, &[("more", &more)])}</li> })}
                    </ul>
                </details>
            }
        })
    };
    view! {
        <section class="data-card" aria-labelledby="data-h" data-testid="data-card">
            <div class="data-head">
                <h2 id="data-h">{t().news.data}<span data-testid="data-name">{name}</span></h2>
                <span class="badge" hidden=move || !cached()>{t().news.from_cache}</span>
                <p class="data-summary" data-testid="data-summary">{summary}</p>
            </div>
            {move || (is_bundled() && news.data.with(Option::is_some)).then(|| view! {
                <p class="hint" data-testid="data-subset">
                    {move || news.data.with(|d| d.as_ref().map(|d| fill(
                        t().news.data_subset,
                        &[("train", &thousands(d.train_rows)), ("total", &thousands(AG_NEWS_TRAIN_ROWS))],
                    )))}
                </p>
            })}
            {loading}
            {move || layout().map(|l| view! { <p class="data-layout">{t().news.read_as}{l}</p> })}
            {bad_rows}
            {move || news.upload_wanted.get().map(|name| view! {
                <p class="hint upload-wanted" role="status" data-testid="upload-wanted">
                    {t().news.upload_wanted_before}<strong>{name}</strong>{t().news.upload_wanted_after}
                </p>
            })}
            <p class="field-msg error" role="alert" data-testid="data-error">
                {move || news.data_error.get().map(|e| {
                    let e = e.trim_end_matches('.');
                    if news.data.with(Option::is_some) {
                        fill(t().news.data_refused, &[("error", &e)])
                    } else {
                        fill(t().news.data_failed, &[("error", &e)])
                    }
                })}
            </p>
            {move || (news.data.with(Option::is_none) && news.data_error.with(Option::is_some) && news.loading.with(Option::is_none)).then(|| view! {
                <button type="button" class="secondary" data-testid="data-retry" on:click=move |_| {
                    news.data_error.set(None);
                    store.send(Command::LoadNews { source: DataSource::Bundled });
                }>{t().news.try_again}</button>
            })}
            <div class="data-own">
                <div
                    class="drop-zone"
                    class:dragging=move || dragging.get()
                    on:dragover=move |ev: leptos::ev::DragEvent| { ev.prevent_default(); dragging.set(true); }
                    on:dragleave=move |_| dragging.set(false)
                    on:drop=on_drop
                    data-testid="drop-zone"
                >
                    <label for="news-file">{t().news.own_csv}</label>
                    <input id="news-file" type="file" accept=".csv,.txt,.gz,text/csv" data-testid="news-file" aria-describedby="data-help" on:change=on_file />
                    <span class="hint">{t().news.or_drop}</span>
                </div>
                <form class="data-url" on:submit=on_url>
                    <label for="news-url">{t().news.or_url}</label>
                    <input id="news-url" type="url" placeholder="https://…/headlines.csv" data-testid="news-url"
                        prop:value=move || url.get() on:input=move |ev| url.set(event_target_value(&ev)) />
                    <button type="submit" class="secondary">{t().news.load}</button>
                </form>
                <button type="button" hidden=is_bundled on:click=move |_| store.send(Command::LoadNews { source: DataSource::Bundled })>
                    {t().news.back_to_ag_news}
                </button>
            </div>
            <p class="hint" id="data-help">
                {t().news.help_layout}
                <code>"class, title, description"</code>{t().news.help_header}<code>"label"</code>", "
                <code>"text"</code>", "<code>"title"</code>", "<code>"description"</code>{t().news.help_classes}
                {t().news.help_limits}
            </p>
        </section>
    }
}
