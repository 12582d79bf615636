//! The lesson switch in the top bar: sine wave, your sequence, news headlines (radio buttons:
//! one tab stop, arrow keys move).

use leptos::prelude::*;

use super::typed::TypedState;
use crate::app::state::Store;
use crate::settings::Task;

const LESSONS: &[(Task, &str)] = &[(Task::Sine, "Sine wave"), (Task::Typed, "Your sequence"), (Task::Agnews, "News headlines")];

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
            <legend class="visually-hidden">"Lesson"</legend>
            <div class="segments">
                {LESSONS.iter().map(|&(task, name)| {
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
