//! The page. Plain logic (chart geometry, run history) lives here and is tested natively; the
//! Leptos components in `ui` are built for the browser only (feature `app`).

pub mod history;
pub mod news_history;
pub mod plot;

#[cfg(all(target_arch = "wasm32", feature = "app"))]
mod ui;
#[cfg(all(target_arch = "wasm32", feature = "app"))]
pub use ui::mount;
