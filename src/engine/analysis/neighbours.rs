//! The rows nearest to one row by cosine similarity (the "most similar words" of an embedding).

use super::{count_rows, AnalysisError};

/// The `k` rows of `rows` (`[n, dim]`) most similar to row `of` by cosine similarity, most similar
/// first (ties by index), as `(index, similarity)`. Row `of` itself, rows for which `skip` is true
/// (padding, out-of-vocabulary) and all-zero rows (no direction) are left out; fewer than `k` come
/// back when fewer remain. Errors: a bad shape or value, no row `of`, or row `of` all zeros.
pub fn nearest(rows: &[f32], dim: usize, of: usize, k: usize, skip: impl Fn(usize) -> bool) -> Result<Vec<(usize, f32)>, AnalysisError> {
    let n = count_rows(rows, dim)?;
    if of >= n {
        return Err(AnalysisError::NoRow { row: of, n });
    }
    let row = |i: usize| &rows[i * dim..(i + 1) * dim];
    let norm = |r: &[f32]| r.iter().map(|&v| v as f64 * v as f64).sum::<f64>().sqrt();
    let query = row(of);
    let query_norm = norm(query);
    if query_norm == 0.0 {
        return Err(AnalysisError::ZeroRow(of));
    }
    let mut scored: Vec<(usize, f32)> = (0..n)
        .filter(|&i| i != of && !skip(i))
        .filter_map(|i| {
            let r = row(i);
            let rn = norm(r);
            (rn > 0.0).then(|| {
                let dot: f64 = r.iter().zip(query).map(|(&a, &b)| a as f64 * b as f64).sum();
                (i, (dot / (rn * query_norm)).clamp(-1.0, 1.0) as f32)
            })
        })
        .collect();
    let order = |a: &(usize, f32), b: &(usize, f32)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
    if k < scored.len() {
        if k > 0 {
            scored.select_nth_unstable_by(k - 1, order);
        }
        scored.truncate(k);
    }
    scored.sort_unstable_by(order);
    Ok(scored)
}
