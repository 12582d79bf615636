//! The page. Plain logic (chart geometry, run history) lives here and is tested natively; the
//! page's state and the worker's events (`state`, no components) and the Leptos components that
//! read it (`ui`, below it: state never imports ui) are built for the browser only (feature `app`).

pub mod chain;
pub mod drift;
pub mod embed;
pub mod history;
pub mod news_history;
pub mod plot;
pub mod word_map;

#[cfg(all(target_arch = "wasm32", feature = "app"))]
mod state;
#[cfg(all(target_arch = "wasm32", feature = "app"))]
mod ui;
#[cfg(all(target_arch = "wasm32", feature = "app"))]
pub use ui::mount;
