//! The model beside its numbers: the Keras-style summary (layers, output shapes, parameter
//! counts) and the Keras code that builds the same model, to copy into a notebook.

use leptos::prelude::*;

use crate::app::state::Store;
use crate::engine::model::summary::thousands;
use crate::engine::model::ModelSpec;
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
            <h2 id="model-title">"The model"</h2>
            {move || match model() {
                None => view! { <p class="hint">"The model is being built."</p> }.into_any(),
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
                    view! {
                        <table class="summary" data-testid="model-summary">
                            <caption>"model.summary(), as Keras prints it"</caption>
                            <thead><tr><th scope="col">"Layer (type)"</th><th scope="col">"Output shape"</th><th scope="col">"Param #"</th></tr></thead>
                            <tbody>{rows}</tbody>
                            <tfoot><tr><th scope="row" colspan="2">"Total params"</th><td class="num" data-testid="model-total">{thousands(summary.total)}</td></tr></tfoot>
                        </table>
                    }
                    .into_any()
                }
            }}
            <div class="code-head">
                <h3>"The same model in Keras"</h3>
                <button type="button" class="secondary small" on:click=copy data-testid="keras-copy">
                    {move || if copied.get() { "Copied" } else { "Copy the code" }}
                </button>
            </div>
            <pre class="keras-code" data-testid="keras-code" tabindex="0" aria-label="Keras code"><code>{code}</code></pre>
        </section>
    }
}
