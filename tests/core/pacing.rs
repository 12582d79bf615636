//! Pacing the WebGPU engine's steps in flight, and the automatic choice of engine by measured
//! speed (`lesson/pacing.rs`), with a clock the tests move by hand.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use unroll::engine::backend::BackendLabel;
use unroll::lesson::pacing::{Pacer, Timing, Trainable, Trial, CPU_STEPS, HOPELESS, TRIAL_MS, TRIAL_STEPS};

#[test]
fn the_pacer_allows_one_step_until_it_has_measured_then_about_150_ms_of_work() {
    let mut p = Pacer::default();
    assert_eq!(p.limit(64), 1, "the first step also builds the pipelines");
    p.submitted(0.0);
    p.arrived(1000.0, 1, 0);
    assert_eq!(p.limit(64), 1, "a second of pipeline building and one step: one at a time");
    // Idle between: the clock starts again at the next submission.
    p.submitted(5000.0);
    for k in 1..=40 {
        p.arrived(5000.0 + 10.0 * k as f64, 1, 3);
    }
    assert_eq!(p.limit(64), 15, "10 ms a step: 150 ms of work in flight");
    assert_eq!(p.limit(8), 8, "never more than asked");
    p.stopped();
    p.arrived(1e6, 1, 0);
    assert_eq!(p.limit(64), 15, "an arrival after a pause says nothing of the speed");
}

#[test]
fn results_that_come_in_bursts_do_not_make_the_device_look_fast() {
    // 100 ms a step, but the results come 10 at a time: a second's wait, then 10 arrivals a
    // millisecond apart (readbacks answered in consecutive turns of the event loop).
    let mut p = Pacer::default();
    p.submitted(0.0);
    let mut now = 0.0;
    for _ in 0..20 {
        now += 991.0;
        for _ in 0..10 {
            now += 1.0;
            p.arrived(now, 1, 5);
        }
    }
    assert!(p.limit(64) <= 3, "about 150 ms of work in flight, not {}", p.limit(64));
}

#[test]
fn the_verdict_names_the_faster_engine_with_both_figures() {
    let (label, why) = Timing { cpu_ms: 6.5, gpu_ms: 1663.0 }.verdict();
    assert_eq!(label, BackendLabel::cpu());
    assert_eq!(why, "auto: 256× faster than WebGPU here (6.5 vs 1663 ms a step)");
    let (label, why) = Timing { cpu_ms: 31.0, gpu_ms: 10.0 }.verdict();
    assert_eq!(label, BackendLabel::Gpu);
    assert_eq!(why, "auto: 3.1× faster than the CPU here (10.0 vs 31.0 ms a step)");
}

/// An engine whose steps come back when the test says.
#[derive(Default)]
struct Engine {
    submitted: usize,
    /// Steps that came back, a poll's worth each.
    finished: VecDeque<usize>,
    /// The error the next poll gives.
    error: Option<String>,
}

#[derive(Clone, Default)]
struct Fake(Rc<RefCell<Engine>>);

impl Fake {
    fn submitted(&self) -> usize {
        self.0.borrow().submitted
    }
    fn finish(&self, n: usize) {
        self.0.borrow_mut().finished.push_back(n);
    }
}

impl Trainable for Fake {
    fn submit(&mut self) -> Result<(), String> {
        self.0.borrow_mut().submitted += 1;
        Ok(())
    }
    fn arrived(&mut self) -> Result<usize, String> {
        let mut s = self.0.borrow_mut();
        if let Some(e) = s.error.take() {
            return Err(e);
        }
        Ok(s.finished.pop_front().unwrap_or(0))
    }
}

/// The CPU's figure: its fastest of the run's first steps (the first grows memory; a busy moment).
fn cpu_steps(t: &mut Trial<Fake>, steps: &[f64]) {
    for &ms in steps {
        t.cpu_step(ms);
    }
}

#[test]
fn a_trial_warms_up_times_one_step_then_several_against_the_cpus_fastest_step() {
    let fake = Fake::default();
    let mut t = Trial::start(fake.clone(), 0.0).unwrap();
    assert_eq!(fake.submitted(), 1, "the warm-up step");
    assert!(t.advance(100.0).is_none());
    fake.finish(1);
    assert!(t.advance(900.0).is_none(), "pipelines built");
    assert_eq!(fake.submitted(), 2, "one step alone");
    fake.finish(1);
    assert!(t.advance(902.0).is_none());
    assert_eq!(fake.submitted(), 2, "2 ms; the CPU's figure is not known yet");
    cpu_steps(&mut t, &[50.0, 4.0]);
    assert!(t.advance(903.0).is_none());
    assert_eq!(fake.submitted(), 2, "{CPU_STEPS} CPU steps first");
    cpu_steps(&mut t, &[9.0]);
    assert!(t.advance(904.0).is_none());
    assert_eq!(fake.submitted(), 2 + TRIAL_STEPS, "in the race: several together");
    fake.finish(3);
    assert!(t.advance(905.0).is_none());
    fake.finish(TRIAL_STEPS - 3);
    let timing = t.advance(920.0).unwrap().unwrap();
    assert_eq!(timing.gpu_ms, 16.0 / TRIAL_STEPS as f64);
    assert_eq!(timing.cpu_ms, 4.0, "the fastest CPU step");
    assert_eq!(timing.verdict().0, BackendLabel::Gpu);
}

#[test]
fn a_hopeless_or_silent_or_failing_gpu_ends_the_trial_for_the_cpu() {
    let fake = Fake::default();
    let mut t = Trial::start(fake.clone(), 0.0).unwrap();
    cpu_steps(&mut t, &[1.0; CPU_STEPS]);
    fake.finish(1);
    t.advance(500.0);
    fake.finish(1);
    let timing = t.advance(500.0 + HOPELESS + 1.0).unwrap().unwrap();
    assert_eq!(timing.verdict().0, BackendLabel::cpu(), "one step slower than {HOPELESS} CPU steps");
    assert_eq!(fake.submitted(), 2, "no more steps spent on it");

    let mut t = Trial::start(Fake::default(), 0.0).unwrap();
    assert!(t.advance(TRIAL_MS - 1.0).is_none());
    assert!(t.advance(TRIAL_MS + 1.0).unwrap().unwrap_err().contains("did not finish"));

    let fake = Fake::default();
    let mut t = Trial::start(fake.clone(), 0.0).unwrap();
    fake.0.borrow_mut().error = Some("device lost".into());
    assert_eq!(t.advance(1.0).unwrap().unwrap_err(), "device lost");
}
