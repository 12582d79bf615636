//! The Leptos page. Components are small and fed by [`store::Store`]; the engine runs in the
//! worker and is reached only through `bridge` and the typed protocol.

mod chain;
mod chart;
mod chart_export;
mod course;
mod drift;
mod embed_api;
mod embeddings;
mod fields;
mod gradients;
mod language;
mod lesson_charts;
mod lesson_switch;
mod model_files;
mod model_view;
mod news;
mod notice;
mod settings_panel;
mod share;
mod skip_link;
mod toolbar;
mod typed;
mod views;

use leptos::prelude::*;

use crate::app::embed::Panel;
use crate::app::state::Store;
use crate::engine::backend::BackendLabel;
use crate::i18n::{fill, t};
use crate::settings::Task;
use chain::ChainPanel;
use drift::DriftPanel;
use language::LanguageMenu;
use lesson_charts::{GenerationChart, GradNormChart, HeldOutChart, LossChart, NextValues, WindowsHint};
use lesson_switch::LessonSwitch;
use model_files::{FilesOf, ModelFiles};
use news::{NewsSettingsPanel, NewsWorkspace};
use notice::NoticeBar;
use settings_panel::SettingsPanel;
use share::ShareBar;
use skip_link::SkipToControls;
use toolbar::Toolbar;
use typed::{TypedPanel, TypedState};
use views::LessonViews;

/// Mounts the page into `<body>` and removes the loading placeholder.
pub fn mount() {
    if let Some(boot) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("boot")) {
        boot.remove();
    }
    leptos::mount::mount_to_body(App);
}

#[component]
fn App() -> impl IntoView {
    let store = Store::start();
    provide_context(store);
    let typed = TypedState::new(store);
    let backend = move || match (store.backend.get(), store.workers.get()) {
        (None, _) => t().page.engine_starting.to_string(),
        (Some(b), n) => {
            let workers = if n > 1 && b != BackendLabel::Gpu { fill(t().page.workers, &[("n", &n)]) } else { String::new() };
            let reason = store.engine_reason.get().map(|r| format!(" · {r}")).unwrap_or_default();
            format!("{}{workers}{reason}", b.label())
        }
    };
    let workers_hint = move || (store.workers.get() > 1).then_some(t().page.workers_hint);
    let model_line = move || {
        store.info.with(|i| {
            i.as_ref().map(|i| {
                fill(
                    t().page.model_line,
                    &[
                        ("model", &i.model),
                        ("weights", &crate::engine::model::summary::thousands(i.params)),
                        ("train", &i.train_end),
                        ("values", &i.values.len()),
                        ("window", &i.window),
                        ("estimate", &crate::i18n::estimate(&i.estimate)),
                    ],
                )
            })
        })
    };
    let ignored = embed_api::start(store);
    let embedded = store.embed.with_value(|e| e.embed);
    let shows = move |p: Panel| store.embed.with_value(|e| e.shows(p));
    // An embed links to the full page (same experiment, no embed fields), opened apart.
    let full_page = move || store.settings.with(|s| crate::app::state::url::link(s, true));
    view! {
        <div class="app" class:embed=embedded data-ignored-messages=move || ignored.get()>
            <SkipToControls />
            <header class="topbar">
                <div class="brand">
                    <span class="logo" aria-hidden="true">"⟲"</span>
                    <h1>"Unroll"</h1>
                    <span class="tagline">{t().page.tagline}</span>
                </div>
                <Show when=move || shows(Panel::Lessons)><LessonSwitch typed /></Show>
                {(!embedded).then(|| view! { <ShareBar /> })}
                {(!embedded).then(|| view! { <LanguageMenu /> })}
                {embedded.then(|| view! {
                    <a class="open-full" href=full_page target="_blank" rel="noopener" data-testid="open-full">{t().page.open_full}</a>
                })}
                <p class="backend" title=workers_hint>{t().page.engine}<span data-testid="backend">{backend}</span></p>
            </header>
            <NoticeBar />
            <main class="layout" class:no-settings=move || !shows(Panel::Settings)>
                <Show
                    when=move || store.lesson.get() == Task::Agnews
                    fallback=move || view! {
                        <section class="workspace" aria-label=t().page.workspace_training>
                            <Show when=move || shows(Panel::Controls)><Toolbar /></Show>
                            <MaybeViews shown=shows(Panel::Views)>
                                <Show when=move || store.lesson.get() == Task::Typed>
                                    <TypedPanel typed />
                                </Show>
                                <Show when=move || !embedded>
                                    <p class="model-line" data-testid="model">{model_line}</p>
                                    <ModelFiles of=FilesOf::Series />
                                </Show>
                                <Show when=move || store.lesson.get() == Task::Typed>
                                    <WindowsHint />
                                </Show>
                                <div class="charts">
                                    <Show when=move || shows(Panel::Loss)><LossChart /></Show>
                                    <Show when=move || shows(Panel::GradNorm)>
                                        <GradNormChart
                                            points=Signal::derive(move || store.history.with(|h| h.grad_norm.clone()))
                                            clip=Signal::derive(move || store.settings.with(|s| s.clip_norm))
                                            x_label=t().charts.x_step
                                        />
                                    </Show>
                                    <Show when=move || shows(Panel::Heldout)><HeldOutChart /></Show>
                                    <Show when=move || shows(Panel::Generation)><GenerationChart /></Show>
                                </div>
                                <Show when=move || shows(Panel::Details)>
                                    <NextValues />
                                    <DriftPanel />
                                </Show>
                                <Show when=move || !shows(Panel::Views) && shows(Panel::Chain)><ChainPanel /></Show>
                            </MaybeViews>
                        </section>
                        <Show when=move || shows(Panel::Settings)><SettingsPanel /></Show>
                    }
                >
                    <section class="workspace" aria-label=t().page.workspace_news>
                        <NewsWorkspace />
                    </section>
                    <Show when=move || shows(Panel::Settings)><NewsSettingsPanel /></Show>
                </Show>
            </main>
        </div>
    }
}

/// The lesson's views as tabs, or (an embed without `views`) only the training view.
#[component]
fn MaybeViews(shown: bool, children: ChildrenFn) -> impl IntoView {
    if shown {
        view! { <LessonViews>{children()}</LessonViews> }.into_any()
    } else {
        children().into_any()
    }
}
