//! The unrolled chain view: its source, canvas, detail, table and folded views, and the explanations.

english! {
    Chain {
    }
}

/// Keys whose German text is the English one.
pub const SAME_IN_GERMAN: &[&str] = &[];
