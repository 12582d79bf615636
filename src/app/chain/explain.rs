//! The equations of one unit of one cell at one step, with the values substituted: what the
//! unrolled view shows on hover or keyboard focus. The equations are those of the cells' module
//! docs (`engine::cells::{simple_rnn, lstm, gru}`); every number comes from the trace, whose
//! input and recurrent sides are checked against the gates it holds (tests/core/trace.rs).

use super::layout::Layout;
use super::{dir_trace, masked, own_step, Chain, Selection};
use crate::engine::cells::CellKind;
use crate::i18n::{fill, t};

/// One line: `name = equation = substituted`.
#[derive(Clone, Debug, PartialEq)]
pub struct EqLine {
    pub name: String,
    pub equation: String,
    pub substituted: String,
    pub value: f32,
}

/// What one unit of one cell computed at one step.
#[derive(Clone, Debug, PartialEq)]
pub struct Explanation {
    /// "Layer 1 · LSTM(32) · forward · step 3 of 30 · unit 5 of 32"
    pub title: String,
    /// What the cell read at this step.
    pub reads: String,
    /// A padding step the layer skipped (its state carried over).
    pub skipped: bool,
    pub lines: Vec<EqLine>,
}

/// A number as the equations show it: 3 decimals, negatives in parentheses after an operator.
pub fn num(v: f32) -> String {
    if v.is_nan() {
        "NaN".into()
    } else if v.abs() >= 1e4 || (v != 0.0 && v.abs() < 1e-3) {
        format!("{v:.2e}")
    } else {
        format!("{v:.3}")
    }
}

fn term(v: f32) -> String {
    if v < 0.0 {
        format!("({})", num(v))
    } else {
        num(v)
    }
}

fn line(name: &str, equation: &str, substituted: String, value: f32) -> EqLine {
    EqLine { name: name.into(), equation: equation.into(), substituted, value }
}

/// The equations of `sel` in `chain` laid out by `layout`.
pub fn explain(chain: &Chain, layout: &Layout, sel: Selection) -> Option<Explanation> {
    let row = layout.rows.get(sel.row)?;
    let time = chain.trace.time;
    if sel.time >= time || sel.unit >= row.units {
        return None;
    }
    let d = dir_trace(chain, row);
    let (u, j) = (d.units, sel.unit);
    let s = own_step(sel.time, row.dir, time);
    let w = row.cell.gates() * u;
    let layer = &chain.layers[row.layer];
    let tx = t().chain;
    let direction = match (layer.directions, row.dir) {
        (1, _) => String::new(),
        (_, 0) => format!(" · {}", tx.forward),
        _ => format!(" · {}", tx.backward_from_end),
    };
    let title = fill(
        tx.explain_title,
        &[
            ("layer", &(row.layer + 1)),
            ("name", &layer.name),
            ("direction", &direction),
            ("step", &(sel.time + 1)),
            ("time", &time),
            ("unit", &(j + 1)),
            ("units", &u),
        ],
    );
    let reads = if row.layer == 0 {
        match chain.steps.get(sel.time) {
            Some(st) if st.label.is_empty() => tx.padding.to_string(),
            Some(st) if st.oov => fill(tx.reads_unknown, &[("word", &st.label)]),
            Some(st) => fill(tx.reads_word, &[("word", &st.label)]),
            None => String::new(),
        }
    } else {
        fill(tx.reads_below, &[("n", &row.layer)])
    };
    let h_prev = d.h[s * u + j];
    let h_now = d.h[(s + 1) * u + j];
    if masked(chain, sel.time) {
        let mut lines = vec![line("h_t", &format!("h_{{t-1}} ({})", tx.carried_over), num(h_prev), h_now)];
        if !d.c.is_empty() {
            lines.push(line("C_t", &format!("C_{{t-1}} ({})", tx.carried_over), num(d.c[s * u + j]), d.c[(s + 1) * u + j]));
        }
        return Some(Explanation { title, reads: tx.reads_skipped.into(), skipped: true, lines });
    }
    let gate = |g: usize| d.gates[s * w + g * u + j];
    let a = |g: usize| d.input_side[s * w + g * u + j];
    let r = |g: usize| d.recurrent_side[s * w + g * u + j];
    // `act(a + r) = act(sum) = value`
    let sum_line = |name: &str, equation: &str, act: &str, g: usize| {
        let sum = a(g) + r(g);
        line(name, equation, format!("{act}({} + {}) = {act}({}) = {}", num(a(g)), term(r(g)), num(sum), num(gate(g))), gate(g))
    };
    let lines = match row.cell {
        CellKind::SimpleRnn { activation } => {
            let z = a(0) + r(0);
            let act = activation.name();
            vec![
                line("z", "x_t·W + b + h_{t-1}·U", format!("{} + {} = {}", num(a(0)), term(r(0)), num(z)), z),
                line("h_t", &format!("{act}(z)"), format!("{act}({}) = {}", num(z), num(h_now)), h_now),
            ]
        }
        CellKind::Lstm { peephole } => {
            let (p_prev, p_now) = if peephole { (" + p∘C_{t-1}", " + p_o∘C_t") } else { ("", "") };
            let (c_prev, c_now) = (d.c[s * u + j], d.c[(s + 1) * u + j]);
            vec![
                sum_line("i", &format!("σ(x_t·W_i + b_i + h_{{t-1}}·U_i{p_prev})"), "σ", 0),
                sum_line("f", &format!("σ(x_t·W_f + b_f + h_{{t-1}}·U_f{p_prev})"), "σ", 1),
                sum_line("c", "tanh(x_t·W_c + b_c + h_{t-1}·U_c)", "tanh", 2),
                sum_line("o", &format!("σ(x_t·W_o + b_o + h_{{t-1}}·U_o{p_now})"), "σ", 3),
                line(
                    "C_t",
                    "f∘C_{t-1} + i∘c",
                    format!("{}·{} + {}·{} = {}", num(gate(1)), term(c_prev), num(gate(0)), term(gate(2)), num(c_now)),
                    c_now,
                ),
                line("h_t", "o∘tanh(C_t)", format!("{}·tanh({}) = {}", num(gate(3)), num(c_now), num(h_now)), h_now),
            ]
        }
        CellKind::Gru { reset_after } => {
            let candidate = if reset_after {
                let sum = a(2) + gate(1) * r(2);
                line(
                    "h̃",
                    "tanh(x_t·W_h + b_h + r∘(h_{t-1}·U_h + b'_h))",
                    format!("tanh({} + {}·{}) = tanh({}) = {}", num(a(2)), num(gate(1)), term(r(2)), num(sum), num(gate(2))),
                    gate(2),
                )
            } else {
                sum_line("h̃", "tanh(x_t·W_h + b_h + (r∘h_{t-1})·U_h)", "tanh", 2)
            };
            let rec = if reset_after { " + b'" } else { "" };
            vec![
                sum_line("z", &format!("σ(x_t·W_z + b_z + h_{{t-1}}·U_z{rec}_z)"), "σ", 0),
                sum_line("r", &format!("σ(x_t·W_r + b_r + h_{{t-1}}·U_r{rec}_r)"), "σ", 1),
                candidate,
                line(
                    "h_t",
                    "z∘h_{t-1} + (1−z)∘h̃",
                    format!("{}·{} + {}·{} = {}", num(gate(0)), term(h_prev), num(1.0 - gate(0)), term(gate(2)), num(h_now)),
                    h_now,
                ),
            ]
        }
    };
    Some(Explanation { title, reads, skipped: false, lines })
}
