//! CPU kernels. `reference` is the specification (naive loops, kept forever); `fast` is what the
//! engine calls, tested against `reference` on every shape in `tests/core/kernels.rs`.
//!
//! All matrices are row-major with an explicit leading dimension (the distance between rows), so a
//! kernel can work on a column block of a wider matrix (the GRU's `U[:, 2H..3H]`, for example).

pub mod fast;
pub mod math;
pub mod reference;
mod simd;
pub mod sparse;
pub use simd::Isa;

/// Whether a kernel overwrites its output or adds to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Accumulate {
    /// `C = A·B`
    Overwrite,
    /// `C += A·B`
    Add,
}

/// A row-major matrix view: `rows × cols`, row `r` starts at `r * ld`.
#[derive(Clone, Copy, Debug)]
pub struct Mat<'a> {
    pub data: &'a [f32],
    pub rows: usize,
    pub cols: usize,
    pub ld: usize,
}

/// A mutable row-major matrix view.
#[derive(Debug)]
pub struct MatMut<'a> {
    pub data: &'a mut [f32],
    pub rows: usize,
    pub cols: usize,
    pub ld: usize,
}

impl<'a> Mat<'a> {
    /// A dense `rows × cols` matrix.
    pub fn new(data: &'a [f32], rows: usize, cols: usize) -> Self {
        Self::strided(data, rows, cols, cols)
    }
    /// A `rows × cols` block with rows `ld` apart.
    pub fn strided(data: &'a [f32], rows: usize, cols: usize, ld: usize) -> Self {
        debug_assert!(cols <= ld || rows <= 1, "cols {cols} > ld {ld}");
        debug_assert!(rows == 0 || data.len() >= (rows - 1) * ld + cols, "matrix view out of bounds");
        Mat { data, rows, cols, ld }
    }
    #[inline]
    pub fn row(&self, r: usize) -> &'a [f32] {
        &self.data[r * self.ld..r * self.ld + self.cols]
    }
}

impl<'a> MatMut<'a> {
    pub fn new(data: &'a mut [f32], rows: usize, cols: usize) -> Self {
        Self::strided(data, rows, cols, cols)
    }
    pub fn strided(data: &'a mut [f32], rows: usize, cols: usize, ld: usize) -> Self {
        debug_assert!(cols <= ld || rows <= 1, "cols {cols} > ld {ld}");
        debug_assert!(rows == 0 || data.len() >= (rows - 1) * ld + cols, "matrix view out of bounds");
        MatMut { data, rows, cols, ld }
    }
    #[inline]
    pub fn row_mut(&mut self, r: usize) -> &mut [f32] {
        let ld = self.ld;
        let cols = self.cols;
        &mut self.data[r * ld..r * ld + cols]
    }
}

/// The kernels the engine uses (the fast ones).
pub use fast::{gemm_nn, gemm_nt, gemm_tn};
pub use sparse::{gemm_nn_sparse, gemm_tn_sparse};
