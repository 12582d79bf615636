//! A long recurrence runs in chunks of steps, one dispatch and submission each (so no GPU
//! watchdog fires): every model shape gives the same loss, gradients and training steps cut in
//! chunks as in one piece.

use unroll::engine::backend::Backend;
use unroll::engine::gpu::GpuBackend;
use unroll::engine::train::{Clipping, OptimizerSpec};

use super::{adapter, cases, setup, Batch};
use crate::common::assert_close;

#[test]
fn a_recurrence_cut_in_chunks_computes_what_it_computes_in_one_piece() {
    if adapter().is_none() {
        return;
    }
    const TIME: usize = 7;
    for (what, spec, masked, loss_from) in cases() {
        let make = || GpuBackend::new(setup(&spec, OptimizerSpec::adam(1e-2), Clipping::GlobalNorm(1.0))).unwrap();
        let (mut whole, mut cut) = (make(), make().with_chunk_steps(3));
        let data = Batch::new(&spec, 5, TIME, 3, masked, loss_from);
        let (lw, gw) = whole.gradients(&data.input(), &data.targets(&spec)).unwrap();
        let (lc, gc) = cut.gradients(&data.input(), &data.targets(&spec)).unwrap();
        assert_close(&format!("{what}: loss"), &[lc], &[lw], 1e-7, 1e-6);
        assert_close(&format!("{what}: gradients"), &gc, &gw, 1e-7, 1e-5);
        for k in 0..3 {
            let sw = whole.train_batch(&data.input(), &data.targets(&spec)).unwrap();
            // (The counters are the device's, which both backends share.)
            let before = cut.counts();
            let sc = cut.train_batch(&data.input(), &data.targets(&spec)).unwrap();
            let after = cut.counts();
            assert_close(&format!("{what}: step {k} loss"), &[sc.loss], &[sw.loss], 1e-7, 1e-5);
            assert_close(&format!("{what}: step {k} outputs"), cut.train_outputs(), whole.train_outputs(), 1e-7, 1e-5);
            // Three chunks (3 + 3 + 1 steps) per direction, forward and backward: a submission
            // after each but the last.
            let dirs: usize = spec.layers.iter().map(|l| if l.bidirectional.is_some() { 2 } else { 1 }).sum();
            assert_eq!(after.submissions - before.submissions, 2 * 3 * dirs as u64 + 1, "{what}");
        }
        assert_close(&format!("{what}: weights after 3 steps"), &cut.weights(), &whole.weights(), 1e-6, 1e-4);
    }
}
