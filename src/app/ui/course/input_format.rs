//! The input of a recurrent layer: typed sentences, their vocabulary, and the `[batch, time]`
//! tensor of token ids with its padding and mask. All the work is `lesson::input_format`; this
//! file only lays it out.

use leptos::prelude::*;

use crate::i18n::{fill, t};
use crate::lesson::input_format::{input_format, token_label, InputFormat as Tensor, DEFAULT_SENTENCES, MAX_CHARS};

/// Vocabulary limits offered (Keras `max_tokens`, padding and `[UNK]` included), each with its
/// name (also the option's value).
fn limits() -> [(String, Option<usize>); 4] {
    let entries = |n: usize| (fill(t().course.if_limit_entries, &[("n", &n)]), Some(n));
    [(t().course.if_limit_all.to_string(), None), entries(8), entries(6), entries(4)]
}

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
        limit.set(limits().into_iter().find(|(name, _)| *name == v).and_then(|(_, l)| l));
    };
    view! {
        <section class="course-card input-format" aria-labelledby="if-h" data-testid="input-format">
            <h2 id="if-h">{t().course.if_title}</h2>
            <label for="if-text" class="if-label">{t().course.if_text_label}</label>
            <p class="hint" id="if-hint">{t().course.if_hint}</p>
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
                <label for="if-limit">{t().course.if_limit_label}</label>
                <select id="if-limit" data-testid="input-format-limit" on:change=on_limit>
                    {limits().map(|(name, _)| {
                        let value = name.clone();
                        view! { <option value=value>{name}</option> }
                    }).collect_view()}
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
                        <td class="if-pad" data-masked="true" title=t().course.if_padding_title>
                            <span class="if-id">{c.id}</span><span class="visually-hidden">{t().course.if_padding_hidden}</span>
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
    let sentences = fill(if batch == 1 { t().course.if_sentences_one } else { t().course.if_sentences_other }, &[("n", &batch)]);
    let steps = fill(if time == 1 { t().course.if_steps_one } else { t().course.if_steps_other }, &[("n", &time)]);
    view! {
        {(!f.notes.is_empty()).then(|| view! { <ul class="if-notes" data-testid="input-format-notes">{notes}</ul> })}
        <div class="if-tables">
            <table class="if-vocab" data-testid="input-format-vocab">
                <caption>{fill(t().course.if_vocab_caption, &[("n", &f.vocabulary.len())])}</caption>
                <thead><tr><th scope="col">{t().course.if_col_id}</th><th scope="col">{t().course.if_col_token}</th><th scope="col">{t().course.if_col_count}</th></tr></thead>
                <tbody>{vocab}</tbody>
            </table>
            <div class="if-scroll" tabindex="0" role="region" aria-label=t().course.if_grid_region>
                <table class="if-grid" data-testid="input-format-grid">
                    <caption>
                        {fill(t().course.if_grid_shape, &[("shape", &shape)])}
                        {fill(t().course.if_grid_dims, &[("sentences", &sentences), ("steps", &steps)])}
                        {t().course.if_grid_padding}
                    </caption>
                    <thead><tr><th scope="col">{t().course.if_col_sentence}</th>{header()}</tr></thead>
                    <tbody>{grid}</tbody>
                </table>
                <table class="if-grid if-mask" data-testid="input-format-mask">
                    <caption>{fill(t().course.if_mask_caption, &[("shape", &shape)])}</caption>
                    <thead><tr><th scope="col">{t().course.if_col_sentence}</th>{header()}</tr></thead>
                    <tbody>{mask}</tbody>
                </table>
            </div>
        </div>
    }
}
