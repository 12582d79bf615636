//! The data's messages: a CSV file refused or its rows skipped, the news data's download and layout, and a model that would not fit this engine's memory or time.

english! {
    Data {
    }
}

/// Keys whose German is rightly the English text.
pub const SAME_IN_GERMAN: &[&str] = &[];
