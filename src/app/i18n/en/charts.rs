//! The series lessons' charts, the typed lesson's panel, the drift panel and the model view.

english! {
    Charts {
    }
}

/// Keys whose German text is the English one.
pub const SAME_IN_GERMAN: &[&str] = &[];
