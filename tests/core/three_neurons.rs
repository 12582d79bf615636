//! The course's hand-computed network (`lesson::three_neurons`) against the engine's own SimpleRNN,
//! its intermediate values, and the form's parsing.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use unroll::engine::cells::{Activation, CellKind};
use unroll::engine::{Input, InputData, Model, Workspace};
use unroll::lesson::three_neurons::{
    input_vector_text, num3, parse_number, vector_text, Field, Form, Tensor, ThreeNeurons, ThreeNeuronsError, BOOK_X0, BOOK_X1, DEFAULT_B,
    MAX_ABS, MAX_DIM,
};

use crate::common::{layer, rng, seq_model, uniform_vec};

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

/// Y0 and Y1 (`[batch, neurons]` each) from the engine: `SimpleRNN(neurons, tanh,
/// return_sequences=True)` with kernel = Wx, recurrent_kernel = Wy, bias = b, on the two steps.
fn engine_outputs(n: &ThreeNeurons) -> (Vec<f32>, Vec<f32>) {
    let (b, k, h) = (n.batch(), n.inputs(), n.neurons());
    let spec = seq_model(k, vec![layer(CellKind::SimpleRnn { activation: Activation::Tanh }, h, None)], h);
    let mut model = Model::zeroed(spec).unwrap();
    let f32s = |t: Tensor| n.tensor(t).iter().map(|&v| v as f32).collect::<Vec<f32>>();
    model.params.set("rnn0.kernel", &[k, h], &f32s(Tensor::Wx)).unwrap();
    model.params.set("rnn0.recurrent_kernel", &[h, h], &f32s(Tensor::Wy)).unwrap();
    model.params.set("rnn0.bias", &[h], &f32s(Tensor::B)).unwrap();
    // [batch, time = 2, inputs]: each instance's X0 row, then its X1 row.
    let (x0, x1) = (f32s(Tensor::X0), f32s(Tensor::X1));
    let x: Vec<f32> = (0..b).flat_map(|i| x0[i * k..(i + 1) * k].iter().chain(&x1[i * k..(i + 1) * k]).copied()).collect();
    let mut ws = Workspace::default();
    model.forward(&Input { batch: b, time: 2, data: InputData::Values(&x), mask: None, feedback: None, loss_from: 0 }, &mut ws).unwrap();
    // The layer's states, [time + 1, batch, units], row 0 the initial state.
    let (states, _) = ws.states(0, 0).unwrap();
    (states[b * h..2 * b * h].to_vec(), states[2 * b * h..3 * b * h].to_vec())
}

/// The largest difference, with the first index where it is over `tol`.
fn assert_close(what: &str, ours: &[f64], engine: &[f32], tol: f64) {
    assert_eq!(ours.len(), engine.len(), "{what}: lengths");
    let bad: Vec<String> = ours
        .iter()
        .zip(engine)
        .enumerate()
        .filter(|(_, (a, b))| (**a - **b as f64).abs() > tol)
        .take(5)
        .map(|(i, (a, b))| format!("[{i}] ours {a} engine {b}"))
        .collect();
    assert!(bad.is_empty(), "{what} differs from the engine's SimpleRNN beyond {tol}: {}", bad.join(", "));
}

#[test]
fn defaults_match_the_engines_simple_rnn() {
    let n = ThreeNeurons::default();
    assert_eq!((n.batch(), n.inputs(), n.neurons()), (4, 3, 3));
    assert_eq!(n.tensor(Tensor::X0), BOOK_X0.iter().flatten().copied().collect::<Vec<_>>());
    assert_eq!(n.tensor(Tensor::X1), BOOK_X1.iter().flatten().copied().collect::<Vec<_>>());
    let trace = n.compute();
    let (y0, y1) = engine_outputs(&n);
    assert_close("Y0", &trace.y(0), &y0, 1e-6);
    assert_close("Y1", &trace.y(1), &y1, 1e-6);
}

#[test]
fn random_weights_and_inputs_match_the_engines_simple_rnn() {
    let mut r = rng(31);
    for case in 0..40 {
        let (b, k, h) = (r.random_range(1..=MAX_DIM), r.random_range(1..=MAX_DIM), r.random_range(1..=MAX_DIM));
        // Half the cases small enough that little saturates, half the book's scale of inputs.
        let x_scale = if case % 2 == 0 { 1.0 } else { 9.0 };
        let v = |r: &mut ChaCha8Rng, n: usize, s: f32| uniform_vec(r, n, -s, s).into_iter().map(f64::from).collect::<Vec<f64>>();
        let n = ThreeNeurons::from_parts(
            b,
            k,
            h,
            v(&mut r, b * k, x_scale),
            v(&mut r, b * k, x_scale),
            v(&mut r, k * h, 0.5),
            v(&mut r, h * h, 0.5),
            v(&mut r, h, 0.5),
        )
        .unwrap();
        let trace = n.compute();
        let (y0, y1) = engine_outputs(&n);
        assert_close(&format!("case {case} ({b}×{k}→{h}) Y0"), &trace.y(0), &y0, 1e-6);
        assert_close(&format!("case {case} ({b}×{k}→{h}) Y1"), &trace.y(1), &y1, 1e-6);
    }
}

#[test]
fn a_wrong_weight_is_caught_by_the_comparison() {
    // The comparison is not vacuous: the engine with Wy transposed gives other Y1s.
    let n = ThreeNeurons::default();
    let wy = n.tensor(Tensor::Wy).to_vec();
    let transposed: Vec<f64> = (0..9).map(|i| wy[(i % 3) * 3 + i / 3]).collect();
    let mut t = n.clone();
    for (i, v) in transposed.into_iter().enumerate() {
        t.set(Field::new(Tensor::Wy, i / 3, i % 3), v).unwrap();
    }
    let (_, y1) = engine_outputs(&t);
    let ours = n.compute().y(1);
    assert!(ours.iter().zip(&y1).any(|(a, b)| (a - *b as f64).abs() > 1e-3));
}

#[test]
fn defaults_are_not_saturated() {
    let trace = ThreeNeurons::default().compute();
    for step in &trace.steps {
        for term in &step.terms {
            assert!(term.sum.abs() <= 2.0 + 1e-9, "t={} instance {} neuron {}: sum {}", step.t, term.instance, term.neuron, term.sum);
            assert!((0.04..0.97).contains(&term.y.abs()), "saturated or zero: {}", term.y);
        }
    }
    let mut ys: Vec<String> = trace.steps.iter().flat_map(|s| s.terms.iter().map(|t| num3(t.y))).collect();
    let all = ys.len();
    ys.sort();
    ys.dedup();
    assert_eq!(ys.len(), all, "every output differs at three decimals: {ys:?}");
}

#[test]
fn every_intermediate_adds_up() {
    let n = ThreeNeurons::default();
    let trace = n.compute();
    assert_eq!(trace.steps.len(), 2);
    for step in &trace.steps {
        assert_eq!(step.terms.len(), 4 * 3);
        for term in &step.terms {
            let (i, j) = (term.instance, term.neuron);
            let x = if step.t == 0 { Tensor::X0 } else { Tensor::X1 };
            let x_wx: f64 = (0..3).map(|c| n.get(Field::new(x, i, c)).unwrap() * n.get(Field::new(Tensor::Wx, c, j)).unwrap()).sum();
            assert!((term.x_wx - x_wx).abs() < 1e-12);
            assert_eq!(term.b, n.get(Field::new(Tensor::B, 0, j)).unwrap());
            match step.t {
                0 => {
                    assert_eq!(term.y_wy, None);
                    assert!(term.y_parts.is_empty());
                }
                _ => {
                    let prev = &trace.steps[0].terms;
                    let y_wy: f64 = (0..3).map(|c| prev[i * 3 + c].y * n.get(Field::new(Tensor::Wy, c, j)).unwrap()).sum();
                    assert!((term.y_wy.unwrap() - y_wy).abs() < 1e-12);
                    assert_eq!(term.y_parts.iter().map(|p| p.0).collect::<Vec<_>>(), (0..3).map(|c| prev[i * 3 + c].y).collect::<Vec<_>>());
                }
            }
            assert!((term.sum - (term.x_wx + term.y_wy.unwrap_or(0.0) + term.b)).abs() < 1e-12);
            assert_eq!(term.y, term.sum.tanh());
        }
    }
    // Instance 1 is all zeros at t = 1: only Y0·Wy and b are left.
    for term in &trace.steps[1].terms[3..6] {
        assert_eq!(term.x_wx, 0.0);
    }
    assert_eq!(trace.rows(1).count(), 4);
}

#[test]
fn equations_substitute_the_numbers() {
    let trace = ThreeNeurons::default().compute();
    // Instance 0, neuron 0 at t = 0: x = [0, 1, 2], Wx[:,0] = [0.1, -0.1, 0.2], b = 0.1.
    let t = &trace.steps[0].terms[0];
    assert_eq!(t.x_expansion(), "0·0.1 + 1·(-0.1) + 2·0.2 = 0.300");
    assert_eq!(t.equation(), format!("tanh(0.300 + 0.100) = tanh(0.400) = {}", num3(0.4f64.tanh())));
    assert_eq!(t.symbols(), "tanh(x·Wx + b)");
    assert_eq!(t.y_expansion(), None);
    // Instance 0, neuron 1 at t = 0: x·Wx = -0.2·0 + 0.1·1 + 0 = 0.1, b = -0.2.
    assert_eq!(trace.steps[0].terms[1].equation(), format!("tanh(0.100 - 0.200) = tanh(-0.100) = {}", num3((-0.1f64).tanh())));
    let t1 = &trace.steps[1].terms[0];
    assert_eq!(t1.symbols(), "tanh(x·Wx + y·Wy + b)");
    let eq = t1.equation();
    assert!(eq.starts_with("tanh(1.500 "), "{eq}");
    assert!(eq.ends_with(&format!("= {}", num3(t1.y))), "{eq}");
    assert_eq!(eq.matches(['+', '-']).count(), 2, "three terms: {eq}");
    assert!(t1.y_expansion().unwrap().contains('·'));
}

#[test]
fn numbers_print_with_three_decimals_and_no_negative_zero() {
    assert_eq!(num3(0.3), "0.300");
    assert_eq!(num3(-1.25), "-1.250");
    assert_eq!(num3(-0.0001), "0.000");
    assert_eq!(num3(-0.0), "0.000");
    assert_eq!(vector_text(&[0.38, -0.1, 0.0]), "[0.380, -0.100, 0.000]");
    assert_eq!(input_vector_text(&[0.0, 1.0, -2.5, 0.1234]), "[0, 1, -2.5, 0.123]");
}

#[test]
fn rows_of_inputs_and_outputs() {
    let n = ThreeNeurons::default();
    assert_eq!(n.row(Tensor::X1, 0), [9.0, 8.0, 7.0]);
    assert_eq!(n.row(Tensor::B, 0), DEFAULT_B);
    assert!(n.row(Tensor::X0, 4).is_empty());
    let trace = n.compute();
    assert_eq!(trace.y_row(1, 2), trace.y(1)[6..9]);
    assert!(trace.y_row(2, 0).is_empty() && trace.y_row(0, 4).is_empty());
}

#[test]
fn typed_numbers_are_read_or_refused_with_a_reason() {
    assert_eq!(parse_number(" 0.5 "), Ok(0.5));
    assert_eq!(parse_number("-2"), Ok(-2.0));
    assert_eq!(parse_number(".25"), Ok(0.25));
    assert_eq!(parse_number("1e-2"), Ok(0.01));
    assert_eq!(parse_number("0,5"), Ok(0.5));
    assert_eq!(parse_number("−0.3"), Ok(-0.3));
    assert_eq!(parse_number("+4"), Ok(4.0));
    for bad in ["", "  ", "abc", "1.2.3", "inf", "NaN", "1e", "--1", "0x10"] {
        let e = parse_number(bad).unwrap_err();
        assert!(e.contains("number"), "{bad:?}: {e}");
    }
    assert!(parse_number("1e5").unwrap_err().contains(&format!("{MAX_ABS}")));
    assert_eq!(parse_number("1000"), Ok(1000.0));
}

#[test]
fn a_bad_entry_names_its_field_and_changes_nothing() {
    let mut n = ThreeNeurons::default();
    let before = n.clone();
    let f = Field::new(Tensor::X1, 2, 1);
    let e = n.set_text(f, "five").unwrap_err();
    assert_eq!(n, before);
    assert!(matches!(e, ThreeNeuronsError::Entry { field, .. } if field == f));
    assert!(e.to_string().starts_with("X1[2,1]: "), "{e}");
    assert!(matches!(n.set_text(Field::new(Tensor::B, 0, 3), "1"), Err(ThreeNeuronsError::NoSuchField(_))));
    assert!(matches!(n.set(Field::new(Tensor::Wx, 0, 0), f64::NAN), Err(ThreeNeuronsError::Entry { .. })));
    assert_eq!(n, before);
    n.set_text(f, "0.5").unwrap();
    assert_eq!(n.get(f).unwrap(), 0.5);
}

#[test]
fn shapes_are_checked() {
    assert!(ThreeNeurons::zeros(0, 3, 3).is_err());
    assert!(ThreeNeurons::zeros(2, MAX_DIM + 1, 3).is_err());
    let e = ThreeNeurons::from_parts(1, 2, 2, vec![0.0; 2], vec![0.0; 2], vec![0.0; 3], vec![0.0; 4], vec![0.0; 2]).unwrap_err();
    assert!(e.to_string().contains("Wx needs 2×2 values, got 3"), "{e}");
    let e = ThreeNeurons::from_parts(1, 1, 1, vec![0.0], vec![f64::INFINITY], vec![0.0], vec![0.0], vec![0.0]).unwrap_err();
    assert!(e.to_string().starts_with("X1[0,0]"), "{e}");
    let n = ThreeNeurons::zeros(2, 3, 4).unwrap();
    assert_eq!(n.all_fields().len(), 2 * 6 + 3 * 4 + 4 * 4 + 4);
    assert_eq!(n.fields(Tensor::B)[3], Field::new(Tensor::B, 0, 3));
}

#[test]
fn the_form_keeps_the_last_good_numbers_and_one_message_per_box() {
    let mut form = Form::default();
    let good = form.values().compute();
    let a = Field::new(Tensor::X0, 0, 0);
    let w = Field::new(Tensor::Wx, 1, 2);
    assert_eq!(form.text(a), "0");
    assert_eq!(form.text(w), "0.2");
    form.edit(a, "");
    form.edit(w, "x");
    assert_eq!(form.text(w), "x", "the text stays as typed");
    assert!(form.error(a).unwrap().contains("empty"));
    assert!(form.error(w).unwrap().contains("not a number"));
    assert_eq!(form.errors().map(|(f, _)| f).collect::<Vec<_>>(), [a, w]);
    assert_eq!(form.values().compute(), good, "the last good result is kept");
    // Another box still works, and the refused ones keep their last good values.
    let b = Field::new(Tensor::B, 0, 0);
    form.edit(b, "0.3");
    assert_eq!(form.values().get(b).unwrap(), 0.3);
    assert_eq!(form.values().get(w).unwrap(), 0.2);
    form.edit(w, "-0.4");
    assert_eq!(form.error(w), None);
    assert_eq!(form.values().get(w).unwrap(), -0.4);
    assert!(form.has_errors());
    form.edit(a, "1");
    assert!(!form.has_errors());
    // Arrow keys step from the last good value.
    let c = Field::new(Tensor::Wy, 0, 0);
    form.nudge(c, 0.1);
    form.nudge(c, 0.1);
    assert_eq!(form.text(c), "0.7");
    form.edit(c, "oops");
    form.nudge(c, -1.0);
    assert_eq!((form.text(c), form.error(c)), ("-0.3", None));
    form.nudge(c, -5000.0);
    assert_eq!(form.values().get(c).unwrap(), -MAX_ABS);
    // A field outside the shape is ignored.
    form.edit(Field::new(Tensor::Wy, 7, 7), "1");
    assert_eq!(form.text(Field::new(Tensor::Wy, 7, 7)), "");
}

#[test]
fn fields_have_names_for_people_and_for_the_page() {
    let f = Field::new(Tensor::Wx, 0, 1);
    assert_eq!(f.short(), "Wx[0,1]");
    assert_eq!(f.label(), "Wx, input 0 to neuron 1");
    assert_eq!(f.dom_id(), "tn-wx-0-1");
    assert_eq!(Field::new(Tensor::B, 0, 2).short(), "b[2]");
    assert_eq!(Field::new(Tensor::X0, 3, 1).label(), "X0, instance 3, input 1");
}
