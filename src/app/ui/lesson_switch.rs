//! The lesson switch in the top bar: sine wave, your sequence, news headlines (radio buttons:
//! one tab stop, arrow keys move).

use leptos::prelude::*;

use super::typed::TypedState;
use crate::app::state::Store;
use crate::i18n::t;
use crate::settings::Task;

fn lessons() -> [(Task, &'static str); 3] {
    let p = t().page;
    [(Task::Sine, p.lesson_sine), (Task::Typed, p.lesson_typed), (Task::Agnews, p.lesson_news)]
}

#[component]
pub fn LessonSwitch(typed: TypedState) -> impl IntoView {
    let store = Store::from_context();
    let choose = move |task: Task| {
        store.choose_lesson(task);
        if task == Task::Typed {
            typed.submit(store);
        }
    };
    view! {
        <fieldset class="lesson-switch segmented">
            <legend class="visually-hidden">{t().page.lesson}</legend>
            <div class="segments">
                {lessons().into_iter().map(|(task, name)| {
                    let checked = move || store.lesson.get() == task;
                    view! {
                        <label class:checked=checked>
                            <input type="radio" name="lesson" value=task.as_str() prop:checked=checked on:change=move |_| choose(task) />
                            <span>{name}</span>
                        </label>
                    }
                }).collect_view()}
            </div>
        </fieldset>
    }
}
