//! The news lesson's page: data, training controls, curves, the headline box and the test
//! results. Its state lives in [`state::NewsState`], fed by the worker's news events.

mod curves;
mod data_card;
mod headline;
mod results;
mod settings;
mod toolbar;

use leptos::prelude::*;

use super::model_files::{FilesOf, ModelFiles};
use super::views::LessonViews;

pub use settings::NewsSettingsPanel;

use crate::app::state::Store;
use crate::engine::model::summary::thousands;
use crate::i18n::{fill, t};

#[component]
pub fn NewsWorkspace() -> impl IntoView {
    let store = Store::from_context();
    let model_line = move || {
        store.news.info.with(|i| {
            i.as_ref().map(|i| {
                fill(
                    t().news.model_line,
                    &[
                        ("weights", &thousands(i.params)),
                        ("vocabulary", &thousands(i.vocabulary_size)),
                        ("train", &thousands(i.train_rows)),
                        ("val", &thousands(i.val_rows)),
                        ("estimate", &crate::i18n::estimate(&i.estimate)),
                        ("model", &i.model),
                    ],
                )
            })
        })
    };
    view! {
        <data_card::DataCard />
        <toolbar::NewsToolbar />
        <LessonViews>
            <p class="model-line" data-testid="model">{model_line}</p>
            <ModelFiles of=FilesOf::News />
            <headline::HeadlinePanel />
            <curves::NewsCurves />
            <results::TestResults />
        </LessonViews>
    }
}
