//! Free-running training on the GPU (the model reads its own predictions from a step on): the
//! same loss, gradients and training steps as the CPU engine, for every cell, stacked, with a
//! warm-up; dropout is refused with a reason.

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

#[test]
fn free_running_with_dropout_is_refused_on_the_gpu_with_a_reason() {
    if adapter().is_none() {
        return;
    }
    let mut l = layer(unroll::engine::cells::CellKind::Lstm { peephole: false }, 4, None);
    l.dropout = 0.2;
    let spec = seq_model(1, vec![l], 1);
    let mut gpu = backend::create(BackendKind::Gpu, setup(&spec, OptimizerSpec::adam(1e-2), Clipping::None)).unwrap();
    let x = vec![0.5; 2 * 5];
    let input = Input { batch: 2, time: 5, data: InputData::Values(&x), mask: None, feedback: Some(2), loss_from: 0 };
    let err = gpu.train_batch(&input, &Targets::Values(&x)).unwrap_err().to_string();
    assert!(err.contains("free-running training with dropout"), "{err}");
}

/// The sine lesson trained free-running (its last steps read its own predictions) follows the
/// same curve on both engines; with dropout the WebGPU engine refuses it when it is built.
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
    let err = SeriesLesson::new(&Settings { engine: EngineChoice::Webgpu, dropout: 0.2, ..s }).unwrap_err().to_string();
    assert!(err.contains("free-running training with dropout"), "{err}");
}
