//! Pictures of learned vectors (a news model's word embeddings, the course's Word2Vec-style map):
//! plain numeric code on `[n, dim]` row-major `f32` rows, no UI.
//!
//! - [`pca`]: the first two principal components, with their share of the variance (instant).
//! - [`tsne`]: exact t-SNE, advanced a slice of iterations at a time (for a worker).
//! - [`neighbours`]: the rows nearest to one row by cosine similarity.
//!
//! Inputs are checked ([`AnalysisError`]); nothing here panics on bad rows.

pub mod neighbours;
pub mod pca;
pub mod tsne;

pub use neighbours::nearest;
pub use pca::{pca2, Pca};
pub use tsne::{Progress, Tsne, TsneSettings};

/// Why rows could not be analysed.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum AnalysisError {
    #[error("rows of width 0 cannot be analysed")]
    ZeroWidth,
    #[error("{len} values are not a whole number of rows of {dim}")]
    Shape { len: usize, dim: usize },
    #[error("value {col} of row {row} is {value} (every value must be a finite number)")]
    NotFinite { row: usize, col: usize, value: f32 },
    #[error("{n} rows are too few: at least {min} are needed")]
    TooFew { n: usize, min: usize },
    #[error("{n} rows are too many: at most {max} (the work grows with the square of the rows)")]
    TooMany { n: usize, max: usize },
    #[error("perplexity {perplexity} must be a number above 0 and below the number of rows ({n})")]
    Perplexity { perplexity: f32, n: usize },
    #[error("row {row} does not exist ({n} rows)")]
    NoRow { row: usize, n: usize },
    #[error("row {0} is all zeros, so it has no direction to compare")]
    ZeroRow(usize),
}

/// The number of rows of `points` (`[n, dim]`), after checking its shape and that every value
/// is finite.
pub(crate) fn count_rows(points: &[f32], dim: usize) -> Result<usize, AnalysisError> {
    if dim == 0 {
        return Err(AnalysisError::ZeroWidth);
    }
    if !points.len().is_multiple_of(dim) {
        return Err(AnalysisError::Shape { len: points.len(), dim });
    }
    if let Some(at) = points.iter().position(|v| !v.is_finite()) {
        return Err(AnalysisError::NotFinite { row: at / dim, col: at % dim, value: points[at] });
    }
    Ok(points.len() / dim)
}
