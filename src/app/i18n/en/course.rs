//! The course views: three neurons, input format, gradients and the word map (embeddings).

english! {
    Course {
    }
}

/// Keys whose German text is the English one.
pub const SAME_IN_GERMAN: &[&str] = &[];
