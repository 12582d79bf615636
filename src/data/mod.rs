//! Data: series generators and parsers. Pure: text or numbers in, tensors out; no fetching.

pub mod ag_news;
pub mod batches;
pub mod labeled_csv;
pub mod series;
pub mod text;
pub mod windows;
