//! The model files' messages: a file refused, naming the layer and the shape, and the engine's refusals of a model's structure.

english! {
    Models {
    }
}

/// Keys whose German is rightly the English text.
pub const SAME_IN_GERMAN: &[&str] = &[];
