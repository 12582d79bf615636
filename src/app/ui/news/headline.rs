//! "Type a headline": classified as the student types, by the pretrained model or the one being
//! trained. Shows the tokens the vectorizer made (out-of-vocabulary ones marked), the class
//! probabilities after each word as stacked columns, and the final answer as bars.

use leptos::prelude::*;

use crate::app::news_history::{percent, top_classes};
use crate::app::state::Store;
use crate::app::state::{HeadlineReading, Pretrained};
use crate::i18n::{fill, t};
use crate::protocol::{Command, Reader};

/// Longest headline read (characters).
const MAX_CHARS: usize = 400;
/// Column width and plot height of the per-word chart (SVG units = CSS pixels).
const COL: f64 = 64.0;
const PLOT_H: f64 = 150.0;
const LABEL_H: f64 = 34.0;

/// CSS class of class `k`'s colour (eight colours, repeated beyond).
fn class_colour(k: usize) -> String {
    format!("class-{}", k % 8)
}

/// A token shortened to fit under its column.
fn short(token: &str) -> String {
    if token.chars().count() <= 9 {
        token.to_string()
    } else {
        token.chars().take(8).collect::<String>() + "…"
    }
}

#[component]
pub fn HeadlinePanel() -> impl IntoView {
    let store = Store::from_context();
    let news = store.news;
    // Read again whenever the text, the reader, or the reading model changes.
    Effect::new(move |_| {
        let text = news.headline.get();
        let reader = news.reader.get();
        let ready = match reader {
            Reader::Pretrained => news.pretrained.with(Option::is_some),
            Reader::Trained => news.info.with(Option::is_some),
        };
        news.tested.track();
        news.history.with(|h| h.epochs.len());
        if ready {
            store.send(Command::Read { text, reader });
        }
    });
    let choose = move |r: Reader| {
        news.reader_chosen.set(true);
        news.reader.set(r);
    };
    let note = move || match news.reader.get() {
        Reader::Pretrained => news.pretrained.with(|p| match p {
            Some(Pretrained { model, file: Some(file), .. }) => fill(t().news.read_by_file, &[("model", model), ("file", file)]),
            Some(p) => fill(t().news.read_by_pretrained, &[("model", &p.model)]),
            None => t().news.loading_pretrained.to_string(),
        }),
        Reader::Trained => news.run.with(|r| match &r.progress {
            None if store.restored.get() => t().news.read_by_restored.to_string(),
            None => t().news.read_by_untrained.to_string(),
            Some(p) if p.done => t().news.read_by_trained.to_string(),
            Some(p) => fill(t().news.read_by_training, &[("epoch", &p.epoch), ("batch", &p.batch), ("batches", &p.batches)]),
        }),
    };
    let reading = move || news.reading.get();
    view! {
        <section class="headline-panel" aria-labelledby="headline-h" data-testid="headline-panel">
            <div class="headline-head">
                <h2 id="headline-h"><label for="headline-input">{t().news.type_headline}</label></h2>
                <fieldset class="segmented reader-switch">
                    <legend class="visually-hidden">{t().news.reader_legend}</legend>
                    <div class="segments">
                        <label class:checked=move || news.reader.get() == Reader::Pretrained>
                            <input type="radio" name="reader" value="pretrained" prop:checked=move || news.reader.get() == Reader::Pretrained on:change=move |_| choose(Reader::Pretrained) />
                            <span data-testid="reader-second">{move || news.pretrained.with(|p| match p.as_ref().and_then(|p| p.file.as_deref()) {
                                Some(file) => crate::settings::shown(file.trim_end_matches(".json")),
                                None => t().news.reader_pretrained.to_string(),
                            })}</span>
                        </label>
                        <label class:checked=move || news.reader.get() == Reader::Trained>
                            <input type="radio" name="reader" value="trained" prop:checked=move || news.reader.get() == Reader::Trained on:change=move |_| choose(Reader::Trained) />
                            <span>{t().news.reader_yours}</span>
                        </label>
                    </div>
                </fieldset>
            </div>
            <input
                id="headline-input"
                class="headline-input"
                type="text"
                maxlength=MAX_CHARS.to_string()
                autocomplete="off"
                data-testid="headline-input"
                aria-describedby="headline-note"
                prop:value=move || news.headline.get()
                on:input=move |ev| news.headline.set(event_target_value(&ev))
            />
            <p class="hint" id="headline-note" data-testid="reader-note">{note}</p>
            {move || (news.reader.get() == Reader::Pretrained).then(|| news.pretrained.get().and_then(|p| p.about)).flatten().map(|about| view! {
                <details class="about"><summary>{t().news.about_model}</summary><p class="hint">{about}</p></details>
            })}
            {move || reading().map(|r| view! { <Verdict reading=r.clone() /> <WordChart reading=r /> })}
        </section>
    }
}

/// The answer for the whole headline: one bar per class, most probable first.
#[component]
fn Verdict(reading: HeadlineReading) -> impl IntoView {
    let probs = reading.reading.probs.clone();
    let order = top_classes(&probs, probs.len());
    let best = order.first().map(|&(k, p)| format!("{} ({})", reading.classes.get(k).cloned().unwrap_or_default(), percent(p)));
    view! {
        <div class="verdict" data-testid="verdict">
            <p class="verdict-line" aria-live="polite">
                {match best {
                    Some(b) if !reading.reading.tokens.is_empty() => view! { {t().news.model_says}<strong data-testid="verdict-class">{b}</strong> }.into_any(),
                    _ => t().news.type_words.into_any(),
                }}
            </p>
            <ul class="prob-bars" aria-label=t().news.class_probabilities>
                {order.into_iter().map(|(k, p)| view! {
                    <li>
                        <span class="prob-name">{reading.classes.get(k).cloned().unwrap_or_default()}</span>
                        <span class="prob-track" aria-hidden="true"><span class=format!("prob-fill {}", class_colour(k)) style=format!("width: {:.1}%", p * 100.0)></span></span>
                        <span class="prob-value">{percent(p)}</span>
                    </li>
                }).collect_view()}
            </ul>
        </div>
    }
}

/// The probabilities after each word, as stacked columns (one per token), with the tokens below.
#[component]
fn WordChart(reading: HeadlineReading) -> impl IntoView {
    let HeadlineReading { classes, reading, .. } = reading;
    let n = reading.tokens.len();
    if n == 0 {
        return ().into_any();
    }
    let width = COL * n as f64;
    let columns = reading
        .probs_after
        .iter()
        .zip(&reading.tokens)
        .enumerate()
        .map(|(i, (probs, (token, oov)))| {
            let x = i as f64 * COL;
            let mut y = 0.0;
            let segments = probs
                .iter()
                .enumerate()
                .map(|(k, &p)| {
                    let h = p as f64 * PLOT_H;
                    let seg = view! { <rect class=class_colour(k) x=x + 6.0 y=y width=COL - 12.0 height=h></rect> };
                    y += h;
                    seg
                })
                .collect_view();
            let label = if *oov { format!("{}?", short(token)) } else { short(token) };
            view! {
                <g>
                    {segments}
                    <text class="token-label" class:oov=*oov x=x + COL / 2.0 y=PLOT_H + 18.0 text-anchor="middle">{label}</text>
                </g>
            }
        })
        .collect_view();
    let legend = classes
        .iter()
        .enumerate()
        .map(|(k, c)| view! { <li><span class=format!("swatch {}", class_colour(k)) aria-hidden="true"></span>{c.clone()}</li> })
        .collect_view();
    let rows = reading
        .probs_after
        .iter()
        .zip(&reading.tokens)
        .map(|(probs, (token, oov))| {
            let top = top_classes(probs, 2)
                .into_iter()
                .map(|(k, p)| format!("{} {}", classes.get(k).cloned().unwrap_or_default(), percent(p)))
                .collect::<Vec<_>>()
                .join(", ");
            view! { <tr><th scope="row">{token.clone()}{if *oov { t().news.not_in_vocabulary } else { "" }}</th><td>{top}</td></tr> }
        })
        .collect_view();
    let oov_count = reading.tokens.iter().filter(|t| t.1).count();
    view! {
        <figure class="word-chart" data-testid="word-chart">
            <figcaption>
                <h3>{t().news.after_each_word}</h3>
                <ul class="legend">{legend}</ul>
            </figcaption>
            <div class="word-scroll">
                <svg viewBox=format!("0 0 {width} {}", PLOT_H + LABEL_H) width=width height=PLOT_H + LABEL_H aria-hidden="true">
                    {columns}
                </svg>
            </div>
            <p class="hint" data-testid="tokens">
                {fill(if n == 1 { t().news.tokens_one } else { t().news.tokens_many }, &[("n", &n)])}
                {(oov_count > 0).then(|| fill(t().news.tokens_oov, &[("n", &oov_count)]))}
            </p>
            // A table is not clipped by its own width: the wrapper hides it.
            <div class="visually-hidden">
                <table>
                    <caption>{t().news.top_two_caption}</caption>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </figure>
    }
    .into_any()
}
