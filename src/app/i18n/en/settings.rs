//! The series lessons' settings column (fields, hints, choices), the notices and the view tabs.

english! {
    SettingsText {
    }
}

/// Keys whose German text is the English one.
pub const SAME_IN_GERMAN: &[&str] = &[];
