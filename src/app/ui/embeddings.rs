//! The news model's word embeddings on a map, as the course's Word2Vec slides draw them: each
//! word a dot placed by PCA (at once) or t-SNE (in the worker, with progress), coloured by the
//! class it leans to, the most frequent words named; a word looked up with its nearest
//! neighbours. Works for the pretrained model and the one being trained.

use leptos::prelude::*;

use crate::app::news_history::percent;
use crate::app::state::Store;
use crate::app::word_map::{place, strength, telling};
use crate::i18n::{fill, t};
use crate::protocol::{Command, Reader};

/// Okabe–Ito colours: told apart with every common colour-vision deficiency; the eighth is grey
/// rather than its black, which vanished on the dark theme (the same as `.class-7` in the CSS).
const CLASS_COLOURS: [&str; 8] = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#6B7280"];
const W: f32 = 820.0;
const H: f32 = 520.0;
const PAD: f32 = 24.0;
/// Words named on the map (the most telling), beside the one looked up and its neighbours.
const NAMED: usize = 45;

fn colour(class: Option<usize>) -> &'static str {
    class.map_or("#9aa5b4", |c| CLASS_COLOURS[c % CLASS_COLOURS.len()])
}

#[component]
pub fn EmbeddingsView() -> impl IntoView {
    let store = Store::from_context();
    let v = store.views;
    let query = RwSignal::new(String::new());
    let table = RwSignal::new(false);
    let find = move |word: String| {
        query.set(word.clone());
        store.send(Command::WordLookup { word });
    };
    let highlighted = move || -> Vec<usize> {
        v.lookup.with(|l| {
            l.as_ref()
                .and_then(|l| l.info.as_ref())
                .map(|i| i.point.into_iter().chain(i.neighbours.iter().filter_map(|n| n.point)).collect())
                .unwrap_or_default()
        })
    };
    let scatter = move || {
        v.word_map.with(|m| {
            let m = m.as_ref()?;
            let placed = place(m, W, H, PAD);
            let k = m.classes.len();
            let marked = highlighted();
            let looked = v.lookup.with(|l| l.as_ref().and_then(|l| l.info.as_ref()).and_then(|i| i.point));
            let dots = m
                .words
                .iter()
                .enumerate()
                .map(|(i, w)| {
                    let (px, py) = placed[i];
                    let strength = strength(w.lean, k);
                    let leans = w.class.and_then(|c| m.classes.get(c)).map_or(t().course.map_no_class.to_string(), |c| {
                        fill(t().course.map_leans_to, &[("class", c), ("percent", &percent(w.lean))])
                    });
                    let title = fill(t().course.map_dot_title, &[("word", &w.word), ("count", &w.count), ("leans", &leans)]);
                    let r = if Some(i) == looked {
                        6.0
                    } else if marked.contains(&i) {
                        4.5
                    } else {
                        3.0
                    };
                    view! {
                        <circle cx=px cy=py r=r fill=colour(w.class) fill-opacity=0.3 + 0.7 * strength
                            stroke=if marked.contains(&i) { "#1c2530" } else { "none" } stroke-width="1.5">
                            <title>{title}</title>
                        </circle>
                    }
                })
                .collect_view();
            // Named: the words that say most about a class, and the word looked up with its
            // neighbours.
            let named = telling(m, NAMED);
            let names = m
                .words
                .iter()
                .enumerate()
                .filter(|(i, _)| named.contains(i) || marked.contains(i))
                .map(|(i, w)| {
                    let (px, py) = placed[i];
                    let class = if marked.contains(&i) { "map-word marked" } else { "map-word" };
                    view! { <text x=px + 5.0 y=py - 4.0 class=class>{w.word.clone()}</text> }
                })
                .collect_view();
            let method = match m.layout {
                crate::lesson::news::words::Layout::Pca => fill(
                    t().course.map_method_pca,
                    &[("dim", &m.dim), ("first", &percent(m.explained[0])), ("second", &percent(m.explained[1]))],
                ),
                crate::lesson::news::words::Layout::Tsne { done, total } => {
                    fill(t().course.map_method_tsne, &[("done", &done), ("total", &total)])
                }
            };
            let label = fill(t().course.map_label, &[("n", &m.words.len()), ("vocabulary", &m.vocabulary), ("method", &method)]);
            Some(view! {
                <p class="hint" data-testid="map-method">{method}</p>
                <svg class="word-map" data-testid="word-map" viewBox=format!("0 0 {W} {H}") role="img" aria-label=label>
                    <rect x="0" y="0" width=W height=H class="map-bg"></rect>
                    {dots}
                    {names}
                </svg>
            })
        })
    };
    let legend = move || {
        v.word_map.with(|m| {
            m.as_ref().map(|m| {
                m.classes
                    .iter()
                    .enumerate()
                    .map(|(c, name)| view! { <span class="legend-item"><span class="legend-swatch" style=format!("background:{}", colour(Some(c)))></span>{name.clone()}</span> })
                    .collect_view()
            })
        })
    };
    let progress = move || {
        v.tsne.get().filter(|p| !p.finished()).map(|p| {
            let (value, text) = if p.done == 0 {
                (p.prepared * 0.1, fill(t().course.map_tsne_measuring, &[("percent", &percent(p.prepared))]))
            } else {
                (0.1 + 0.9 * p.done as f32 / p.total as f32, fill(t().course.map_tsne_iteration, &[("done", &p.done), ("total", &p.total)]))
            };
            view! {
                <label class="inline-field" data-testid="tsne-progress">
                    {text.clone()}
                    <progress max="1" value=value aria-label=text></progress>
                </label>
            }
        })
    };
    let lookup = move || {
        v.lookup.with(|l| {
            l.as_ref().map(|l| match (&l.info, &l.message) {
                (Some(info), _) => {
                    let classes = v.word_map.with(|m| m.as_ref().map(|m| m.classes.clone()).unwrap_or_default());
                    let leans = info.class.and_then(|c| classes.get(c)).map_or(t().course.map_no_class.into(), |c| {
                        fill(
                            t().course.map_lookup_leans,
                            &[("class", c), ("percent", &percent(info.lean)), ("lift", &format!("{:.1}", info.lift))],
                        )
                    });
                    let on_map = if info.point.is_some() { t().course.map_on_map } else { t().course.map_not_on_map };
                    let near = info
                        .neighbours
                        .iter()
                        .map(|n| {
                            let w = n.word.clone();
                            view! {
                                <li><button type="button" class="link" on:click=move |_| find(w.clone())>{n.word.clone()}</button>{format!(" ({:.2})", n.similarity)}</li>
                            }
                        })
                        .collect_view();
                    view! {
                        <div class="word-info" data-testid="word-info">
                            <p><strong>{info.word.clone()}</strong>{fill(t().course.map_lookup_info, &[("count", &info.count), ("leans", &leans), ("on_map", &on_map)])}</p>
                            <p class="hint">{t().course.map_nearest}</p>
                            <ul class="neighbours" data-testid="neighbours">{near}</ul>
                        </div>
                    }
                    .into_any()
                }
                (None, message) => view! { <p class="field-msg error" role="alert" data-testid="word-message">{message.clone()}</p> }.into_any(),
            })
        })
    };
    let words_table = move || {
        v.word_map.with(|m| {
            m.as_ref().map(|m| {
                let rows = m
                    .words
                    .iter()
                    .take(200)
                    .map(|w| {
                        let class = w.class.and_then(|c| m.classes.get(c)).cloned().unwrap_or_default();
                        view! { <tr><td>{w.word.clone()}</td><td class="num">{w.count}</td><td>{class}</td><td class="num">{percent(w.lean)}</td><td class="num">{format!("{:.2}", w.x)}</td><td class="num">{format!("{:.2}", w.y)}</td></tr> }
                    })
                    .collect_view();
                view! {
                    <div class="chain-table-wrap">
                        <table class="chain-table" data-testid="word-table">
                            <caption>{t().course.map_table_caption}</caption>
                            <thead><tr><th scope="col">{t().course.map_col_word}</th><th scope="col">{t().course.map_col_count}</th><th scope="col">{t().course.map_col_leans}</th><th scope="col">{t().course.map_col_lean}</th><th scope="col">"x"</th><th scope="col">"y"</th></tr></thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                }
            })
        })
    };
    view! {
        <section class="view-card embeddings-view" data-testid="embeddings-view" aria-labelledby="embeddings-title">
            <h2 id="embeddings-title">{t().course.map_title}</h2>
            <p class="hint">{t().course.map_intro_1}{t().course.map_intro_2}</p>
            <div class="chain-tools">
                <label class="inline-field" for="map-reader">
                    {t().course.map_model}
                    <select id="map-reader" data-testid="map-reader" on:change=move |ev| {
                        store.request_word_map(if event_target_value(&ev) == "trained" { Reader::Trained } else { Reader::Pretrained });
                    }>
                        <option value="pretrained" selected=move || v.map_reader.get() == Reader::Pretrained>{t().course.map_pretrained}</option>
                        <option value="trained" selected=move || v.map_reader.get() == Reader::Trained>{t().course.map_trained}</option>
                    </select>
                </label>
                <button type="button" class="secondary small" data-testid="map-tsne" on:click=move |_| store.send(Command::WordMapTsne { perplexity: 30.0 })>{t().course.map_tsne}</button>
                <button type="button" class="secondary small" on:click=move |_| store.request_word_map(v.map_reader.get_untracked())>{t().course.map_pca}</button>
                {progress}
            </div>
            <form class="chain-tools" on:submit=move |ev| { ev.prevent_default(); find(query.get_untracked()); }>
                <label class="inline-field" for="map-search">{t().course.map_find_label}
                    <input id="map-search" type="search" data-testid="map-search" prop:value=move || query.get() on:input=move |ev| query.set(event_target_value(&ev)) />
                </label>
                <button type="submit" class="secondary small">{t().course.map_find}</button>
                <button type="button" class="secondary small" aria-pressed=move || table.get().to_string() on:click=move |_| table.update(|t| *t = !*t)>
                    {move || if table.get() { t().course.map_hide_table } else { t().course.map_show_table }}
                </button>
            </form>
            <p class="field-msg error" role="alert" data-testid="map-message">{move || v.map_message.get()}</p>
            <div class="chain-legend">{legend}<span class="legend-item">{t().course.map_paler}</span></div>
            {scatter}
            {lookup}
            <Show when=move || table.get()>{words_table}</Show>
        </section>
    }
}
