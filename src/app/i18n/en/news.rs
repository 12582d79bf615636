//! The news lesson: its toolbar, settings, data card, headline reader, results, curves and model files.

english! {
    News {
    }
}

/// Keys whose German text is the English one.
pub const SAME_IN_GERMAN: &[&str] = &[];
