//! The settings' own messages: a field's value out of range, of the wrong kind, or not understood (the notice and the fields show them).

english! {
    Fields {
    }
}

/// Keys whose German is rightly the English text.
pub const SAME_IN_GERMAN: &[&str] = &[];
