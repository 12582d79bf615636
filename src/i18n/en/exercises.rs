//! The course exercises' texts made by the lessons: the three-neuron layer's labels and errors, the input format's notes, and the typed sequence's messages.

english! {
    Exercises {
    }
}

/// Keys whose German text is the English one.
pub const SAME_IN_GERMAN: &[&str] = &[];
