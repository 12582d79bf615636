//! The unrolled chain's view, from known traces: how many cells, columns and rows it lays out,
//! what is under a point, which colour each unit gets, and the numbers its equations show.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use unroll::app::chain::colour::{Scale, MASKED};
use unroll::app::chain::explain::{explain, num};
use unroll::app::chain::layout::{fit_zoom, Column, Layout, GUTTER};
use unroll::app::chain::raster::{paint, scale_of, scales, FOCUS};
use unroll::app::chain::{shape, value, Selection};
use unroll::engine::backend::{self, BackendKind, Setup};
use unroll::engine::cells::{Activation, CellKind};
use unroll::engine::model::{Merge, ModelSpec};
use unroll::engine::train::{Clipping, OptimizerSpec, Schedule};
use unroll::engine::{Input, InputData, Model};
use unroll::lesson::chain::{Chain, ChainLayer, ChainOutput, ChainSource, ChainStep};

use crate::common::*;

/// `spec` traced over `time` steps of seeded values (the last `padded` steps padding).
fn chain_for(spec: &ModelSpec, time: usize, padded: usize) -> Chain {
    let setup = Setup {
        model: Model::new(spec.clone(), 5).unwrap(),
        optimizer: OptimizerSpec::adam(1e-3),
        clipping: Clipping::None,
        schedule: Schedule::Constant,
        seed: 1,
    };
    let mut b = backend::create(BackendKind::Cpu, setup).unwrap();
    let x = uniform_vec(&mut rng(9), time, -1.0, 1.0);
    let mask: Vec<f32> = (0..time).map(|t| if t + padded >= time { 0.0 } else { 1.0 }).collect();
    let input = Input { batch: 1, time, data: InputData::Values(&x), mask: Some(&mask), feedback: None, loss_from: 0 };
    let trace = b.trace(&input, 0).unwrap();
    Chain {
        source: ChainSource::Window { start: 0 },
        caption: String::new(),
        layers: ChainLayer::of(spec),
        steps: x.iter().map(|v| ChainStep { label: num(*v), oov: false }).collect(),
        output: ChainOutput::Next { predicted: vec![], truth: vec![] },
        trace,
        gradients: None,
        loss_of: String::new(),
        trained_steps: None,
    }
}

fn lstm_stack() -> ModelSpec {
    let lstm = CellKind::Lstm { peephole: false };
    seq_model(1, vec![layer(lstm, 8, Some(Merge::Concat)), layer(CellKind::Gru { reset_after: true }, 5, None)], 1)
}

#[test]
fn the_layout_has_a_cell_per_step_per_layer_direction() {
    let chain = chain_for(&lstm_stack(), 10, 0);
    let l = Layout::new(&shape(&chain), 6, 0, 1200);
    // Top to bottom: the GRU (layer 2), then the LSTM's forward and backward directions.
    assert_eq!(l.rows.iter().map(|r| (r.layer, r.dir)).collect::<Vec<_>>(), [(1, 0), (0, 0), (0, 1)]);
    assert_eq!(l.rows[1].columns.len(), 6, "LSTM: i f c o, C, h");
    assert_eq!(l.rows[0].columns.len(), 4, "GRU: z r h, h");
    assert_eq!(l.visible, 0..10);
    let cells = (0..l.rows.len()).flat_map(|r| (0..10).map(move |t| (r, t))).filter(|&(r, t)| l.cell_rect(r, t).is_some()).count();
    assert_eq!(cells, 30);
    // The point in the middle of step 3's forget-gate column, unit 2, of the LSTM's forward row.
    let col = l.column_rect(1, 3, 1).unwrap();
    let y = l.rows[1].y + 2 * l.rows[1].unit_px + l.rows[1].unit_px / 2;
    let hit = l.hit(col.x + col.w / 2, y).unwrap();
    assert_eq!((hit.row, hit.time, hit.unit, hit.column), (1, 3, Some(2), Some(Column::Gate(1))));
    assert_eq!(l.hit(GUTTER - 1, y), None, "the labels' column holds no cell");
}

#[test]
fn long_chains_scroll_and_fit() {
    let chain = chain_for(&seq_model(1, vec![layer(CellKind::Lstm { peephole: false }, 64, None)], 1), 200, 0);
    let s = shape(&chain);
    let z = fit_zoom(&s, 1200);
    assert_eq!(z, 2, "200 LSTM steps need the smallest zoom");
    let l = Layout::new(&s, 8, 190, 1200);
    assert!(l.visible.end == 200 && l.visible.len() < 200, "scrolled to the end, the view stays full: {:?}", l.visible);
    assert_eq!(l.rows[0].unit_px, 2, "64 units, 2 pixels each");
}

#[test]
fn each_unit_gets_its_value_s_colour_and_padding_is_grey() {
    let chain = chain_for(&lstm_stack(), 8, 2);
    let l = Layout::new(&shape(&chain), 6, 0, 1200);
    let px = paint(&chain, &l, &scales(&chain, &l), Some(Selection { row: 1, time: 4, unit: 3 }));
    for (ri, r) in l.rows.iter().enumerate() {
        for (ci, &column) in r.columns.iter().enumerate() {
            let scale = scale_of(&chain, &l, ri, column);
            let rect = l.column_rect(ri, 2, ci).unwrap();
            for j in 0..r.units {
                let want = scale.colour(value(&chain, r, 2, column, j));
                assert_eq!(px.get(rect.x + rect.w / 2, rect.y + j * r.unit_px), want, "row {ri} column {column:?} unit {j}");
            }
        }
    }
    // Step 7 is padding: its gates are grey, its states the ones carried from step 5.
    let gate = l.column_rect(1, 7, 0).unwrap();
    assert_eq!(px.get(gate.x + 1, gate.y + 1), MASKED);
    let h = l.column_rect(1, 7, 5).unwrap();
    assert_eq!(value(&chain, &l.rows[1], 7, Column::Hidden, 0), value(&chain, &l.rows[1], 5, Column::Hidden, 0));
    assert_ne!(px.get(h.x + 1, h.y), MASKED);
    let cell = l.cell_rect(1, 4).unwrap();
    assert_eq!(px.get(cell.x, cell.y), FOCUS, "the selected cell is outlined");
    assert_eq!(scale_of(&chain, &l, 1, Column::Gate(0)), Scale::Sequential);
}

/// The last number of `substituted` (after its last `=`).
fn result_of(s: &str) -> &str {
    s.rsplit("= ").next().unwrap().trim()
}

#[test]
fn the_equations_show_the_trace_s_numbers() {
    let cells = [
        (CellKind::SimpleRnn { activation: Activation::Tanh }, ["z", "h_t"].as_slice()),
        (CellKind::Lstm { peephole: true }, ["i", "f", "c", "o", "C_t", "h_t"].as_slice()),
        (CellKind::Gru { reset_after: true }, ["z", "r", "h̃", "h_t"].as_slice()),
        (CellKind::Gru { reset_after: false }, ["z", "r", "h̃", "h_t"].as_slice()),
    ];
    for (cell, names) in cells {
        let chain = chain_for(&seq_model(1, vec![layer(cell, 4, Some(Merge::Sum))], 1), 6, 1);
        let l = Layout::new(&shape(&chain), 6, 0, 1200);
        for row in 0..2 {
            let sel = Selection { row, time: 2, unit: 1 };
            let e = explain(&chain, &l, sel).unwrap();
            assert!(!e.skipped);
            assert_eq!(e.lines.iter().map(|x| x.name.as_str()).collect::<Vec<_>>(), names, "{cell:?}");
            let h = value(&chain, &l.rows[row], 2, Column::Hidden, 1);
            let last = e.lines.last().unwrap();
            assert_eq!((last.value, result_of(&last.substituted)), (h, num(h).as_str()), "{cell:?} row {row}: {}", last.substituted);
            for x in &e.lines {
                assert_eq!(result_of(&x.substituted), num(x.value), "{cell:?} {}: {}", x.name, x.substituted);
            }
            assert!(e.title.contains("step 3 of 6") && e.title.contains("unit 2 of 4"), "{}", e.title);
            // The backward direction's step at time 2 is its own step 3: the title says which.
            assert_eq!(e.title.contains("backward"), row == 1);
        }
        let padded = explain(&chain, &l, Selection { row: 0, time: 5, unit: 0 }).unwrap();
        assert!(padded.skipped && padded.lines[0].equation.contains("carried"), "{cell:?}");
    }
}

/// The gradient chart's lines: one per layer direction (and the LSTM's cell state), in time
/// order: the backward direction's own first step is the last time step.
#[test]
fn gradient_lines_are_in_time_order() {
    use unroll::app::chain::gradients::gradient_lines;
    use unroll::engine::backend::{DirStateGradients, StateGradients};
    let dir = |h: Vec<f32>, c: Vec<f32>| DirStateGradients { units: 2, h, c };
    let g = StateGradients {
        time: 3,
        loss: 0.5,
        grad_norm: 1.0,
        layers: vec![
            vec![dir(vec![1.0, 2.0, 3.0], vec![]), dir(vec![10.0, 20.0, 30.0], vec![])],
            vec![dir(vec![4.0, 5.0, 6.0], vec![7.0, 8.0, 9.0])],
        ],
    };
    let lines = gradient_lines(&g);
    let keys: Vec<(usize, usize, bool)> = lines.iter().map(|l| (l.layer, l.dir, l.cell_state)).collect();
    assert_eq!(keys, [(0, 0, false), (0, 1, false), (1, 0, false), (1, 0, true)]);
    assert_eq!(lines[0].points, [(1.0, 1.0), (2.0, 2.0), (3.0, 3.0)]);
    assert_eq!(lines[1].points, [(1.0, 30.0), (2.0, 20.0), (3.0, 10.0)], "backward: own step 0 is time 3");
    assert_eq!(lines[3].points[2], (3.0, 9.0));
}

/// The word map: the extreme words at the picture's margins (y up), and the words named are the
/// frequent ones that lean hard, not the frequent ones that lean nowhere.
#[test]
fn the_word_map_places_and_names_words() {
    use unroll::app::word_map::{place, strength, telling};
    use unroll::lesson::news::words::{Layout, WordMap, WordPoint};
    let w = |word: &str, count: u64, class: Option<usize>, lean: f32, x: f32, y: f32| WordPoint {
        word: word.into(),
        count,
        class,
        lean,
        lift: 1.0,
        x,
        y,
    };
    let map = WordMap {
        words: vec![
            w("the", 5000, Some(0), 0.26, 0.0, 0.0),
            w("goal", 300, Some(1), 0.95, 2.0, 1.0),
            w("oil", 800, Some(2), 0.85, -2.0, -1.0),
            w("rare", 2, Some(3), 1.0, 1.0, 0.5),
            w("nan", 1, None, 0.25, f32::NAN, 0.0),
        ],
        explained: [0.3, 0.2],
        layout: Layout::Pca,
        classes: vec!["World".into(), "Sports".into(), "Business".into(), "Sci/Tech".into()],
        rows: 10,
        vocabulary: 100,
        dim: 8,
    };
    let p = place(&map, 200.0, 100.0, 10.0);
    assert_eq!(p[1], (190.0, 10.0), "rightmost and highest");
    assert_eq!(p[2], (10.0, 90.0), "leftmost and lowest");
    assert_eq!(p[4], (100.0, 50.0), "not a number: the middle");
    assert!(strength(0.26, 4) < 0.02 && strength(1.0, 4) == 1.0);
    assert_eq!(telling(&map, 2), [1, 2], "goal (leaning hardest), then oil (more frequent); never `the`");
}
