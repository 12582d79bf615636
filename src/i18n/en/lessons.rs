//! What the lessons say (shared with the command line): the chain's caption, the drift twin's recipes and verdicts, the gradients' captions, the vanishing-gradient comparison.

english! {
    Lessons {
    }
}

/// Keys whose German text is the English one.
pub const SAME_IN_GERMAN: &[&str] = &[];
