//! Data: series generators and parsers. Pure: text or numbers in, tensors out; no fetching.

pub mod series;
pub mod windows;
