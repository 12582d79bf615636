//! The model beside its numbers: the Keras-style summary (layers, output shapes, parameter
//! counts) and the Keras code that builds the same model, to copy into a notebook.

use leptos::prelude::*;

use crate::app::state::Store;
use crate::engine::model::summary::thousands;
use crate::engine::model::ModelSpec;
use crate::i18n::t;
use crate::lesson::keras_code::keras_code;
use crate::settings::Task;

#[component]
pub fn ModelView() -> impl IntoView {
    let store = Store::from_context();
    // The model and its input length: the series' window, the news' max-len (None: any).
    let model = move || -> Option<(ModelSpec, Option<usize>)> {
        if store.lesson.get() == Task::Agnews {
            let max = store.settings.with(|s| s.max_len);
            store.news.info.with(|i| i.as_ref().map(|i| (i.spec.clone(), (max > 0).then_some(max))))
        } else {
            store.info.with(|i| i.as_ref().map(|i| (i.spec.clone(), Some(i.window))))
        }
    };
    let copied = RwSignal::new(false);
    let code = move || model().map(|(spec, time)| keras_code(&spec, &store.settings.get(), time));
    let copy = move |_| {
        if let Some(text) = code() {
            let clipboard = window().navigator().clipboard();
            let _ = clipboard.write_text(&text);
            copied.set(true);
        }
    };
    view! {
        <section class="view-card model-view" data-testid="model-view" aria-labelledby="model-title">
            <h2 id="model-title">{t().charts.model_title}</h2>
            {move || match model() {
                None => view! { <p class="hint">{t().charts.model_building}</p> }.into_any(),
                Some((spec, time)) => {
                    let summary = spec.summary(time);
                    let rows = summary
                        .rows
                        .iter()
                        .map(|r| view! {
                            <tr>
                                <td>{format!("{} ({})", r.name, r.kind)}</td>
                                <td><code>{r.output_shape.clone()}</code></td>
                                <td class="num">{thousands(r.params)}</td>
                            </tr>
                        })
                        .collect_view();
                    let c = t().charts;
                    view! {
                        <table class="summary" data-testid="model-summary">
                            <caption>{c.summary_caption}</caption>
                            <thead><tr><th scope="col">{c.summary_layer}</th><th scope="col">{c.summary_output}</th><th scope="col">{c.summary_params}</th></tr></thead>
                            <tbody>{rows}</tbody>
                            <tfoot><tr><th scope="row" colspan="2">{c.summary_total}</th><td class="num" data-testid="model-total">{thousands(summary.total)}</td></tr></tfoot>
                        </table>
                    }
                    .into_any()
                }
            }}
            <div class="code-head">
                <h3>{t().charts.keras_title}</h3>
                <button type="button" class="secondary small" on:click=copy data-testid="keras-copy">
                    {move || if copied.get() { t().charts.keras_copied } else { t().charts.keras_copy }}
                </button>
            </div>
            <pre class="keras-code" data-testid="keras-code" tabindex="0" aria-label=t().charts.keras_label><code>{code}</code></pre>
        </section>
    }
}
