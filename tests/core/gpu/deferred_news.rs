//! The news lesson on the deferred engine, as the browser's worker runs it: batches submitted
//! without waiting, their progress arriving in order on the CPU engine's curve, every epoch's end
//! (validation, the best weights kept) waiting for the engine's weights; and a device lost
//! mid-epoch, after which the run goes on on the CPU engine and still ends every epoch.

use unroll::engine::backend::Setup;
use unroll::engine::gpu::{Gpu, GpuBackend};
use unroll::engine::Model;
use unroll::lesson::news::{NewsLesson, Progress};
use unroll::settings::{Preset, Settings};

use super::adapter;
use crate::common::assert_close;

fn settings(epochs: usize) -> Settings {
    Settings { restore_best: true, ..crate::news::settings(Preset::Lstm, epochs) }
}

/// A news lesson whose engine is the deferred WebGPU one (from the same initial weights).
fn on_deferred_gpu(s: &Settings) -> NewsLesson {
    let mut lesson = NewsLesson::new(s, &crate::news::news_data()).unwrap();
    let setup = Setup {
        model: Model::new(lesson.info().spec.clone(), s.seed).unwrap(),
        optimizer: s.optimizer_spec(),
        clipping: s.clip(),
        schedule: lesson.schedule(),
        seed: s.seed,
    };
    lesson.take_over(Box::new(GpuBackend::new(setup).unwrap().deferred())).unwrap();
    lesson
}

fn wait() {
    std::thread::sleep(std::time::Duration::from_millis(1));
}

#[test]
fn the_news_lesson_trains_through_the_deferred_engine_as_on_the_cpu() {
    if adapter().is_none() {
        return;
    }
    let s = settings(3);
    let mut cpu = NewsLesson::new(&s, &crate::news::news_data()).unwrap();
    let want: Vec<Progress> = std::iter::from_fn(|| (!cpu.done()).then(|| cpu.train_batch().unwrap())).collect();
    assert_eq!(want.len(), 3 * cpu.info().batches_per_epoch);

    let mut gpu = on_deferred_gpu(&s);
    let (mut got, mut blocked_at_epoch_end) = (Vec::new(), 0);
    while !gpu.done() {
        if gpu.can_submit() && gpu.in_flight() < 8 {
            assert!(gpu.submit_batch().unwrap().is_none(), "its progress comes later");
        } else {
            if !gpu.can_submit() && !gpu.done() {
                blocked_at_epoch_end += 1;
            }
            wait();
        }
        got.extend(gpu.arrived_batches().unwrap());
    }
    assert!(blocked_at_epoch_end > 0, "an epoch's end waits for its last batch and the weights");
    let err = gpu.submit_batch().unwrap_err().to_string();
    assert!(err.contains("3 epochs"), "{err}");
    let place = |p: &[Progress]| p.iter().map(|p| (p.epoch, p.batch, p.epoch_end.is_some(), p.done)).collect::<Vec<_>>();
    assert_eq!(place(&got), place(&want), "every batch once, in order; the epochs end at their last batch");
    let losses = |p: &[Progress]| p.iter().map(|p| p.loss).collect::<Vec<_>>();
    assert_close("running losses", &losses(&got), &losses(&want), 1e-6, 1e-3);
    let accuracy = |p: &[Progress]| p.iter().map(|p| p.accuracy).collect::<Vec<_>>();
    assert_close("running accuracy (from the outputs that came back)", &accuracy(&got), &accuracy(&want), 1e-6, 2e-2);
    let val = |l: &NewsLesson| l.history().iter().map(|r| r.val_loss.unwrap()).collect::<Vec<_>>();
    assert_close("validation loss at every epoch's end", &val(&gpu), &val(&cpu), 1e-5, 1e-2);
    assert_eq!(gpu.best_epoch(), cpu.best_epoch(), "the same epoch's weights kept");
    let (tc, tg) = (cpu.evaluate_test(0), gpu.evaluate_test(0));
    assert!((tc.accuracy - tg.accuracy).abs() <= 0.02, "test accuracy CPU {} GPU {}", tc.accuracy, tg.accuracy);
}

#[test]
fn a_device_lost_mid_epoch_leaves_the_run_on_the_cpu_which_trains_the_lost_batches_again() {
    if adapter().is_none() {
        return;
    }
    let s = settings(2);
    let mut gpu = on_deferred_gpu(&s);
    let mut got = Vec::new();
    for _ in 0..6 {
        gpu.submit_batch().unwrap();
    }
    while gpu.in_flight() > 0 {
        got.extend(gpu.arrived_batches().unwrap());
        wait();
    }
    for _ in 0..4 {
        gpu.submit_batch().unwrap();
    }
    Gpu::get().unwrap().lose();
    let failed = loop {
        match gpu.arrived_batches() {
            Ok(p) if gpu.in_flight() > 0 => got.extend(p),
            Ok(p) => {
                got.extend(p);
                // Every result came before the device went: it fails at the next use.
                break gpu.submit_batch().and_then(|_| gpu.arrived_batches()).unwrap_err();
            }
            Err(e) => break e,
        }
        wait();
    };
    eprintln!("the engine failed: {failed}");
    assert!(gpu.fall_back_to_cpu().expect("a lost device leaves weights").is_ok());
    assert_ne!(gpu.backend().label(), unroll::engine::backend::BackendLabel::Gpu);
    while !gpu.done() {
        got.push(gpu.train_batch().unwrap());
    }
    let batches: Vec<(usize, usize)> = got.iter().map(|p| (p.epoch, p.batch)).collect();
    let n = gpu.info().batches_per_epoch;
    let every: Vec<(usize, usize)> = (1..=2).flat_map(|e| (1..=n).map(move |b| (e, b))).collect();
    assert_eq!(batches, every, "the batches whose results never came are trained again");
    assert_eq!(gpu.history().len(), 2, "both epochs ended");
}

/// The engine trial of the news lesson's automatic choice: a copy of the model on the WebGPU
/// engine, timed on the run's next batches, comes to a verdict; the winner takes the run over
/// and trains on from its weights.
#[test]
fn a_news_engine_trial_comes_to_a_verdict_and_the_gpu_can_take_the_run_over() {
    use unroll::engine::backend::BackendKind;
    use unroll::lesson::pacing::{Trial, CPU_STEPS};
    if adapter().is_none() {
        return;
    }
    let s = settings(2);
    let mut lesson = NewsLesson::new(&s, &crate::news::news_data()).unwrap();
    let t0 = std::time::Instant::now();
    let ms = || t0.elapsed().as_secs_f64() * 1e3;
    let mut trial = Trial::start(lesson.trial(BackendKind::Gpu, 10).unwrap(), ms()).unwrap();
    let mut cpu = Vec::new();
    let timing = loop {
        if let Some(result) = trial.advance(ms()) {
            break result.unwrap();
        }
        let at = ms();
        cpu.push(lesson.train_batch().unwrap());
        trial.cpu_step(ms() - at);
    };
    eprintln!("news trial: {:?} → {:?}", timing, timing.verdict());
    assert!(cpu.len() >= CPU_STEPS && timing.cpu_ms > 0.0 && timing.gpu_ms > 0.0);
    // Whichever won, the WebGPU engine can take the run over where it stands.
    let before = lesson.backend().weights();
    lesson.take_over(trial.into_lesson().into_backend()).unwrap();
    assert_eq!(lesson.backend().weights(), before, "it takes the run's weights, not its own");
    let p = lesson.train_batch().unwrap();
    assert_eq!((p.epoch, p.batch), (cpu.last().unwrap().epoch, cpu.last().unwrap().batch + 1), "the run goes on");
}
