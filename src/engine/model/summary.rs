//! `model.summary()`: the layers with Keras's names, output shapes and parameter counts.

use std::fmt;

use super::spec::{InputSpec, ModelSpec};
use crate::engine::cells::CellKind;

/// One row of the summary.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// Keras's automatic name: `embedding`, `simple_rnn`, `lstm_1`, `bidirectional`, `dense`, ...
    pub name: String,
    /// Keras class: `Embedding`, `SimpleRNN`, `LSTM`, `GRU`, `Bidirectional`, `Dense`.
    pub kind: String,
    /// e.g. `(None, 50, 64)`; `None` for an unknown sequence length.
    pub output_shape: String,
    pub params: usize,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Summary {
    pub rows: Vec<Row>,
    pub total: usize,
}

fn dim(d: Option<usize>) -> String {
    d.map_or("None".to_string(), |v| v.to_string())
}

/// `1281364` → `1,281,364`.
pub fn thousands(n: usize) -> String {
    thousands_u64(n as u64)
}

/// [`thousands`] for a count in `u64` (a `usize` of wasm32 cannot hold the counts a model file
/// may claim).
pub fn thousands_u64(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

impl ModelSpec {
    /// Parameters of one recurrent direction with `input` features.
    fn cell_params(cell: CellKind, units: usize, input: usize) -> usize {
        let g = cell.gates();
        let bias: usize = cell.bias_shape(units).iter().product();
        let peep = if cell.has_peepholes() { 3 * units } else { 0 };
        input * g * units + units * g * units + bias + peep
    }

    /// The summary for inputs of `time` steps (`None`: unknown, as Keras shows it).
    pub fn summary(&self, time: Option<usize>) -> Summary {
        let mut rows = Vec::new();
        let mut counts = std::collections::HashMap::<&str, usize>::new();
        let mut name = |base: &'static str| {
            let n = counts.entry(base).or_insert(0);
            let s = if *n == 0 { base.to_string() } else { format!("{base}_{n}") };
            *n += 1;
            s
        };
        if let InputSpec::Tokens { vocab, dim: d, .. } = self.input {
            rows.push(Row {
                name: name("embedding"),
                kind: "Embedding".into(),
                output_shape: format!("(None, {}, {d})", dim(time)),
                params: vocab * d,
            });
        }
        for (k, l) in self.layers.iter().enumerate() {
            let seq = k + 1 < self.layers.len() || self.return_sequences;
            let out = l.output_dim();
            let shape = if seq { format!("(None, {}, {out})", dim(time)) } else { format!("(None, {out})") };
            let one = Self::cell_params(l.cell, l.units, self.layer_input_dim(k));
            let (base, kind) = match l.cell {
                CellKind::SimpleRnn { .. } => ("simple_rnn", "SimpleRNN"),
                CellKind::Lstm { .. } => ("lstm", "LSTM"),
                CellKind::Gru { .. } => ("gru", "GRU"),
            };
            match l.bidirectional {
                None => rows.push(Row { name: name(base), kind: kind.into(), output_shape: shape, params: one }),
                Some(_) => {
                    rows.push(Row { name: name("bidirectional"), kind: "Bidirectional".into(), output_shape: shape, params: 2 * one })
                }
            }
        }
        let top = self.layers.last().map_or(0, |l| l.output_dim());
        let shape = if self.return_sequences {
            format!("(None, {}, {})", dim(time), self.dense_units)
        } else {
            format!("(None, {})", self.dense_units)
        };
        rows.push(Row {
            name: name("dense"),
            kind: "Dense".into(),
            output_shape: shape,
            params: top * self.dense_units + self.dense_units,
        });
        let total = rows.iter().map(|r| r.params).sum();
        Summary { rows, total }
    }
}

fn size(params: usize) -> String {
    let bytes = params as f64 * 4.0;
    if bytes >= 1024.0 * 1024.0 {
        format!("{:.2} MB", bytes / (1024.0 * 1024.0))
    } else if bytes >= 1024.0 {
        format!("{:.2} KB", bytes / 1024.0)
    } else {
        format!("{bytes:.2} B")
    }
}

/// Keras 3's table, box drawing and all.
impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (w1, w2, w3) = (33, 24, 15);
        let bar = |l: &str, m: &str, r: &str, c: &str| format!("{l}{}{m}{}{m}{}{r}", c.repeat(w1), c.repeat(w2), c.repeat(w3));
        writeln!(f, "Model: \"sequential\"")?;
        writeln!(f, "{}", bar("┏", "┳", "┓", "━"))?;
        writeln!(f, "┃ {:<a$}┃ {:<b$}┃ {:>c$} ┃", "Layer (type)", "Output Shape", "Param #", a = w1 - 1, b = w2 - 1, c = w3 - 2)?;
        writeln!(f, "{}", bar("┡", "╇", "┩", "━"))?;
        for (i, r) in self.rows.iter().enumerate() {
            let label = format!("{} ({})", r.name, r.kind);
            writeln!(f, "│ {:<a$}│ {:<b$}│ {:>c$} │", label, r.output_shape, thousands(r.params), a = w1 - 1, b = w2 - 1, c = w3 - 2)?;
            if i + 1 < self.rows.len() {
                writeln!(f, "{}", bar("├", "┼", "┤", "─"))?;
            }
        }
        writeln!(f, "{}", bar("└", "┴", "┘", "─"))?;
        writeln!(f, " Total params: {} ({})", thousands(self.total), size(self.total))?;
        writeln!(f, " Trainable params: {} ({})", thousands(self.total), size(self.total))?;
        write!(f, " Non-trainable params: 0 (0.00 B)")
    }
}

impl ModelSpec {
    /// One line, Keras constructor style: `Embedding(20000, 64, mask_zero) → Bidirectional(LSTM(64))
    /// → Dense(4)`.
    pub fn one_line(&self) -> String {
        let mut parts = vec![match self.input {
            InputSpec::Tokens { vocab, dim, mask_zero } => {
                format!("Embedding({vocab}, {dim}{})", if mask_zero { ", mask_zero" } else { "" })
            }
            InputSpec::Values { features } => format!("Input({features})"),
        }];
        for l in &self.layers {
            let mut args = vec![l.units.to_string()];
            match l.cell {
                CellKind::SimpleRnn { activation } => args.push(activation.name().to_string()),
                CellKind::Lstm { peephole: true } => args.push("peephole".into()),
                CellKind::Gru { reset_after: false } => args.push("reset_after=False".into()),
                _ => {}
            }
            if l.dropout > 0.0 {
                args.push(format!("dropout={}", l.dropout));
            }
            if l.recurrent_dropout > 0.0 {
                args.push(format!("recurrent_dropout={}", l.recurrent_dropout));
            }
            let cell = format!("{}({})", l.cell.keras_name(), args.join(", "));
            parts.push(match l.bidirectional {
                Some(super::spec::Merge::Concat) => format!("Bidirectional({cell})"),
                Some(m) => format!("Bidirectional({cell}, {})", format!("{m:?}").to_lowercase()),
                None => cell,
            });
        }
        parts.push(format!("Dense({})", self.dense_units));
        parts.join(" → ")
    }
}
