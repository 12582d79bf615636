//! Which input the unrolled chain shows: a window of the series (sine, typed), or a test
//! example or a typed headline read by the student's model or the pretrained one (news).

use leptos::prelude::*;

use crate::app::state::Store;
use crate::i18n::{fill, t};
use crate::lesson::chain::ChainSource;
use crate::protocol::Reader;
use crate::settings::Task;

#[component]
pub fn SourcePicker() -> impl IntoView {
    let store = Store::from_context();
    let news = move || store.settings.with(|s| s.task == Task::Agnews);
    view! {
        <Show when=news fallback=|| view! { <WindowPicker /> }>
            <HeadlinePicker />
        </Show>
    }
}

#[component]
fn WindowPicker() -> impl IntoView {
    let store = Store::from_context();
    let v = store.views;
    let last = move || store.info.with(|i| i.as_ref().map_or(0, |i| i.values.len().saturating_sub(i.window)));
    let start = move || match v.source.get() {
        Some(ChainSource::Window { start }) => start.min(last()),
        _ => match store.default_chain_source() {
            ChainSource::Window { start } => start,
            _ => 0,
        },
    };
    let window = move || store.info.with(|i| i.as_ref().map_or(0, |i| i.window));
    let seed = move || store.info.with(|i| i.as_ref().map_or(0, |i| i.gen_at.saturating_sub(i.window)));
    let held = move || store.info.with(|i| i.as_ref().map_or(0, |i| i.train_end.min(i.values.len().saturating_sub(i.window))));
    let set = move |s: usize| store.choose_chain_source(ChainSource::Window { start: s });
    view! {
        <div class="chain-source" role="group" aria-label=t().chain.window_group>
            <label for="chain-start">{move || fill(t().chain.window_start, &[("n", &window())])}</label>
            <input
                id="chain-start"
                type="range"
                min="1"
                max=move || last() + 1
                prop:value=move || start() + 1
                data-testid="chain-start"
                on:change=move |ev| set(event_target_value(&ev).parse::<usize>().unwrap_or(1).saturating_sub(1))
            />
            <output for="chain-start">{move || start() + 1}</output>
            <button type="button" class="secondary small" on:click=move |_| set(seed())>{t().chain.seed_window}</button>
            <button type="button" class="secondary small" on:click=move |_| set(held())>{t().chain.first_heldout}</button>
        </div>
    }
}

#[component]
fn HeadlinePicker() -> impl IntoView {
    let store = Store::from_context();
    let v = store.views;
    let rows = move || store.news.info.with(|i| i.as_ref().map_or(0, |i| i.test_rows));
    let index = move || match v.source.get() {
        Some(ChainSource::TestExample { index }) => Some(index),
        None => Some(0),
        _ => None,
    };
    let text = RwSignal::new(String::from("Olympic champion wins gold in the 100 metres final"));
    let go = move |i: usize| store.choose_chain_source(ChainSource::TestExample { index: i.min(rows().saturating_sub(1)) });
    let show_text = move || store.choose_chain_source(ChainSource::Headline { text: text.get_untracked() });
    let random = move |_| go((js_sys::Math::random() * rows() as f64) as usize);
    view! {
        <div class="chain-source" role="group" aria-label=t().chain.headline_group>
            <label for="chain-example">{t().chain.test_example}</label>
            <input
                id="chain-example"
                type="number"
                min="1"
                max=rows
                class="narrow"
                data-testid="chain-example"
                prop:value=move || index().map_or(String::new(), |i| (i + 1).to_string())
                on:change=move |ev| go(event_target_value(&ev).parse::<usize>().unwrap_or(1).saturating_sub(1))
            />
            <span class="hint">{move || fill(t().chain.of_examples, &[("n", &rows())])}</span>
            <button type="button" class="secondary small" on:click=move |_| go(index().unwrap_or(0).saturating_sub(1))>{t().chain.previous}</button>
            <button type="button" class="secondary small" on:click=move |_| go(index().map_or(0, |i| i + 1))>{t().chain.next}</button>
            <button type="button" class="secondary small" on:click=random>{t().chain.random}</button>
            <span class="or">{t().chain.or}</span>
            <label for="chain-headline" class="visually-hidden">{t().chain.your_headline}</label>
            <input
                id="chain-headline"
                type="text"
                class="wide"
                data-testid="chain-headline"
                prop:value=move || text.get()
                on:input=move |ev| text.set(event_target_value(&ev))
                on:keydown=move |ev| if ev.key() == "Enter" { show_text() }
            />
            <button type="button" class="secondary small" data-testid="chain-headline-show" on:click=move |_| show_text()>{t().chain.show_headline}</button>
            <label for="chain-reader">{t().chain.model}</label>
            <select
                id="chain-reader"
                data-testid="chain-reader"
                on:change=move |ev| {
                    v.reader.set(if event_target_value(&ev) == "pretrained" { Reader::Pretrained } else { Reader::Trained });
                    store.request_chain();
                }
            >
                <option value="trained" selected=move || v.reader.get() == Reader::Trained>{t().chain.reader_trained}</option>
                <option value="pretrained" selected=move || v.reader.get() == Reader::Pretrained>
                    // The second model is the one opened from a file, once one was: named for it.
                    {move || store.news.pretrained.with(|p| match p.as_ref().and_then(|p| p.file.as_deref()) {
                        Some(file) => crate::settings::shown(file.trim_end_matches(".json")),
                        None => t().chain.reader_pretrained.to_string(),
                    })}
                </option>
            </select>
        </div>
    }
}
