//! The WebGPU engine against the CPU engine (natively: lavapipe in CI, a real GPU where there is
//! one): every cell, merge, mask, input and loss, through whole forward and backward passes and
//! training steps; and the number of dispatches per step, which must not grow with the sequence.
//! Without an adapter each test prints why and returns (CI always has lavapipe: the xtask installs it).
//! In Chromium (wasm32) the same comparisons run on WebGPU through the engine's `_async` methods.

#[cfg(not(target_arch = "wasm32"))]
use unroll::engine::backend::Backend;
use unroll::engine::backend::{self, BackendKind, Setup};
use unroll::engine::cells::CellKind;
use unroll::engine::model::{Merge, ModelSpec};
use unroll::engine::train::{Clipping, OptimizerSpec, Schedule};
use unroll::engine::{Input, InputData, Model, Targets};

use crate::common::*;

#[cfg(not(target_arch = "wasm32"))]
mod chunks;
#[cfg(not(target_arch = "wasm32"))]
mod deferred_news;
#[cfg(not(target_arch = "wasm32"))]
mod free_running;

#[cfg(not(target_arch = "wasm32"))]
/// The adapter, or why the tests skip; with `UNROLL_REQUIRE_GPU` set (as `cargo xtask test`
/// does: it installs lavapipe) a missing adapter fails instead.
pub(crate) fn adapter() -> Option<String> {
    match unroll::engine::gpu::adapter_summary() {
        Ok(a) => Some(a),
        Err(why) if std::env::var_os("UNROLL_REQUIRE_GPU").is_some() => panic!("UNROLL_REQUIRE_GPU is set and there is no adapter: {why}"),
        Err(why) => {
            eprintln!("SKIPPED: no WebGPU adapter here ({why})");
            None
        }
    }
}

fn setup(spec: &ModelSpec, optimizer: OptimizerSpec, clipping: Clipping) -> Setup {
    Setup { model: Model::new(spec.clone(), 21).unwrap(), optimizer, clipping, schedule: Schedule::Constant, seed: 1 }
}

#[cfg(not(target_arch = "wasm32"))]
fn both(spec: &ModelSpec, optimizer: OptimizerSpec, clipping: Clipping) -> (Box<dyn Backend>, Box<dyn Backend>) {
    let cpu = backend::create(BackendKind::Cpu, setup(spec, optimizer, clipping)).unwrap();
    let gpu = backend::create(BackendKind::Gpu, setup(spec, optimizer, clipping)).unwrap();
    (cpu, gpu)
}

/// A batch for `spec`: values in [-1, 1] or token ids with trailing padding, a mask when asked,
/// and targets.
pub(crate) struct Batch {
    batch: usize,
    time: usize,
    values: Vec<f32>,
    ids: Vec<u32>,
    mask: Option<Vec<f32>>,
    y: Vec<f32>,
    labels: Vec<u32>,
    loss_from: usize,
}

impl Batch {
    fn new(spec: &ModelSpec, batch: usize, time: usize, seed: u64, masked: bool, loss_from: usize) -> Batch {
        let mut r = rng(seed);
        let (values, ids) = match spec.input {
            unroll::engine::model::InputSpec::Values { features } => (uniform_vec(&mut r, batch * time * features, -1.0, 1.0), vec![]),
            unroll::engine::model::InputSpec::Tokens { vocab, .. } => {
                let ids = (0..batch * time)
                    .map(|i| {
                        let (b, t) = (i / time, i % time);
                        // Row b has time - b % 3 real tokens, then padding (id 0).
                        if t + b % 3 >= time {
                            0
                        } else {
                            1 + ((i * 7919 + seed as usize * 31) % (vocab - 1)) as u32
                        }
                    })
                    .collect();
                (vec![], ids)
            }
        };
        let mask = masked.then(|| (0..batch * time).map(|i| if i % time + (i / time) % 2 >= time { 0.0 } else { 1.0 }).collect());
        let rows = if spec.return_sequences { batch * time } else { batch };
        let y = uniform_vec(&mut r, rows * spec.dense_units, -1.0, 1.0);
        let labels = (0..batch).map(|b| (b % spec.dense_units) as u32).collect();
        Batch { batch, time, values, ids, mask, y, labels, loss_from }
    }
    fn input(&self) -> Input<'_> {
        let data = if self.ids.is_empty() { InputData::Values(&self.values) } else { InputData::Tokens(&self.ids) };
        Input { batch: self.batch, time: self.time, data, mask: self.mask.as_deref(), feedback: None, loss_from: self.loss_from }
    }
    fn targets(&self, spec: &ModelSpec) -> Targets<'_> {
        match spec.loss {
            unroll::engine::model::LossKind::Mse => Targets::Values(&self.y),
            _ => Targets::Classes(&self.labels),
        }
    }
}

/// Every model shape the engine has: each cell alone; stacked with every merge; masks; tokens
/// with padding; a warm-up; cross-entropy.
fn cases() -> Vec<(String, ModelSpec, bool, usize)> {
    let mut out = Vec::new();
    for cell in all_cells() {
        out.push((format!("{cell:?}"), seq_model(2, vec![layer(cell, 5, None)], 2), false, 0));
        out.push((format!("{cell:?} masked, warm-up 2"), seq_model(3, vec![layer(cell, 4, None)], 1), true, 2));
        out.push((
            format!("{cell:?} bidirectional concat over a masked stack"),
            seq_model(2, vec![layer(cell, 3, Some(Merge::Concat)), layer(cell, 4, None)], 1),
            true,
            0,
        ));
        let mut cls = cls_model(30, 4, true, vec![layer(cell, 6, None), layer(cell, 3, Some(Merge::Concat))], 4);
        cls.layers[0].units = 5;
        out.push((format!("{cell:?} classifier, tokens with padding"), cls, false, 0));
    }
    let lstm = CellKind::Lstm { peephole: false };
    for merge in [Merge::Sum, Merge::Ave, Merge::Mul] {
        out.push((format!("LSTM bidirectional {merge:?}"), seq_model(2, vec![layer(lstm, 4, Some(merge))], 2), true, 0));
        out.push((
            format!("GRU bidirectional {merge:?}, final state"),
            {
                let mut s = seq_model(2, vec![layer(CellKind::Gru { reset_after: true }, 4, Some(merge))], 2);
                s.return_sequences = false;
                s
            },
            false,
            0,
        ));
    }
    let mut last = seq_model(2, vec![layer(lstm, 70, None)], 1);
    last.return_sequences = false;
    out.push(("LSTM(70), several workgroup rows, final state".into(), last, false, 0));
    out
}

/// Loss, outputs and every gradient of the GPU engine equal the CPU engine's, within float
/// tolerance, for every case.
#[cfg(not(target_arch = "wasm32"))]
#[test]
fn forward_and_backward_agree_with_the_cpu_engine() {
    let Some(a) = adapter() else { return };
    eprintln!("adapter: {a}");
    for (name, spec, masked, loss_from) in cases() {
        let (mut cpu, mut gpu) = both(&spec, OptimizerSpec::sgd(0.0, 0.0), Clipping::None);
        for (batch, time) in [(3, 5), (5, 3)] {
            let data = Batch::new(&spec, batch, time, 3, masked, loss_from);
            let (input, targets) = (data.input(), data.targets(&spec));
            let (lc, gc) = cpu.gradients(&input, &targets).unwrap();
            let (lg, gg) = gpu.gradients(&input, &targets).unwrap();
            let what = format!("{name}, batch {batch}×{time}");
            assert_close(&format!("{what}: loss"), &[lg], &[lc], 1e-6, 1e-4);
            assert_close(&format!("{what}: gradients"), &gg, &gc, 1e-6, 2e-3);
            let pc = cpu.predict(&input).unwrap().to_vec();
            let pg = gpu.predict(&input).unwrap().to_vec();
            assert_close(&format!("{what}: outputs"), &pg, &pc, 1e-6, 1e-4);
        }
    }
}

/// Twenty training steps on both engines: the same losses, weights and optimiser slots, for every
/// optimiser, every clipping mode and a schedule; a step whose loss is not finite changes nothing
/// on either.
#[cfg(not(target_arch = "wasm32"))]
#[test]
fn training_steps_agree_with_the_cpu_engine() {
    if adapter().is_none() {
        return;
    }
    let lstm = CellKind::Lstm { peephole: false };
    let gru = CellKind::Gru { reset_after: true };
    let classifier = cls_model(40, 5, true, vec![layer(lstm, 6, Some(Merge::Concat))], 3);
    let series = seq_model(1, vec![layer(gru, 8, None), layer(lstm, 4, None)], 1);
    let runs = [
        (OptimizerSpec::adam(1e-2), Clipping::None, Schedule::Constant),
        (OptimizerSpec::amsgrad(1e-2), Clipping::GlobalNorm(0.05), Schedule::Cosine { decay_steps: 10, alpha: 0.1 }),
        (OptimizerSpec::Sgd { lr: 0.1, momentum: 0.9, nesterov: true }, Clipping::Value(0.01), Schedule::Step { every: 5, factor: 0.5 }),
        (
            OptimizerSpec::RmsProp { lr: 1e-2, rho: 0.9, momentum: 0.5, epsilon: 1e-7, centered: true },
            Clipping::Norm(0.02),
            Schedule::Constant,
        ),
        (OptimizerSpec::sgd(0.5, 0.0), Clipping::None, Schedule::Constant),
    ];
    for (spec, name, loss_from) in [(&classifier, "classifier", 0), (&series, "series", 3)] {
        for (optimizer, clipping, schedule) in runs {
            let make = |kind| {
                let mut s = setup(spec, optimizer, clipping);
                s.schedule = schedule;
                backend::create(kind, s).unwrap()
            };
            let (mut cpu, mut gpu) = (make(BackendKind::Cpu), make(BackendKind::Gpu));
            let what = format!("{name}, {optimizer:?}, {clipping:?}, {schedule:?}");
            for step in 0..20 {
                let data = Batch::new(spec, 6, 7, step, false, loss_from);
                let (input, targets) = (data.input(), data.targets(spec));
                let sc = cpu.train_batch(&input, &targets).unwrap();
                let sg = gpu.train_batch(&input, &targets).unwrap();
                assert_close(&format!("{what}: step {step} loss and norm"), &[sg.loss, sg.grad_norm], &[sc.loss, sc.grad_norm], 1e-6, 2e-3);
                assert_close(&format!("{what}: step {step} outputs"), gpu.train_outputs(), cpu.train_outputs(), 1e-5, 2e-3);
            }
            assert_close(&format!("{what}: weights"), &gpu.weights(), &cpu.weights(), 1e-5, 5e-3);
            let (oc, og) = (cpu.optimizer_state(), gpu.optimizer_state());
            assert_eq!(og.iterations, oc.iterations, "{what}: updates");
            for (slot, a, b) in [("m", &og.m, &oc.m), ("v", &og.v, &oc.v), ("a", &og.a, &oc.a)] {
                assert_close(&format!("{what}: slot {slot}"), a, b, 1e-5, 5e-3);
            }
            // A batch whose targets are not finite: no update, and the update count stays.
            let mut data = Batch::new(spec, 6, 7, 99, false, loss_from);
            data.y[0] = f32::NAN;
            let bad_labels = spec.loss == unroll::engine::model::LossKind::SparseCategoricalCrossentropy;
            if !bad_labels {
                let before = gpu.weights();
                let s = gpu.train_batch(&data.input(), &data.targets(spec)).unwrap();
                assert!(s.loss.is_nan(), "{what}: the loss of a NaN target");
                assert_eq!(gpu.weights(), before, "{what}: a step with a NaN loss leaves the weights");
                assert_eq!(gpu.optimizer_state().iterations, 20);
            }
        }
    }
}

/// One training step is the same dispatches and one submission whatever the sequence length:
/// the recurrence runs its whole time loop in one dispatch.
#[cfg(not(target_arch = "wasm32"))]
#[test]
fn dispatches_per_step_do_not_grow_with_the_sequence() {
    if adapter().is_none() {
        return;
    }
    let lstm = CellKind::Lstm { peephole: false };
    let specs = [
        ("sine LSTM", seq_model(1, vec![layer(lstm, 16, None)], 1)),
        (
            "bidirectional GRU classifier",
            cls_model(50, 8, true, vec![layer(CellKind::Gru { reset_after: true }, 8, Some(Merge::Concat))], 4),
        ),
    ];
    for (name, spec) in specs {
        let mut per_t = Vec::new();
        for time in [10, 50, 200] {
            let mut gpu = unroll::engine::gpu::GpuBackend::new(setup(&spec, OptimizerSpec::adam(1e-3), Clipping::GlobalNorm(1.0))).unwrap();
            let data = Batch::new(&spec, 4, time, 1, false, 0);
            gpu.train_batch(&data.input(), &data.targets(&spec)).unwrap();
            let before = gpu.counts();
            gpu.train_batch(&data.input(), &data.targets(&spec)).unwrap();
            let after = gpu.counts();
            per_t.push((after.dispatches - before.dispatches, after.submissions - before.submissions));
        }
        eprintln!("{name}: (dispatches, submissions) per step at T = 10, 50, 200: {per_t:?}");
        assert!(per_t.iter().all(|&c| c == per_t[0]), "{name}: {per_t:?}");
        assert_eq!(per_t[0].1, 1, "{name}: one submission per step");
    }
}

/// The same experiment on both engines draws the same curve: 100 steps of the sine lesson (its
/// defaults: SimpleRNN(100, relu), warm-up, AMSGrad) and of a news preset (the notebook's LSTM,
/// masked, on a small word set), within float tolerance.
#[cfg(not(target_arch = "wasm32"))]
#[test]
fn the_same_seed_draws_the_same_curve_on_both_engines() {
    use unroll::lesson::news::NewsLesson;
    use unroll::lesson::SeriesLesson;
    use unroll::settings::{EngineChoice, Preset, Settings};
    if adapter().is_none() {
        return;
    }
    let sine = |engine| {
        let mut l = SeriesLesson::new(&Settings { engine, ..Settings::default() }).unwrap();
        (0..100).map(|_| l.train_step().unwrap().stats.loss).collect::<Vec<_>>()
    };
    let (cpu, gpu) = (sine(EngineChoice::Cpu), sine(EngineChoice::Webgpu));
    eprintln!("sine loss at steps 1, 50, 100: CPU {:?}, GPU {:?}", [cpu[0], cpu[49], cpu[99]], [gpu[0], gpu[49], gpu[99]]);
    assert_close("sine lesson: losses of 100 steps", &gpu, &cpu, 1e-6, 1e-3);
    let news = |engine| {
        let s = Settings { engine, ..crate::news::settings(Preset::Lstm, 6) };
        let mut l = NewsLesson::new(&s, &crate::news::news_data()).unwrap();
        let mut losses = crate::news::train(&mut l);
        losses.truncate(100);
        losses
    };
    let (cpu, gpu) = (news(EngineChoice::Cpu), news(EngineChoice::Webgpu));
    assert_eq!(cpu.len(), 100, "six epochs of 18 batches");
    eprintln!("news running loss at batches 1, 50, 100: CPU {:?}, GPU {:?}", [cpu[0], cpu[49], cpu[99]], [gpu[0], gpu[49], gpu[99]]);
    assert_close("news lesson: running losses of 100 batches", &gpu, &cpu, 1e-6, 1e-3);
}

/// A batch whose buffers the adapter cannot hold is refused before anything runs, with a message
/// that says what to change; the backend still trains a batch that fits.
#[cfg(not(target_arch = "wasm32"))]
#[test]
fn a_batch_too_large_for_the_adapter_is_refused_with_a_reason() {
    if adapter().is_none() {
        return;
    }
    let spec = seq_model(1, vec![layer(CellKind::Lstm { peephole: false }, 512, None)], 1);
    let mut gpu = backend::create(BackendKind::Gpu, setup(&spec, OptimizerSpec::adam(1e-3), Clipping::None)).unwrap();
    let (b, t) = (512, 2000); // x·W + b alone: 512 × 2000 × 2048 floats = 8 GB
                              // The lessons ask before training starts (Backend::reserve), with the same answer.
    let err = gpu.reserve(b, t, None).unwrap_err().to_string();
    assert!(err.contains("MB in one buffer") && err.contains("smaller batch"), "{err}");
    let x = vec![0.5; b * t];
    let y = vec![0.0; b * t];
    let input = Input { batch: b, time: t, data: InputData::Values(&x), mask: None, feedback: None, loss_from: 0 };
    let err = gpu.train_batch(&input, &Targets::Values(&y)).unwrap_err().to_string();
    assert!(err.contains("MB in one buffer") && err.contains("smaller batch"), "{err}");
    let small = Batch::new(&spec, 2, 3, 1, false, 0);
    assert!(gpu.train_batch(&small.input(), &small.targets(&spec)).unwrap().loss.is_finite());
}

/// In the browser (Chromium's SwiftShader here): the GPU engine's gradients, outputs and three
/// training steps equal the CPU engine's, for a share of the native cases (every cell, merges,
/// masks and tokens) and a model with dropout, awaiting every readback as the worker will.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen_test::wasm_bindgen_test]
async fn the_gpu_engine_agrees_with_the_cpu_engine_in_the_browser() {
    use unroll::engine::gpu::{Gpu, GpuBackend};
    use wasm_bindgen_test::console_log;
    match Gpu::init().await {
        Ok(g) => console_log!("adapter: {:?}", g),
        Err(why) if option_env!("UNROLL_REQUIRE_GPU").is_some() => panic!("UNROLL_REQUIRE_GPU is set and there is no adapter: {why}"),
        Err(why) => {
            console_log!("SKIPPED: no WebGPU adapter here ({why})");
            return;
        }
    }
    let mut dropped = cls_model(30, 4, true, vec![layer(CellKind::Lstm { peephole: false }, 5, Some(Merge::Concat))], 3);
    (dropped.layers[0].dropout, dropped.layers[0].recurrent_dropout) = (0.2, 0.3);
    let with_dropout = ("LSTM classifier with dropout and recurrent dropout".to_string(), dropped, false, 0);
    for (name, spec, masked, loss_from) in cases().into_iter().step_by(3).chain([with_dropout]) {
        let mut cpu = backend::create(BackendKind::Cpu, setup(&spec, OptimizerSpec::adam(1e-2), Clipping::GlobalNorm(1.0))).unwrap();
        let mut gpu = GpuBackend::new(setup(&spec, OptimizerSpec::adam(1e-2), Clipping::GlobalNorm(1.0))).unwrap();
        let data = Batch::new(&spec, 3, 5, 3, masked, loss_from);
        let (input, targets) = (data.input(), data.targets(&spec));
        let (lc, gc) = cpu.gradients(&input, &targets).unwrap();
        let (lg, gg) = gpu.gradients_async(&input, &targets).await.unwrap();
        assert_close(&format!("{name}: loss"), &[lg], &[lc], 1e-6, 1e-4);
        assert_close(&format!("{name}: gradients"), &gg, &gc, 1e-6, 2e-3);
        let pc = cpu.predict(&input).unwrap().to_vec();
        let pg = gpu.predict_async(&input).await.unwrap();
        assert_close(&format!("{name}: outputs"), &pg, &pc, 1e-6, 1e-4);
        for step in 0..3 {
            let data = Batch::new(&spec, 4, 6, step, masked, loss_from);
            let (input, targets) = (data.input(), data.targets(&spec));
            let sc = cpu.train_batch(&input, &targets).unwrap();
            let sg = gpu.train_batch_async(&input, &targets).await.unwrap();
            assert_close(&format!("{name}: step {step} loss"), &[sg.loss], &[sc.loss], 1e-6, 2e-3);
        }
        assert_close(&format!("{name}: weights"), &gpu.weights_async().await.unwrap(), &cpu.weights(), 1e-5, 5e-3);
    }
    // A recurrence cut in chunks of 2 steps, and free-running steps (fed back from step 2), with
    // dropout: the CPU engine's too.
    let mut spec =
        seq_model(1, vec![layer(CellKind::Gru { reset_after: true }, 4, None), layer(CellKind::Lstm { peephole: false }, 3, None)], 1);
    (spec.layers[0].dropout, spec.layers[1].recurrent_dropout) = (0.2, 0.25);
    let mut cpu = backend::create(BackendKind::Cpu, setup(&spec, OptimizerSpec::adam(1e-2), Clipping::None)).unwrap();
    let mut gpu = GpuBackend::new(setup(&spec, OptimizerSpec::adam(1e-2), Clipping::None)).unwrap().with_chunk_steps(2);
    let data = Batch::new(&spec, 3, 7, 4, false, 1);
    let fed = Input { feedback: Some(2), ..data.input() };
    let (lc, gc) = cpu.gradients(&fed, &data.targets(&spec)).unwrap();
    let (lg, gg) = gpu.gradients_async(&fed, &data.targets(&spec)).await.unwrap();
    assert_close("free-running, in chunks: loss", &[lg], &[lc], 1e-6, 1e-4);
    assert_close("free-running, in chunks: gradients", &gg, &gc, 1e-6, 2e-3);
    for step in 0..3 {
        let (taught, fed) = (data.input(), Input { feedback: Some(2), ..data.input() });
        let input = if step == 1 { taught } else { fed };
        let sc = cpu.train_batch(&input, &data.targets(&spec)).unwrap();
        let sg = gpu.train_batch_async(&input, &data.targets(&spec)).await.unwrap();
        assert_close(&format!("free-running, in chunks: step {step} loss"), &[sg.loss], &[sc.loss], 1e-6, 2e-3);
    }
}

/// The tiled matrix product against a plain triple loop, for every combination of transposes,
/// accumulation and bias, at sizes that leave partial tiles, with offsets and padded strides.
#[cfg(not(target_arch = "wasm32"))]
#[test]
fn the_matmul_kernel_agrees_with_a_plain_loop() {
    use unroll::engine::gpu::{run_matmul, MatmulParams, ACCUMULATE, BIAS, TRANS_A, TRANS_B};
    if adapter().is_none() {
        return;
    }
    let mut r = rng(5);
    for (m, n, k) in [(1, 1, 1), (70, 130, 37), (65, 64, 17), (3, 200, 70), (128, 5, 300)] {
        for flags in 0..16u32 {
            let (ta, tb) = (flags & TRANS_A != 0, flags & TRANS_B != 0);
            // Stored shapes (rows × columns, with 3 columns of padding) and offsets.
            let (a_rows, a_cols) = if ta { (k, m) } else { (m, k) };
            let (b_rows, b_cols) = if tb { (n, k) } else { (k, n) };
            let (lda, ldb, ldc) = (a_cols + 3, b_cols + 3, n + 3);
            let (a_off, b_off, c_off) = (5, 7, 2);
            let bias_off = b_off + b_rows * ldb;
            let a = uniform_vec(&mut r, a_off + a_rows * lda, -1.0, 1.0);
            let b = uniform_vec(&mut r, bias_off + n, -1.0, 1.0);
            let c = uniform_vec(&mut r, c_off + m * ldc, -1.0, 1.0);
            let mut want = c.clone();
            for i in 0..m {
                for j in 0..n {
                    let mut acc = 0.0f64;
                    for q in 0..k {
                        let av = if ta { a[a_off + q * lda + i] } else { a[a_off + i * lda + q] };
                        let bv = if tb { b[b_off + j * ldb + q] } else { b[b_off + q * ldb + j] };
                        acc += av as f64 * bv as f64;
                    }
                    if flags & BIAS != 0 {
                        acc += b[bias_off + j] as f64;
                    }
                    let at = c_off + i * ldc + j;
                    want[at] = if flags & ACCUMULATE != 0 { (acc + c[at] as f64) as f32 } else { acc as f32 };
                }
            }
            let p = MatmulParams {
                m: m as u32,
                n: n as u32,
                k: k as u32,
                flags,
                a_off: a_off as u32,
                lda: lda as u32,
                b_off: b_off as u32,
                ldb: ldb as u32,
                c_off: c_off as u32,
                ldc: ldc as u32,
                bias_off: bias_off as u32,
                pad: 0,
            };
            let got = run_matmul(p, &a, &b, &c).unwrap();
            assert_close(&format!("{m}×{n}×{k}, flags {flags:04b}"), &got, &want, 1e-5, 1e-4);
        }
    }
}

/// A lost device (here destroyed, as a driver reset would) stops training with an error that says
/// so — never a panic —, keeps the weights last copied back, and a new run on a fresh device
/// takes them up.
#[cfg(not(target_arch = "wasm32"))]
#[test]
fn a_lost_device_keeps_the_last_copied_weights_and_a_new_one_takes_over() {
    use unroll::engine::gpu::GpuBackend;
    if adapter().is_none() {
        return;
    }
    let spec = seq_model(1, vec![layer(CellKind::Gru { reset_after: true }, 6, None)], 1);
    let mut gpu = GpuBackend::new(setup(&spec, OptimizerSpec::adam(1e-2), Clipping::None)).unwrap();
    let data = Batch::new(&spec, 4, 6, 1, false, 0);
    for _ in 0..60 {
        gpu.train_batch(&data.input(), &data.targets(&spec)).unwrap();
    }
    let (copied, at) = gpu.last_copied();
    let copied = copied.to_vec();
    assert_eq!(at, 50, "copied back every 50 updates");
    gpu.gpu().lose();
    let err = gpu.train_batch(&data.input(), &data.targets(&spec)).unwrap_err().to_string();
    assert!(err.contains("lost"), "{err}");
    assert_eq!(gpu.weights(), copied, "what a lost device leaves: the weights of update 50");
    // A new run gets a new device and goes on from them.
    let mut next = GpuBackend::new(setup(&spec, OptimizerSpec::adam(1e-2), Clipping::None)).unwrap();
    next.load_weights(&copied).unwrap();
    assert!(next.train_batch(&data.input(), &data.targets(&spec)).unwrap().loss.is_finite());
    assert!(next.gpu().lost().is_none());
}

/// With dropout on the inputs, on the recurrent state, or both (one mask per gate for an LSTM or
/// GRU with recurrent dropout, as Keras), training on the GPU draws the CPU trainer's masks in its
/// order and follows it step by step: every cell, a bidirectional stack over token ids (so the
/// masked gradient reaches the embedding).
#[cfg(not(target_arch = "wasm32"))]
#[test]
fn dropout_trains_as_on_the_cpu_engine() {
    if adapter().is_none() {
        return;
    }
    for cell in all_cells() {
        for (rate, recurrent) in [(0.3, 0.0), (0.0, 0.25), (0.2, 0.3)] {
            let drop = |mut l: unroll::engine::model::RecurrentSpec| {
                l.dropout = rate;
                l.recurrent_dropout = recurrent;
                l
            };
            let spec = cls_model(30, 4, true, vec![drop(layer(cell, 5, Some(Merge::Concat))), drop(layer(cell, 4, None))], 3);
            let (mut cpu, mut gpu) = both(&spec, OptimizerSpec::adam(1e-2), Clipping::None);
            let what = format!("{cell:?}, dropout {rate}, recurrent {recurrent}");
            for step in 0..5 {
                let data = Batch::new(&spec, 4, 6, step, false, 0);
                let (input, targets) = (data.input(), data.targets(&spec));
                let sc = cpu.train_batch(&input, &targets).unwrap();
                let sg = gpu.train_batch(&input, &targets).unwrap();
                assert_close(&format!("{what}: step {step} loss"), &[sg.loss, sg.grad_norm], &[sc.loss, sc.grad_norm], 1e-6, 2e-3);
            }
            assert_close(&format!("{what}: weights"), &gpu.weights(), &cpu.weights(), 1e-5, 5e-3);
        }
    }
}

/// Deferred, the browser's way: 70 steps submitted without waiting (three groups and more, a
/// batch of another size closing a group early, the periodic weights copy) arrive in order with
/// the waiting engine's results; `settled` brings the CPU copy up to the device's weights, and
/// inference then runs on it.
#[cfg(not(target_arch = "wasm32"))]
#[test]
fn steps_submitted_without_waiting_arrive_in_order_with_the_waiting_engines_results() {
    use unroll::engine::gpu::{GpuBackend, MAX_IN_FLIGHT};
    if adapter().is_none() {
        return;
    }
    let lstm = CellKind::Lstm { peephole: false };
    let spec = cls_model(40, 5, true, vec![layer(lstm, 6, Some(Merge::Concat))], 3);
    let make = || GpuBackend::new(setup(&spec, OptimizerSpec::adam(1e-2), Clipping::GlobalNorm(1.0))).unwrap();
    let (mut waiting, mut deferred) = (make(), make().deferred());
    let batches: Vec<Batch> = (0..70).map(|s| Batch::new(&spec, if s == 40 { 3 } else { 6 }, 7, s, true, 0)).collect();
    let mut want = Vec::new();
    for b in &batches {
        let stats = waiting.train_batch(&b.input(), &b.targets(&spec)).unwrap();
        want.push((stats, waiting.train_outputs().to_vec()));
    }
    let wait = || std::thread::sleep(std::time::Duration::from_millis(1));
    let mut got = Vec::new();
    for b in &batches {
        assert_eq!(deferred.submit_batch(&b.input(), &b.targets(&spec)).unwrap(), None, "a deferred step gives its results later");
        while Backend::in_flight(&deferred) >= MAX_IN_FLIGHT {
            got.extend(Backend::arrived(&mut deferred).unwrap());
            wait();
        }
    }
    assert!(Backend::in_flight(&deferred) > 0, "submitting does not wait");
    while Backend::in_flight(&deferred) > 0 {
        got.extend(Backend::arrived(&mut deferred).unwrap());
        wait();
    }
    assert_eq!(got.len(), 70);
    for (k, (g, (stats, outputs))) in got.iter().zip(&want).enumerate() {
        assert_eq!(g.stats, *stats, "step {k}: the same kernels on the same data");
        assert_eq!(&g.outputs, outputs, "step {k} outputs");
    }
    while !Backend::settled(&mut deferred).unwrap() {
        wait();
    }
    assert_eq!(deferred.weights(), waiting.weights(), "the CPU copy, settled");
    let probe = &batches[3];
    let on_cpu = deferred.predict(&probe.input()).unwrap().to_vec();
    assert_close("inference on the CPU copy", &on_cpu, waiting.predict(&probe.input()).unwrap(), 1e-5, 1e-4);
    assert_eq!(deferred.optimizer_state().iterations, 70);
}

/// The sine lesson on the deferred engine, as the browser's worker runs it: steps submitted
/// without waiting, outcomes arriving in order on the CPU engine's curve, the waiting call refused
/// with a reason, and an evaluation on the settled CPU copy that matches the CPU engine's.
#[cfg(not(target_arch = "wasm32"))]
#[test]
fn the_sine_lesson_trains_through_the_deferred_engine_as_on_the_cpu() {
    use unroll::engine::gpu::GpuBackend;
    use unroll::lesson::SeriesLesson;
    use unroll::settings::Settings;
    if adapter().is_none() {
        return;
    }
    let (settings, problems) = Settings::from_query("units=16&seq-len=10&warmup=2&lr=0.01&cell=lstm");
    assert!(problems.is_empty(), "{problems:?}");
    let mut cpu = SeriesLesson::new(&settings).unwrap();
    let mut gpu = SeriesLesson::new(&settings).unwrap();
    let on_gpu = Setup {
        model: Model::new(gpu.info().spec.clone(), 0).unwrap(),
        optimizer: settings.optimizer_spec(),
        clipping: settings.clip(),
        schedule: settings.schedule(settings.steps),
        seed: settings.seed,
    };
    // It takes over the lesson's initial weights (and optimiser state).
    gpu.take_over(Box::new(GpuBackend::new(on_gpu).unwrap().deferred())).unwrap();
    const STEPS: usize = 60;
    let want: Vec<f32> = (0..STEPS).map(|_| cpu.train_step().unwrap().stats.loss).collect();
    let mut got = Vec::new();
    let mut submitted = 0;
    while got.len() < STEPS {
        if submitted < STEPS && gpu.in_flight() < 8 {
            assert!(gpu.submit_step().unwrap().is_none(), "its outcome comes later");
            submitted += 1;
        } else {
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        got.extend(gpu.arrived_steps().unwrap().into_iter().map(|o| (o.step, o.stats.loss)));
    }
    assert_eq!(got.iter().map(|g| g.0).collect::<Vec<_>>(), (1..=STEPS as u64).collect::<Vec<_>>(), "in order");
    let losses: Vec<f32> = got.iter().map(|g| g.1).collect();
    assert_close("the curve", &losses, &want, 1e-6, 1e-3);
    let err = gpu.train_step().unwrap_err().to_string();
    assert!(err.contains("gives its results later"), "{err}");
    assert!(gpu.backend().views_behind() <= STEPS as u64, "the views lag by the steps not yet copied back at most");
    while !gpu.settled().unwrap() {
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    assert_eq!(gpu.backend().views_behind(), 0, "settled: the views read every step");
    let (ec, eg) = (cpu.evaluate().unwrap(), gpu.evaluate().unwrap());
    assert_close("held-out predictions", &eg.heldout_pred, &ec.heldout_pred, 1e-4, 1e-2);
}
