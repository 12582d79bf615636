//! "Inside the cell": the current model's unrolled chain for an input the student picks, with
//! every state and gate, the equations of the cell under the pointer or the keyboard focus,
//! a folded textbook picture, and the numbers as a table.

mod canvas;
mod detail;
mod folded;
mod source;
mod table;

use leptos::prelude::*;

use crate::app::chain::explain::explain;
use crate::app::state::Store;
use crate::i18n::{fill, t};
use canvas::{ChainCanvas, ChainView};
use detail::{Detail, Legend};
use folded::Folded;
use source::SourcePicker;
use table::ChainTable;

#[component]
pub fn ChainPanel() -> impl IntoView {
    let store = Store::from_context();
    let v = store.views;
    let view = ChainView::new();
    let folded = RwSignal::new(false);
    let table = RwSignal::new(false);
    let chain = Signal::derive(move || v.chain.get());
    // A new chain of another shape: keep the selection inside it.
    Effect::new(move |_| {
        if let Some(c) = chain.get() {
            let l = view.layout(&c);
            let mut s = view.selection.get_untracked();
            s.row = s.row.min(l.rows.len() - 1);
            s.time = s.time.min(c.trace.time - 1);
            s.unit = s.unit.min(l.rows[s.row].units - 1);
            if s != view.selection.get_untracked() {
                view.selection.set(s);
            }
        }
    });
    let explanation = Signal::derive(move || chain.get().and_then(|c| explain(&c, &view.layout(&c), view.selection.get())));
    // Said when the keyboard moves the selection (not on every update of a followed chain).
    let announce = RwSignal::new(String::new());
    Effect::new(move |_| {
        let _ = view.selection.get();
        if let Some(e) = explanation.get_untracked() {
            let last = e.lines.last().map(|l| format!("{} = {}", l.name, l.substituted)).unwrap_or_default();
            announce.set(fill(t().chain.announce, &[("title", &e.title), ("reads", &e.reads), ("last", &last)]));
        }
    });
    let label = Signal::derive(move || match chain.get() {
        Some(c) => fill(t().chain.canvas_label, &[("steps", &c.trace.time), ("caption", &c.caption)]),
        None => t().chain.canvas_waiting.to_string(),
    });
    let caption = move || {
        chain.get().map(|c| {
            let after = match c.trained_steps {
                None => t().chain.weights_own.to_string(),
                Some(0) => t().chain.weights_untrained.to_string(),
                Some(n) => fill(t().chain.weights_after, &[("n", &n)]),
            };
            format!("{} · {after}", c.caption)
        })
    };
    let cost = move || fill(t().chain.cost, &[("ms", &format!("{:.1}", v.cost_ms.get()))]);
    let toggle = |s: RwSignal<bool>| move |_| s.update(|b| *b = !*b);
    let zoom = move |by: i32| {
        if let Some(c) = chain.get_untracked() {
            view.zoom_by(&c, by);
        }
    };
    view! {
        <section class="view-card chain-panel" data-testid="chain-panel" aria-labelledby="chain-title">
            <div class="chain-head">
                <h2 id="chain-title">{t().chain.title}</h2>
                <p class="hint">{t().chain.hint}</p>
            </div>
            <SourcePicker />
            <div class="chain-tools" role="toolbar" aria-label=t().chain.tools>
                <label class="check">
                    <input type="checkbox" data-testid="chain-follow" prop:checked=move || v.follow.get()
                        on:change=move |ev| { v.follow.set(event_target_checked(&ev)); store.request_chain(); } />
                    {t().chain.follow}
                </label>
                <button type="button" class="secondary small" aria-pressed=move || folded.get().to_string() data-testid="chain-fold" on:click=toggle(folded)>
                    {move || if folded.get() { t().chain.unfold } else { t().chain.fold }}
                </button>
                <button type="button" class="secondary small" aria-label=t().chain.zoom_out on:click=move |_| zoom(-1)>"−"</button>
                <button type="button" class="secondary small" aria-label=t().chain.zoom_in data-testid="chain-zoom-in" on:click=move |_| zoom(1)>"+"</button>
                <button type="button" class="secondary small" on:click=move |_| { view.zoom.set(None); view.first.set(0); }>{t().chain.fit}</button>
                <button type="button" class="secondary small" aria-pressed=move || table.get().to_string() data-testid="chain-table-toggle" on:click=toggle(table)>
                    {move || if table.get() { t().chain.hide_table } else { t().chain.show_table }}
                </button>
                <span class="hint" data-testid="chain-cost">{cost}</span>
            </div>
            <p class="chain-caption" data-testid="chain-caption">{caption}</p>
            <p class="field-msg error" role="alert" data-testid="chain-message">{move || v.message.get()}</p>
            <p id="chain-keys" class="visually-hidden">{t().chain.keys}</p>
            <p class="visually-hidden" aria-live="polite" data-testid="chain-announce">{move || announce.get()}</p>
            <Show when=move || folded.get()>
                <div class="chain-tools" role="group" aria-label=t().chain.folded_steps>
                    <button type="button" class="secondary small" data-testid="folded-prev" on:click=move |_| view.selection.update(|s| s.time = s.time.saturating_sub(1))>{t().chain.folded_prev}</button>
                    <label class="inline-field" for="folded-step">{t().chain.folded_step}
                        <input id="folded-step" type="range" min="1" data-testid="folded-step"
                            max=move || chain.get().map_or(1, |c| c.trace.time)
                            prop:value=move || view.selection.get().time + 1
                            on:input=move |ev| {
                                let t = event_target_value(&ev).parse::<usize>().unwrap_or(1).saturating_sub(1);
                                view.selection.update(|s| s.time = t);
                            } />
                    </label>
                    <button type="button" class="secondary small" data-testid="folded-next"
                        on:click=move |_| {
                            let last = chain.get_untracked().map_or(0, |c| c.trace.time - 1);
                            view.selection.update(|s| s.time = (s.time + 1).min(last));
                        }>{t().chain.folded_next}</button>
                </div>
            </Show>
            <Show when=move || !folded.get() fallback=move || {
                // Drawn again for each step the student moves to.
                let _ = view.selection.get();
                chain.get().map(|c| { let l = view.layout(&c); view! { <Folded chain=c layout=l view /> } })
            }>
                <ChainCanvas chain view label />
            </Show>
            <Legend />
            <Detail explanation />
            <Show when=move || table.get()>
                {move || chain.get().map(|c| { let l = view.layout(&c); let row = view.selection.get().row; view! { <ChainTable chain=c layout=l row /> } })}
            </Show>
        </section>
    }
}
