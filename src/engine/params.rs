//! Flat parameter storage with named views.
//!
//! Every weight of a model lives in one `Vec<f32>`; gradients and optimizer slots are vectors of
//! the same length and layout, so an optimizer step is one pass over flat memory. Each tensor is
//! reached through a [`ParamRef`] (offset + shape) handed out when the model is built; names are
//! Keras's (`rnn0.kernel`, `rnn1.backward.recurrent_kernel`, `dense.bias`, ...) and are only used
//! at the edges (model files, golden checks, the UI).

use super::EngineError;

/// Where one tensor lives in the flat buffer, and its shape (row-major).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ParamRef {
    pub offset: usize,
    pub len: usize,
    /// Rows and columns; a vector is `[1, n]`. Keras shapes are kept in [`ParamInfo::shape`].
    pub rows: usize,
    pub cols: usize,
}

impl ParamRef {
    #[inline]
    pub fn of<'a>(&self, buf: &'a [f32]) -> &'a [f32] {
        &buf[self.offset..self.offset + self.len]
    }
    #[inline]
    pub fn of_mut<'a>(&self, buf: &'a mut [f32]) -> &'a mut [f32] {
        &mut buf[self.offset..self.offset + self.len]
    }
}

/// A named tensor in a [`Params`] store.
#[derive(Clone, Debug, PartialEq)]
pub struct ParamInfo {
    pub name: String,
    /// Keras shape, e.g. `[input_dim, 4*units]` or `[2, 3*units]` for a reset-after GRU bias.
    pub shape: Vec<usize>,
    pub at: ParamRef,
}

/// All of a model's weights in one flat buffer.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Params {
    pub values: Vec<f32>,
    pub infos: Vec<ParamInfo>,
}

impl Params {
    /// Adds a zero tensor named `name` with Keras shape `shape`; returns where it lives.
    pub fn add(&mut self, name: impl Into<String>, shape: &[usize]) -> ParamRef {
        let len: usize = shape.iter().product();
        let (rows, cols) = match shape {
            [] => (1, 1),
            [n] => (1, *n),
            [r, c] => (*r, *c),
            _ => (shape[..shape.len() - 1].iter().product(), shape[shape.len() - 1]),
        };
        let at = ParamRef { offset: self.values.len(), len, rows, cols };
        self.values.resize(self.values.len() + len, 0.0);
        self.infos.push(ParamInfo { name: name.into(), shape: shape.to_vec(), at });
        at
    }

    pub fn len(&self) -> usize {
        self.values.len()
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    pub fn info(&self, name: &str) -> Option<&ParamInfo> {
        self.infos.iter().find(|p| p.name == name)
    }

    /// The values of the tensor named `name`.
    pub fn get(&self, name: &str) -> Option<&[f32]> {
        self.info(name).map(|p| p.at.of(&self.values))
    }

    /// Replaces the values of `name`, checking the shape.
    pub fn set(&mut self, name: &str, shape: &[usize], values: &[f32]) -> Result<(), EngineError> {
        let info = self.info(name).ok_or_else(|| EngineError::UnknownParam(name.to_string()))?;
        if info.shape != shape || values.len() != info.at.len {
            return Err(EngineError::Shape { name: name.to_string(), expected: info.shape.clone(), got: shape.to_vec() });
        }
        let at = info.at;
        at.of_mut(&mut self.values).copy_from_slice(values);
        Ok(())
    }
}
