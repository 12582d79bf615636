//! Batching: every example once per epoch, bucketed batches of similar lengths, padding at the end.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use unroll::data::batches::{make_batch, padding_share, plan_epoch, BUCKET_BOUNDARIES};
use unroll::engine::train::init::rng_from_seed;

fn lengths(n: usize, seed: u64) -> Vec<usize> {
    // A spread like AG News title + description: 5..150 tokens.
    (0..n).map(|i| 5 + ((i as u64 * 2_654_435_761 + seed) % 146) as usize).collect()
}

fn sorted(plan: &[Vec<usize>]) -> Vec<usize> {
    let mut all: Vec<usize> = plan.iter().flatten().copied().collect();
    all.sort_unstable();
    all
}

#[test]
fn every_example_once_per_epoch_in_batches_of_at_most_the_size() {
    let l = lengths(1000, 3);
    for bounds in [None, Some(BUCKET_BOUNDARIES)] {
        let plan = plan_epoch(&l, 32, bounds, Some(&mut rng_from_seed(5)));
        assert_eq!(sorted(&plan), (0..1000).collect::<Vec<_>>(), "bucketing {}", bounds.is_some());
        assert!(plan.iter().all(|b| !b.is_empty() && b.len() <= 32));
        assert_eq!(plan, plan_epoch(&l, 32, bounds, Some(&mut rng_from_seed(5))), "same seed, same plan");
        assert_ne!(plan, plan_epoch(&l, 32, bounds, Some(&mut rng_from_seed(6))), "another seed, another order");
    }
    // Without shuffling and bucketing: the file order, cut into batches.
    let plan = plan_epoch(&l, 300, None, None);
    assert_eq!(plan.iter().map(Vec::len).collect::<Vec<_>>(), [300, 300, 300, 100]);
    assert_eq!(plan[1][0], 300);
}

#[test]
fn buckets_hold_similar_lengths_and_cut_padding() {
    let l = lengths(5000, 11);
    let bucket_of = |len: usize| BUCKET_BOUNDARIES.partition_point(|&e| e <= len);
    let plan = plan_epoch(&l, 32, Some(BUCKET_BOUNDARIES), Some(&mut rng_from_seed(1)));
    for b in &plan {
        assert!(b.iter().all(|&r| bucket_of(l[r]) == bucket_of(l[b[0]])), "one bucket per batch");
    }
    // Only the last batch of each bucket may be short.
    assert!(plan.iter().filter(|b| b.len() < 32).count() <= BUCKET_BOUNDARIES.len() + 1);
    let flat = plan_epoch(&l, 32, None, Some(&mut rng_from_seed(1)));
    let (bucketed, plain) = (padding_share(&l, &plan), padding_share(&l, &flat));
    assert!(bucketed < 0.15 && plain > 3.0 * bucketed, "padding: bucketed {bucketed:.3}, plain {plain:.3}");
}

#[test]
fn a_batch_is_padded_at_the_end_to_its_longest_row() {
    let seqs = vec![vec![5, 6, 7], vec![], vec![9], vec![2, 3]];
    let labels = vec![0, 1, 2, 3];
    let b = make_batch(&seqs, &labels, &[3, 0, 2]);
    assert_eq!((b.batch(), b.time), (3, 3));
    assert_eq!(b.ids, [2, 3, 0, 5, 6, 7, 9, 0, 0]);
    assert_eq!(b.mask, [1.0, 1.0, 0.0, 1.0, 1.0, 1.0, 1.0, 0.0, 0.0]);
    assert_eq!((b.labels.as_slice(), b.tokens()), (&[3, 0, 2][..], 6));
    // Only empty sequences: one step of padding, fully masked.
    let b = make_batch(&seqs, &labels, &[1]);
    assert_eq!((b.time, b.ids.as_slice(), b.mask.as_slice()), (1, &[0][..], &[0.0][..]));
}
