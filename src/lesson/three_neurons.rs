//! The course's hand-computed network: a recurrent layer of three neurons unrolled over two time
//! steps (Géron, *Hands-On Machine Learning*, "a recurrent layer of neurons over 2 time steps"):
//!
//! ```text
//! Y0 = tanh(X0·Wx + b)                X0, X1 [batch, inputs]   Wx [inputs, neurons]
//! Y1 = tanh(Y0·Wy + X1·Wx + b)        Y0, Y1 [batch, neurons]  Wy [neurons, neurons]   b [neurons]
//! ```
//!
//! This is Keras's `SimpleRNN(neurons, activation="tanh", return_sequences=True)` on a batch of
//! two-step sequences, with `Wx` its `kernel`, `Wy` its `recurrent_kernel` and `b` its `bias`
//! (`tests/core/three_neurons.rs` checks it against the engine's own SimpleRNN).
//!
//! [`ThreeNeurons`] holds the numbers a student edits; [`ThreeNeurons::compute`] gives every
//! intermediate value for display ([`Trace`]); [`Form`] keeps the texts being typed, one error per
//! field, and the last numbers that were all valid. Computed in `f64`, so the page's sums are the
//! ones a student gets by hand.

use std::collections::BTreeMap;
use std::fmt;

use crate::i18n::{fill, t};

/// Largest batch, input and neuron counts (a page of numbers stays readable).
pub const MAX_DIM: usize = 8;
/// Largest magnitude of an editable number: anything beyond saturates tanh anyway.
pub const MAX_ABS: f64 = 1000.0;

/// One of the editable tensors.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Tensor {
    /// Inputs at t = 0, `[batch, inputs]`.
    X0,
    /// Inputs at t = 1, `[batch, inputs]`.
    X1,
    /// Input weights (Keras `kernel`), `[inputs, neurons]`.
    Wx,
    /// Recurrent weights (Keras `recurrent_kernel`), `[neurons, neurons]`.
    Wy,
    /// Bias, `[neurons]` (one row).
    B,
}

impl Tensor {
    pub const ALL: [Tensor; 5] = [Tensor::X0, Tensor::X1, Tensor::Wx, Tensor::Wy, Tensor::B];

    /// The name used in the equations: `X0`, `X1`, `Wx`, `Wy`, `b`.
    pub fn name(self) -> &'static str {
        match self {
            Tensor::X0 => "X0",
            Tensor::X1 => "X1",
            Tensor::Wx => "Wx",
            Tensor::Wy => "Wy",
            Tensor::B => "b",
        }
    }

    /// What a row and a column of it are ("instance", "input").
    pub fn axes(self) -> (&'static str, &'static str) {
        match self {
            Tensor::X0 | Tensor::X1 => ("instance", "input"),
            Tensor::Wx => ("input", "neuron"),
            Tensor::Wy => ("neuron", "neuron"),
            Tensor::B => ("", "neuron"),
        }
    }
}

/// One editable number: a tensor and its row and column (row 0 for `b`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Field {
    pub tensor: Tensor,
    pub row: usize,
    pub col: usize,
}

impl Field {
    pub fn new(tensor: Tensor, row: usize, col: usize) -> Field {
        Field { tensor, row, col }
    }

    /// `X0[1,2]`, `b[1]`.
    pub fn short(&self) -> String {
        match self.tensor {
            Tensor::B => format!("b[{}]", self.col),
            t => format!("{}[{},{}]", t.name(), self.row, self.col),
        }
    }

    /// What a screen reader says for the box: "X0, instance 1, input 2", "Wx, input 0 to neuron
    /// 1", "b, neuron 1".
    pub fn label(&self) -> String {
        let text = &t().exercises;
        match self.tensor {
            Tensor::X0 | Tensor::X1 => fill(text.tn_label_x, &[("name", &self.tensor.name()), ("row", &self.row), ("col", &self.col)]),
            Tensor::Wx => fill(text.tn_label_wx, &[("row", &self.row), ("col", &self.col)]),
            Tensor::Wy => fill(text.tn_label_wy, &[("row", &self.row), ("col", &self.col)]),
            Tensor::B => fill(text.tn_label_b, &[("col", &self.col)]),
        }
    }

    /// An HTML id: `tn-x0-1-2`, `tn-b-0-1`.
    pub fn dom_id(&self) -> String {
        format!("tn-{}-{}-{}", self.tensor.name().to_ascii_lowercase(), self.row, self.col)
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.short())
    }
}

/// Why a number or a shape was refused.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum ThreeNeuronsError {
    /// A typed entry that is not a usable number; the message says what to type instead.
    #[error("{field}: {message}")]
    Entry { field: Field, message: String },
    /// A field outside the tensor's shape.
    #[error("{0} is outside the network's shape")]
    NoSuchField(Field),
    /// Sizes out of range, or a tensor with the wrong number of values.
    #[error("{0}")]
    Shape(String),
}

/// The numbers of the hand-computed network. All tensors are row-major, with the shapes of the
/// module docs; the constructors check them, so [`ThreeNeurons::compute`] cannot fail.
#[derive(Clone, Debug, PartialEq)]
pub struct ThreeNeurons {
    batch: usize,
    inputs: usize,
    neurons: usize,
    /// `[batch, inputs]`
    x0: Vec<f64>,
    /// `[batch, inputs]`
    x1: Vec<f64>,
    /// `[inputs, neurons]`
    wx: Vec<f64>,
    /// `[neurons, neurons]`
    wy: Vec<f64>,
    /// `[neurons]`
    b: Vec<f64>,
}

/// The book's mini-batch: 4 instances of 3 inputs at t = 0 …
pub const BOOK_X0: [[f64; 3]; 4] = [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0], [6.0, 7.0, 8.0], [9.0, 0.0, 1.0]];
/// … and at t = 1 (instance 1 is all zeros there: its Y1 comes from Y0·Wy + b alone).
pub const BOOK_X1: [[f64; 3]; 4] = [[9.0, 8.0, 7.0], [0.0, 0.0, 0.0], [6.0, 5.0, 4.0], [3.0, 2.0, 1.0]];

// Default weights, picked by hand rather than drawn. The book draws them from a normal
// distribution, and Keras's glorot_uniform would give a 3×3 kernel weights up to ±1: with inputs
// up to 9, the sums then reach ±10 and almost every tanh is ±1.000, which teaches nothing. Weights
// of one or two decimals, mixed in sign, keep every sum of the book's batch within ±2 (tanh between
// -0.964 and 0.943, all 24 outputs different, none zero), and let a student redo any sum on paper.
/// Default input weights `Wx` `[3 inputs, 3 neurons]`.
pub const DEFAULT_WX: [[f64; 3]; 3] = [[0.1, -0.2, 0.0], [-0.1, 0.1, 0.2], [0.2, 0.0, -0.1]];
/// Default recurrent weights `Wy` `[3 neurons, 3 neurons]`.
pub const DEFAULT_WY: [[f64; 3]; 3] = [[0.5, -0.3, 0.1], [0.2, 0.4, -0.5], [-0.1, 0.3, 0.2]];
/// Default bias `b` `[3 neurons]`.
pub const DEFAULT_B: [f64; 3] = [0.1, -0.2, 0.05];

impl Default for ThreeNeurons {
    /// The book's batch with the default weights: 4 instances, 3 inputs, 3 neurons.
    fn default() -> Self {
        let flat = |m: &[[f64; 3]]| m.iter().flatten().copied().collect::<Vec<f64>>();
        ThreeNeurons {
            batch: 4,
            inputs: 3,
            neurons: 3,
            x0: flat(&BOOK_X0),
            x1: flat(&BOOK_X1),
            wx: flat(&DEFAULT_WX),
            wy: flat(&DEFAULT_WY),
            b: DEFAULT_B.to_vec(),
        }
    }
}

fn check_dim(what: &str, n: usize) -> Result<(), ThreeNeuronsError> {
    if (1..=MAX_DIM).contains(&n) {
        Ok(())
    } else {
        Err(ThreeNeuronsError::Shape(fill(t().exercises.tn_dim, &[("max", &MAX_DIM), ("n", &n), ("what", &what)])))
    }
}

impl ThreeNeurons {
    /// A network of the given sizes with every number zero.
    pub fn zeros(batch: usize, inputs: usize, neurons: usize) -> Result<Self, ThreeNeuronsError> {
        let text = &t().exercises;
        check_dim(text.tn_dim_batch, batch)?;
        check_dim(text.tn_dim_inputs, inputs)?;
        check_dim(text.tn_dim_neurons, neurons)?;
        Ok(ThreeNeurons {
            batch,
            inputs,
            neurons,
            x0: vec![0.0; batch * inputs],
            x1: vec![0.0; batch * inputs],
            wx: vec![0.0; inputs * neurons],
            wy: vec![0.0; neurons * neurons],
            b: vec![0.0; neurons],
        })
    }

    /// A network from its tensors (row-major, shapes as in the module docs), checked.
    #[allow(clippy::too_many_arguments)]
    pub fn from_parts(
        batch: usize,
        inputs: usize,
        neurons: usize,
        x0: Vec<f64>,
        x1: Vec<f64>,
        wx: Vec<f64>,
        wy: Vec<f64>,
        b: Vec<f64>,
    ) -> Result<Self, ThreeNeuronsError> {
        let mut n = Self::zeros(batch, inputs, neurons)?;
        for (t, v) in [(Tensor::X0, x0), (Tensor::X1, x1), (Tensor::Wx, wx), (Tensor::Wy, wy), (Tensor::B, b)] {
            let (rows, cols) = n.shape(t);
            if v.len() != rows * cols {
                let args: [(&str, &dyn fmt::Display); 4] = [("rows", &rows), ("cols", &cols), ("n", &v.len()), ("name", &t.name())];
                return Err(ThreeNeuronsError::Shape(fill(crate::i18n::t().exercises.tn_shape_values, &args)));
            }
            if let Some(i) = v.iter().position(|x| !x.is_finite() || x.abs() > MAX_ABS) {
                let field = Field::new(t, i / cols, i % cols);
                return Err(ThreeNeuronsError::Entry { field, message: range_message(v[i]) });
            }
            *n.tensor_mut(t) = v;
        }
        Ok(n)
    }

    pub fn batch(&self) -> usize {
        self.batch
    }
    pub fn inputs(&self) -> usize {
        self.inputs
    }
    pub fn neurons(&self) -> usize {
        self.neurons
    }

    /// `(rows, cols)` of a tensor (`b` is one row).
    pub fn shape(&self, t: Tensor) -> (usize, usize) {
        match t {
            Tensor::X0 | Tensor::X1 => (self.batch, self.inputs),
            Tensor::Wx => (self.inputs, self.neurons),
            Tensor::Wy => (self.neurons, self.neurons),
            Tensor::B => (1, self.neurons),
        }
    }

    /// A tensor's values, row-major.
    pub fn tensor(&self, t: Tensor) -> &[f64] {
        match t {
            Tensor::X0 => &self.x0,
            Tensor::X1 => &self.x1,
            Tensor::Wx => &self.wx,
            Tensor::Wy => &self.wy,
            Tensor::B => &self.b,
        }
    }

    fn tensor_mut(&mut self, t: Tensor) -> &mut Vec<f64> {
        match t {
            Tensor::X0 => &mut self.x0,
            Tensor::X1 => &mut self.x1,
            Tensor::Wx => &mut self.wx,
            Tensor::Wy => &mut self.wy,
            Tensor::B => &mut self.b,
        }
    }

    /// Row `i` of a tensor (an instance of X0 or X1, an input's weights in Wx); empty when out of range.
    pub fn row(&self, t: Tensor, i: usize) -> &[f64] {
        let (rows, cols) = self.shape(t);
        if i < rows {
            &self.tensor(t)[i * cols..(i + 1) * cols]
        } else {
            &[]
        }
    }

    /// Every field of a tensor, row by row.
    pub fn fields(&self, t: Tensor) -> Vec<Field> {
        let (rows, cols) = self.shape(t);
        (0..rows).flat_map(|r| (0..cols).map(move |c| Field::new(t, r, c))).collect()
    }

    /// Every field of every tensor.
    pub fn all_fields(&self) -> Vec<Field> {
        Tensor::ALL.iter().flat_map(|&t| self.fields(t)).collect()
    }

    fn index(&self, f: Field) -> Result<usize, ThreeNeuronsError> {
        let (rows, cols) = self.shape(f.tensor);
        if f.row < rows && f.col < cols {
            Ok(f.row * cols + f.col)
        } else {
            Err(ThreeNeuronsError::NoSuchField(f))
        }
    }

    /// The value of one field.
    pub fn get(&self, f: Field) -> Result<f64, ThreeNeuronsError> {
        let i = self.index(f)?;
        Ok(self.tensor(f.tensor)[i])
    }

    /// Sets one field to `value` (finite, at most [`MAX_ABS`] in magnitude); refused, nothing
    /// changes.
    pub fn set(&mut self, f: Field, value: f64) -> Result<(), ThreeNeuronsError> {
        let i = self.index(f)?;
        if !value.is_finite() || value.abs() > MAX_ABS {
            return Err(ThreeNeuronsError::Entry { field: f, message: range_message(value) });
        }
        self.tensor_mut(f.tensor)[i] = value;
        Ok(())
    }

    /// Sets one field from what was typed; a bad entry changes nothing and says why.
    pub fn set_text(&mut self, f: Field, text: &str) -> Result<(), ThreeNeuronsError> {
        self.index(f)?;
        let v = parse_number(text).map_err(|message| ThreeNeuronsError::Entry { field: f, message })?;
        self.set(f, v)
    }

    /// Both time steps, with every intermediate value.
    pub fn compute(&self) -> Trace {
        let (b, n, k) = (self.batch, self.neurons, self.inputs);
        let mut steps: Vec<Step> = Vec::with_capacity(2);
        for (t, x) in [&self.x0, &self.x1].into_iter().enumerate() {
            let prev = steps.last();
            let mut terms = Vec::with_capacity(b * n);
            for i in 0..b {
                for j in 0..n {
                    let x_parts: Vec<(f64, f64)> = (0..k).map(|c| (x[i * k + c], self.wx[c * n + j])).collect();
                    let y_parts: Vec<(f64, f64)> =
                        prev.map(|p| (0..n).map(|c| (p.terms[i * n + c].y, self.wy[c * n + j])).collect()).unwrap_or_default();
                    let x_wx: f64 = x_parts.iter().map(|(a, w)| a * w).sum();
                    let y_wy = prev.map(|_| y_parts.iter().map(|(a, w)| a * w).sum::<f64>());
                    let bias = self.b[j];
                    let sum = x_wx + y_wy.unwrap_or(0.0) + bias;
                    terms.push(Term { t, instance: i, neuron: j, x_parts, y_parts, x_wx, y_wy, b: bias, sum, y: sum.tanh() });
                }
            }
            steps.push(Step { t, terms });
        }
        Trace { batch: b, neurons: n, steps }
    }
}

/// One neuron of one instance at one time step, all its parts.
#[derive(Clone, Debug, PartialEq)]
pub struct Term {
    pub t: usize,
    pub instance: usize,
    pub neuron: usize,
    /// `(x_c, Wx[c, neuron])` for every input `c`.
    pub x_parts: Vec<(f64, f64)>,
    /// `(y_prev_c, Wy[c, neuron])` for every neuron `c` of the previous step; empty at t = 0.
    pub y_parts: Vec<(f64, f64)>,
    /// `X_t[instance]·Wx[:, neuron]`
    pub x_wx: f64,
    /// `Y_{t-1}[instance]·Wy[:, neuron]`; `None` at t = 0 (no previous output).
    pub y_wy: Option<f64>,
    pub b: f64,
    /// `x_wx + y_wy + b`
    pub sum: f64,
    /// `tanh(sum)`
    pub y: f64,
}

impl Term {
    /// The substituted equation: `tanh(0.300 + 0.100) = tanh(0.400) = 0.380` at t = 0,
    /// `tanh(1.500 - 0.123 + 0.100) = tanh(1.477) = 0.901` at t = 1 (`x·Wx`, `y·Wy`, `b`).
    pub fn equation(&self) -> String {
        let mut parts = vec![self.x_wx];
        parts.extend(self.y_wy);
        parts.push(self.b);
        format!("tanh({}) = tanh({}) = {}", signed_sum(&parts), num3(self.sum), num3(self.y))
    }

    /// The symbolic form of [`Term::equation`]: `tanh(x·Wx + b)` or `tanh(x·Wx + y·Wy + b)`.
    pub fn symbols(&self) -> &'static str {
        if self.y_wy.is_some() {
            "tanh(x·Wx + y·Wy + b)"
        } else {
            "tanh(x·Wx + b)"
        }
    }

    /// `x·Wx` written out: `0·0.1 + 1·(-0.1) + 2·0.2 = 0.300`.
    pub fn x_expansion(&self) -> String {
        expansion(&self.x_parts, self.x_wx)
    }

    /// `y·Wy` written out (t = 1), `None` at t = 0.
    pub fn y_expansion(&self) -> Option<String> {
        self.y_wy.map(|v| expansion(&self.y_parts, v))
    }
}

/// One time step: `terms[instance * neurons + neuron]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    pub t: usize,
    /// `[batch, neurons]`
    pub terms: Vec<Term>,
}

/// Both time steps of [`ThreeNeurons::compute`].
#[derive(Clone, Debug, PartialEq)]
pub struct Trace {
    pub batch: usize,
    pub neurons: usize,
    /// `steps[0]` computes Y0, `steps[1]` Y1.
    pub steps: Vec<Step>,
}

impl Trace {
    /// The outputs of step `t`, `[batch, neurons]` row-major.
    pub fn y(&self, t: usize) -> Vec<f64> {
        self.steps.get(t).map(|s| s.terms.iter().map(|x| x.y).collect()).unwrap_or_default()
    }

    /// Instance `i`'s outputs at step `t`, `[neurons]`; empty when out of range.
    pub fn y_row(&self, t: usize, i: usize) -> Vec<f64> {
        self.steps
            .get(t)
            .and_then(|s| s.terms.get(i * self.neurons..(i + 1) * self.neurons))
            .map_or(Vec::new(), |r| r.iter().map(|x| x.y).collect())
    }

    /// One instance's terms of step `t`, instance by instance.
    pub fn rows(&self, t: usize) -> impl Iterator<Item = &[Term]> {
        self.steps.get(t).map(|s| s.terms.as_slice()).unwrap_or_default().chunks(self.neurons.max(1))
    }
}

/// A number with three decimals, without a negative zero: `0.300`, `-1.250`, `0.000`.
pub fn num3(v: f64) -> String {
    let s = format!("{v:.3}");
    if s.starts_with('-') && s[1..].chars().all(|c| c == '0' || c == '.') {
        s[1..].to_string()
    } else {
        s
    }
}

/// A vector of outputs: `[0.380, -0.100, 0.050]`.
pub fn vector_text(v: &[f64]) -> String {
    format!("[{}]", v.iter().map(|&x| num3(x)).collect::<Vec<_>>().join(", "))
}

/// A vector of inputs, as short as exact to three decimals: `[0, 1, 2]`, `[0.5, -1]`.
pub fn input_vector_text(v: &[f64]) -> String {
    format!("[{}]", v.iter().map(|&x| short(x)).collect::<Vec<_>>().join(", "))
}

/// The shortest text that reads back as `v` (`0.1`, `-2`, `9`): how a number first appears in its box.
pub fn input_text(v: f64) -> String {
    if v == 0.0 {
        "0".into()
    } else {
        format!("{v}")
    }
}

/// `a + b - c` with three decimals, each sign written once.
fn signed_sum(parts: &[f64]) -> String {
    let mut s = String::new();
    for (k, &v) in parts.iter().enumerate() {
        let text = num3(v.abs());
        let negative = num3(v).starts_with('-');
        match (k, negative) {
            (0, false) => s += &text,
            (0, true) => s += &format!("-{text}"),
            (_, false) => s += &format!(" + {text}"),
            (_, true) => s += &format!(" - {text}"),
        }
    }
    s
}

fn expansion(parts: &[(f64, f64)], total: f64) -> String {
    let factor = |v: f64| if v < 0.0 { format!("({})", short(v)) } else { short(v) };
    let products: Vec<String> = parts.iter().map(|&(a, w)| format!("{}·{}", factor(a), factor(w))).collect();
    format!("{} = {}", products.join(" + "), num3(total))
}

/// Up to three decimals, trailing zeros dropped: `0.1`, `9`, `0.123`.
fn short(v: f64) -> String {
    let s = num3(v);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s.is_empty() || s == "-" {
        "0".into()
    } else {
        s.to_string()
    }
}

fn range_message(v: f64) -> String {
    let text = &t().exercises;
    if v.is_finite() {
        fill(text.tn_too_large, &[("max", &MAX_ABS), ("value", &v)])
    } else {
        fill(text.tn_out_of_range, &[("max", &MAX_ABS)])
    }
}

/// Reads a typed number: `0.5`, `-2`, `.25`, `1e-2`, a decimal comma (`0,5`), the minus sign
/// `−`; surrounding spaces are ignored. `Err` says what is wrong, for the student.
pub fn parse_number(text: &str) -> Result<f64, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err(crate::i18n::t().exercises.tn_empty.into());
    }
    let normal: String = t.chars().map(|c| if c == '−' { '-' } else { c }).collect();
    let normal = if !normal.contains('.') && normal.matches(',').count() == 1 { normal.replace(',', ".") } else { normal };
    // Rust also reads "inf" and "NaN": they are not numbers a student can compute with.
    let looks_numeric = normal.chars().all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E'));
    match normal.parse::<f64>() {
        Ok(v) if looks_numeric && v.is_finite() => {
            if v.abs() > MAX_ABS {
                Err(range_message(v))
            } else {
                Ok(v)
            }
        }
        _ => Err(fill(crate::i18n::t().exercises.tn_not_a_number, &[("text", &format!("{t:?}"))])),
    }
}

/// What the page's form holds: the text of every box as typed, each refused box's message, and
/// the last numbers accepted (one per field: a box with a bad entry keeps its last good value, so
/// the computation shown never breaks).
#[derive(Clone, Debug, PartialEq)]
pub struct Form {
    good: ThreeNeurons,
    texts: BTreeMap<Field, String>,
    errors: BTreeMap<Field, String>,
}

impl Default for Form {
    fn default() -> Self {
        Form::new(ThreeNeurons::default())
    }
}

impl Form {
    pub fn new(values: ThreeNeurons) -> Self {
        let texts = values.all_fields().into_iter().map(|f| (f, input_text(values.get(f).unwrap_or(0.0)))).collect();
        Form { good: values, texts, errors: BTreeMap::new() }
    }

    /// The numbers last accepted in every box.
    pub fn values(&self) -> &ThreeNeurons {
        &self.good
    }

    /// The text of a box, as typed.
    pub fn text(&self, f: Field) -> &str {
        self.texts.get(&f).map_or("", String::as_str)
    }

    /// The message of a box whose text was refused.
    pub fn error(&self, f: Field) -> Option<&str> {
        self.errors.get(&f).map(String::as_str)
    }

    /// Every refused box, in the order of [`Tensor::ALL`], with its message.
    pub fn errors(&self) -> impl Iterator<Item = (Field, &str)> {
        self.errors.iter().map(|(f, m)| (*f, m.as_str()))
    }

    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }

    /// The student typed `text` in box `f`: kept as typed; accepted or given a message.
    pub fn edit(&mut self, f: Field, text: &str) {
        if self.good.index(f).is_err() {
            return;
        }
        self.texts.insert(f, text.to_string());
        match self.good.set_text(f, text) {
            Ok(()) => {
                self.errors.remove(&f);
            }
            Err(ThreeNeuronsError::Entry { message, .. }) => {
                self.errors.insert(f, message);
            }
            Err(e) => {
                self.errors.insert(f, e.to_string());
            }
        }
    }

    /// Arrow keys: the box's last good value plus `delta`, rounded to 1e-6 (so 0.1 + 0.1 shows
    /// `0.2`), within [`MAX_ABS`].
    pub fn nudge(&mut self, f: Field, delta: f64) {
        let Ok(v) = self.good.get(f) else { return };
        let next = ((v + delta) * 1e6).round() / 1e6;
        self.edit(f, &input_text(next.clamp(-MAX_ABS, MAX_ABS)));
    }
}
