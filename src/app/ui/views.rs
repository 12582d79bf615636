//! The lesson's views as tabs (WAI-ARIA tabs: ←/→ move between them, Home/End, the panel
//! follows the focus).

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::chain::ChainPanel;
use super::course::{InputFormat, ThreeNeurons};
use super::embeddings::EmbeddingsView;
use super::gradients::GradientsView;
use super::model_view::ModelView;
use crate::app::state::{Store, View};
use crate::i18n::t;

/// The tabs and the panel of the view on show; `children` is the lesson's training view.
#[component]
pub fn LessonViews(children: ChildrenFn) -> impl IntoView {
    let store = Store::from_context();
    // A view the lesson does not have (after a lesson switch) falls back to training.
    let view = move || {
        let v = store.views.view.get();
        if View::of(store.lesson.get()).contains(&v) {
            v
        } else {
            View::Training
        }
    };
    view! {
        <ViewTabs />
        {move || {
            let v = view();
            let panel = match v {
                View::Training => children().into_any(),
                View::Chain => view! { <ChainPanel /> }.into_any(),
                View::Gradients => view! { <GradientsView /> }.into_any(),
                View::Embeddings => view! { <EmbeddingsView /> }.into_any(),
                View::Model => view! { <ModelView /> }.into_any(),
                View::Basics => view! {
                    <div class="basics">
                        <ThreeNeurons />
                        <InputFormat />
                    </div>
                }
                .into_any(),
            };
            view! {
                <div role="tabpanel" class="view-panel" id=format!("panel-{}", v.key()) aria-labelledby=format!("tab-{}", v.key())>
                    {panel}
                </div>
            }
        }}
    }
}

#[component]
pub fn ViewTabs() -> impl IntoView {
    let store = Store::from_context();
    let views = move || View::of(store.lesson.get());
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        let all = views();
        let now = all.iter().position(|&v| v == store.views.view.get_untracked()).unwrap_or(0);
        let next = match ev.key().as_str() {
            "ArrowRight" => (now + 1) % all.len(),
            "ArrowLeft" => (now + all.len() - 1) % all.len(),
            "Home" => 0,
            "End" => all.len() - 1,
            _ => return,
        };
        ev.prevent_default();
        store.show_view(all[next]);
        if let Some(el) = document().get_element_by_id(&format!("tab-{}", all[next].key())) {
            let _ = el.unchecked_into::<web_sys::HtmlElement>().focus();
        }
    };
    view! {
        <div class="view-tabs" role="tablist" aria-label=t().settings.views on:keydown=on_key>
            {move || {
                views()
                    .iter()
                    .map(|&v| {
                        let selected = move || store.views.view.get() == v;
                        view! {
                            <button
                                type="button"
                                role="tab"
                                id=format!("tab-{}", v.key())
                                data-testid=format!("tab-{}", v.key())
                                aria-controls=format!("panel-{}", v.key())
                                aria-selected=move || selected().to_string()
                                tabindex=move || if selected() { "0" } else { "-1" }
                                class:selected=selected
                                on:click=move |_| store.show_view(v)
                            >
                                {v.title()}
                            </button>
                        }
                    })
                    .collect_view()
            }}
        </div>
    }
}
