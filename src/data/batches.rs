//! Batches of token sequences for classification: shuffled each epoch, optionally bucketed by
//! length, and padded per batch to the longest sequence in it (padding is token 0, at the end, as
//! Keras's `pad_sequences(padding="post")` and `TextVectorization` write it).
//!
//! Bucketing works as `tf.data.Dataset.bucket_by_sequence_length` (the notebook's pipeline): the
//! shuffled stream of examples is dealt into buckets by length (`[0, b0)`, `[b0, b1)`, …,
//! `[b_last, ∞)`); a bucket that reaches the batch size is emitted as a batch; at the end of the
//! epoch the part-filled buckets are emitted, shortest bucket first. Batches then hold sequences of
//! similar lengths, so little of each batch is padding.

use rand::seq::SliceRandom;

use crate::engine::train::init::Rng8;

/// Bucket boundaries (in tokens) used when bucketing is on: AG News titles run 2–20 tokens, title +
/// description 10–150.
pub const BUCKET_BOUNDARIES: &[usize] = &[8, 12, 16, 20, 25, 30, 35, 40, 45, 50, 60, 70, 85, 100];

/// One padded batch.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Batch {
    /// Which examples (indices into the data set), in batch order.
    pub rows: Vec<usize>,
    /// `[batch, time]` token ids, 0-padded at the end of each row.
    pub ids: Vec<u32>,
    /// `[batch, time]` 1.0 for a real token, 0.0 for padding.
    pub mask: Vec<f32>,
    /// `[batch]` class ids.
    pub labels: Vec<u32>,
    /// Padded length (at least 1, even when every sequence in the batch is empty).
    pub time: usize,
}

impl Batch {
    pub fn batch(&self) -> usize {
        self.rows.len()
    }

    /// Real tokens in the batch (excluding padding).
    pub fn tokens(&self) -> usize {
        self.mask.iter().filter(|&&m| m == 1.0).count()
    }
}

/// The example indices of one epoch's batches, in order. `lengths[i]` is example `i`'s length;
/// with `rng`, the examples are shuffled first; with `boundaries`, bucketed by length.
pub fn plan_epoch(lengths: &[usize], batch_size: usize, boundaries: Option<&[usize]>, rng: Option<&mut Rng8>) -> Vec<Vec<usize>> {
    assert!(batch_size > 0, "batch size must be positive");
    let mut order: Vec<usize> = (0..lengths.len()).collect();
    if let Some(rng) = rng {
        order.shuffle(rng);
    }
    let Some(bounds) = boundaries else {
        return order.chunks(batch_size).map(<[usize]>::to_vec).collect();
    };
    let mut buckets: Vec<Vec<usize>> = vec![Vec::with_capacity(batch_size); bounds.len() + 1];
    let mut out = Vec::with_capacity(lengths.len().div_ceil(batch_size) + buckets.len());
    for i in order {
        let b = bounds.partition_point(|&edge| edge <= lengths[i]);
        buckets[b].push(i);
        if buckets[b].len() == batch_size {
            out.push(std::mem::replace(&mut buckets[b], Vec::with_capacity(batch_size)));
        }
    }
    out.extend(buckets.into_iter().filter(|b| !b.is_empty()));
    out
}

/// Pads the sequences `rows` of `seqs` into one batch.
pub fn make_batch(seqs: &[Vec<u32>], labels: &[u32], rows: &[usize]) -> Batch {
    let time = rows.iter().map(|&r| seqs[r].len()).max().unwrap_or(0).max(1);
    let n = rows.len();
    let mut batch = Batch { rows: rows.to_vec(), ids: vec![0; n * time], mask: vec![0.0; n * time], labels: Vec::with_capacity(n), time };
    for (b, &r) in rows.iter().enumerate() {
        let s = &seqs[r];
        batch.ids[b * time..b * time + s.len()].copy_from_slice(s);
        batch.mask[b * time..b * time + s.len()].fill(1.0);
        batch.labels.push(labels[r]);
    }
    batch
}

/// How much of a plan's batches is padding: padded cells / all cells (0 = none).
pub fn padding_share(lengths: &[usize], plan: &[Vec<usize>]) -> f64 {
    let (mut real, mut all) = (0usize, 0usize);
    for rows in plan {
        let t = rows.iter().map(|&r| lengths[r]).max().unwrap_or(0).max(1);
        real += rows.iter().map(|&r| lengths[r]).sum::<usize>();
        all += t * rows.len();
    }
    if all == 0 {
        0.0
    } else {
        1.0 - real as f64 / all as f64
    }
}
