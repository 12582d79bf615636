//! The input of a recurrent layer: typed sentences, their vocabulary, and the `[batch, time]`
//! tensor of token ids with its padding and mask. All the work is `lesson::input_format`; this
//! file only lays it out.

use leptos::prelude::*;

use crate::lesson::input_format::{input_format, token_label, InputFormat as Tensor, DEFAULT_SENTENCES, MAX_CHARS};

/// Vocabulary limits offered (Keras `max_tokens`, padding and `[UNK]` included).
const LIMITS: &[(&str, Option<usize>)] = &[("every word", None), ("8 entries", Some(8)), ("6 entries", Some(6)), ("4 entries", Some(4))];

#[component]
pub fn InputFormat(
    /// The sentences shown first, one per line; the course's two when absent.
    #[prop(optional, into)]
    initial: Option<String>,
) -> impl IntoView {
    let text = RwSignal::new(initial.unwrap_or_else(|| DEFAULT_SENTENCES.to_string()));
    let limit = RwSignal::new(None::<usize>);
    let result = Memo::new(move |_| text.with(|t| input_format(t, limit.get())));
    let on_limit = move |ev: leptos::ev::Event| {
        let v = event_target_value(&ev);
        limit.set(LIMITS.iter().find(|(name, _)| *name == v).and_then(|(_, l)| *l));
    };
    view! {
        <section class="course-card input-format" aria-labelledby="if-h" data-testid="input-format">
            <h2 id="if-h">"What a recurrent layer reads: [batch, time]"</h2>
            <label for="if-text" class="if-label">"Sentences, one per line"</label>
            <p class="hint" id="if-hint">
                "Each sentence is cut into words the way the news lesson does it (lower case, punctuation removed) and each word \
                 becomes its number in the vocabulary. The sentences are stacked as the rows of one tensor."
            </p>
            <textarea
                id="if-text"
                data-testid="input-format-text"
                rows="3"
                spellcheck="false"
                maxlength=MAX_CHARS
                aria-describedby="if-hint if-message"
                prop:value=move || text.get()
                on:input=move |ev| text.set(event_target_value(&ev))
            ></textarea>
            <div class="field if-limit">
                <label for="if-limit">"Vocabulary size (max_tokens)"</label>
                <select id="if-limit" data-testid="input-format-limit" on:change=on_limit>
                    {LIMITS.iter().map(|(name, _)| view! { <option value=*name>{*name}</option> }).collect_view()}
                </select>
            </div>
            <p id="if-message" class="hint" role="status" data-testid="input-format-message">
                {move || result.with(|r| r.as_ref().err().map(ToString::to_string))}
            </p>
            {move || result.with(|r| r.as_ref().ok().cloned()).map(|f| view! { <Shown f /> })}
        </section>
    }
}

/// The vocabulary, the id grid and the mask of one result.
#[component]
fn Shown(f: Tensor) -> impl IntoView {
    let notes = f.notes.iter().map(|n| view! { <li>{n.clone()}</li> }).collect_view();
    let vocab = f
        .vocabulary
        .iter()
        .map(|e| {
            let special = e.id < 2;
            view! {
                <tr class:if-special=special>
                    <td class="num">{e.id}</td>
                    <td>{token_label(e)}</td>
                    <td class="num">{(e.id != 0).then_some(e.count)}</td>
                </tr>
            }
        })
        .collect_view();
    let header = || (0..f.time).map(|t| view! { <th scope="col">{format!("t={t}")}</th> }).collect_view();
    let grid = f
        .rows
        .iter()
        .enumerate()
        .map(|(b, row)| {
            let cells = row
                .cells
                .iter()
                .map(|c| match &c.word {
                    Some(w) => view! {
                        <td class="if-real"><span class="if-id">{c.id}</span><span class="if-word">{w.clone()}</span></td>
                    }
                    .into_any(),
                    None => view! {
                        <td class="if-pad" data-masked="true" title="padding: masked">
                            <span class="if-id">{c.id}</span><span class="visually-hidden">" padding, masked"</span>
                        </td>
                    }
                    .into_any(),
                })
                .collect_view();
            view! {
                <tr>
                    <th scope="row"><span class="if-row">{format!("{b}")}</span><span class="if-text">{row.text.clone()}</span></th>
                    {cells}
                </tr>
            }
        })
        .collect_view();
    let mask = f
        .rows
        .iter()
        .enumerate()
        .map(|(b, row)| {
            let cells = row
                .cells
                .iter()
                .map(|c| {
                    if c.is_real() {
                        view! { <td class="num">"1"</td> }.into_any()
                    } else {
                        view! { <td class="num if-pad">"0"</td> }.into_any()
                    }
                })
                .collect_view();
            view! { <tr><th scope="row">{b}</th>{cells}</tr> }
        })
        .collect_view();
    let shape = f.shape_text();
    let (batch, time) = (f.batch(), f.time);
    view! {
        {(!f.notes.is_empty()).then(|| view! { <ul class="if-notes" data-testid="input-format-notes">{notes}</ul> })}
        <div class="if-tables">
            <table class="if-vocab" data-testid="input-format-vocab">
                <caption>{format!("Vocabulary: {} entries", f.vocabulary.len())}</caption>
                <thead><tr><th scope="col">"Id"</th><th scope="col">"Token"</th><th scope="col">"Count"</th></tr></thead>
                <tbody>{vocab}</tbody>
            </table>
            <div class="if-scroll" tabindex="0" role="region" aria-label="Token ids, [batch, time]">
                <table class="if-grid" data-testid="input-format-grid">
                    <caption>
                        {format!("Token ids, shape [batch, time] = {shape}: ")}
                        {format!("{batch} sentence{} (batch, the rows) of {time} time step{} (time, the columns). ", if batch == 1 { "" } else { "s" }, if time == 1 { "" } else { "s" })}
                        "Shorter sentences are padded with 0 at the end (grey): those steps are masked, so the recurrent layer skips them."
                    </caption>
                    <thead><tr><th scope="col">"Sentence"</th>{header()}</tr></thead>
                    <tbody>{grid}</tbody>
                </table>
                <table class="if-grid if-mask" data-testid="input-format-mask">
                    <caption>{format!("Mask {shape}: 1 for a word, 0 for padding (Keras computes it from the zeros with mask_zero=True).")}</caption>
                    <thead><tr><th scope="col">"Sentence"</th>{header()}</tr></thead>
                    <tbody>{mask}</tbody>
                </table>
            </div>
        </div>
    }
}
