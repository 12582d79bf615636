//! The page's strings in English: each file declares a part's keys and their English text.

pub mod chain;
pub mod charts;
pub mod course;
pub mod data;
pub mod engine;
pub mod exercises;
pub mod fields;
pub mod lessons;
pub mod models;
pub mod news;
pub mod page;
pub mod settings;
pub mod share;
pub mod toolbar;
pub mod worker;
