//! Free-running training on the GPU (the model reads its own predictions from a step on): the
//! same loss, gradients and training steps as the CPU engine, for every cell, stacked, with a
//! warm-up, with dropout; and the sine lesson's curve.

use unroll::engine::backend::{self, BackendKind};
use unroll::engine::train::{Clipping, OptimizerSpec};
use unroll::engine::{Input, InputData, Targets};

use super::{adapter, setup};
use crate::common::*;

#[test]
fn free_running_steps_on_the_gpu_are_the_cpus() {
    if adapter().is_none() {
        return;
    }
    let (b, t) = (4, 9);
    for cell in all_cells() {
        for (what, spec) in [
            ("one layer", seq_model(1, vec![layer(cell, 5, None)], 1)),
            ("two layers, two features", seq_model(2, vec![layer(cell, 4, None), layer(cell, 3, None)], 2)),
        ] {
            let what = format!("{cell:?}, {what}");
            let f = spec.dense_units;
            let mut r = rng(5);
            let x = uniform_vec(&mut r, b * t * f, -1.0, 1.0);
            let y = uniform_vec(&mut r, b * t * f, -1.0, 1.0);
            for from in [1, 4] {
                let input = Input { batch: b, time: t, data: InputData::Values(&x), mask: None, feedback: Some(from), loss_from: 2 };
                let make = |kind| backend::create(kind, setup(&spec, OptimizerSpec::adam(1e-2), Clipping::GlobalNorm(1.0))).unwrap();
                let (mut cpu, mut gpu) = (make(BackendKind::Cpu), make(BackendKind::Gpu));
                let (lc, gc) = cpu.gradients(&input, &Targets::Values(&y)).unwrap();
                let (lg, gg) = gpu.gradients(&input, &Targets::Values(&y)).unwrap();
                assert_close(&format!("{what}, fed from {from}: loss"), &[lg], &[lc], 1e-6, 1e-4);
                assert_close(&format!("{what}, fed from {from}: gradients"), &gg, &gc, 1e-6, 1e-3);
                for k in 0..3 {
                    let (sc, sg) =
                        (cpu.train_batch(&input, &Targets::Values(&y)).unwrap(), gpu.train_batch(&input, &Targets::Values(&y)).unwrap());
                    assert_close(&format!("{what}, fed from {from}: step {k} loss"), &[sg.loss], &[sc.loss], 1e-6, 1e-3);
                    assert_close(
                        &format!("{what}, fed from {from}: step {k} outputs"),
                        gpu.train_outputs(),
                        cpu.train_outputs(),
                        1e-5,
                        1e-3,
                    );
                }
            }
        }
    }
}

/// With dropout on the inputs and the recurrent state (masks drawn per sequence, in the CPU
/// trainer's order), free-running training steps are the CPU engine's too.
#[test]
fn free_running_steps_with_dropout_on_the_gpu_are_the_cpus() {
    if adapter().is_none() {
        return;
    }
    let (b, t) = (3, 8);
    for cell in all_cells() {
        let mut l0 = layer(cell, 5, None);
        (l0.dropout, l0.recurrent_dropout) = (0.25, 0.3);
        let mut l1 = layer(cell, 4, None);
        l1.dropout = 0.2;
        let spec = seq_model(2, vec![l0, l1], 2);
        let mut r = rng(9);
        let x = uniform_vec(&mut r, b * t * 2, -1.0, 1.0);
        let y = uniform_vec(&mut r, b * t * 2, -1.0, 1.0);
        let input = Input { batch: b, time: t, data: InputData::Values(&x), mask: None, feedback: Some(3), loss_from: 1 };
        let make = |kind| backend::create(kind, setup(&spec, OptimizerSpec::adam(1e-2), Clipping::None)).unwrap();
        let (mut cpu, mut gpu) = (make(BackendKind::Cpu), make(BackendKind::Gpu));
        for k in 0..3 {
            let (sc, sg) = (cpu.train_batch(&input, &Targets::Values(&y)).unwrap(), gpu.train_batch(&input, &Targets::Values(&y)).unwrap());
            assert_close(&format!("{cell:?} with dropout: step {k} loss"), &[sg.loss], &[sc.loss], 1e-6, 1e-3);
            assert_close(&format!("{cell:?} with dropout: step {k} outputs"), gpu.train_outputs(), cpu.train_outputs(), 1e-5, 1e-3);
        }
        assert_close(&format!("{cell:?} with dropout: weights after 3 steps"), &gpu.weights(), &cpu.weights(), 1e-5, 1e-3);
    }
}

/// The sine lesson trained free-running (its last steps read its own predictions) follows the
/// same curve on both engines.
#[test]
fn the_sine_lesson_trains_free_running_on_the_gpu_as_on_the_cpu() {
    use unroll::lesson::SeriesLesson;
    use unroll::settings::{EngineChoice, Settings};
    if adapter().is_none() {
        return;
    }
    let (s, problems) = Settings::from_query("training=free&free-steps=4&cell=gru&units=8&seq-len=12&warmup=2&lr=0.01");
    assert!(problems.is_empty(), "{problems:?}");
    let curve = |engine| {
        let mut l = SeriesLesson::new(&Settings { engine, ..s.clone() }).unwrap();
        (0..40).map(|_| l.train_step().unwrap().stats.loss).collect::<Vec<_>>()
    };
    assert_close("free-running sine lesson: 40 losses", &curve(EngineChoice::Webgpu), &curve(EngineChoice::Cpu), 1e-6, 1e-3);
}
