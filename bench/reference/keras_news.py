"""Keras reference for the news lesson's presets: the notebook's pipeline on AG News, with the test
accuracy after every epoch, so that `unroll train --task agnews --preset NAME` can be compared with
Keras on the same model, data and number of epochs.

    /opt/bench-venv/bin/python bench/reference/keras_news.py --preset rnn [--epochs 3] [--json]
        [--data DIR] [--no-mask] [--no-bucket] [--seed 1] [--threads 2] [--lr-schedule cosine]

The pipeline is the one `src/lesson/news.rs` documents: `val_share` (5 %) of train.csv held out for
validation (a seeded numpy shuffle; not the same rows as Unroll's, which is why the comparison is
on the test set), `TextVectorization(max_tokens=20000)` adapted on the training texts (title, or
title + " " + description), Embedding(20000, 64 or 128, mask_zero) → recurrent layers →
Dense(classes) with logits, Adam(1e-3), batch 32, each epoch shuffled and bucketed by length with
`bucket_by_sequence_length` (Unroll's boundaries), padded per batch. A callback evaluates the test
set after each epoch. Presets are those of `src/settings.rs` (`Preset::apply`).
"""

import argparse
import csv
import json
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

PRESETS = {
    # name: (fields, cell, units, layers, bidirectional, embed_dim, mask)
    "rnn-title": ("title", "rnn", 16, 1, False, 64, False),
    "rnn": ("both", "rnn", 16, 1, False, 64, True),
    "lstm": ("both", "lstm", 8, 1, False, 64, True),
    "bilstm": ("both", "lstm", 64, 2, True, 128, True),
    "gru": ("both", "gru", 64, 1, False, 64, True),
}
BOUNDARIES = [8, 12, 16, 20, 25, 30, 35, 40, 45, 50, 60, 70, 85, 100]  # src/data/batches.rs

p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
p.add_argument("--preset", choices=sorted(PRESETS), required=True)
p.add_argument("--epochs", type=int, default=2)
p.add_argument("--data", default=os.environ.get("UNROLL_AG_NEWS_DIR", "/work/shared/data/ag_news"))
p.add_argument("--no-mask", action="store_true")
p.add_argument("--no-bucket", action="store_true")
p.add_argument("--seed", type=int, default=1)
p.add_argument("--threads", type=int, default=2)
p.add_argument("--vocab", type=int, default=20000)
p.add_argument("--val-share", type=float, default=0.05)
# cosine: Keras's CosineDecay from 1e-3 to 0 over all the run's steps (Unroll's `--lr-schedule cosine`)
p.add_argument("--lr-schedule", choices=["constant", "cosine"], default="constant")
p.add_argument("--json", action="store_true")
args = p.parse_args()

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

tf.config.threading.set_intra_op_parallelism_threads(args.threads)
tf.config.threading.set_inter_op_parallelism_threads(args.threads)
tf.keras.utils.set_random_seed(args.seed)
import keras  # noqa: E402
from keras import layers  # noqa: E402

fields, cell, units, n_layers, bidirectional, embed_dim, mask = PRESETS[args.preset]
mask = mask and not args.no_mask


def read(path):
    rows = []
    with open(path, newline="", encoding="utf-8") as f:
        for r in csv.reader(f):
            if len(r) == 3 and r[0] in ("1", "2", "3", "4"):
                rows.append((int(r[0]) - 1, r[1], r[2]))
    return rows


def text(r):
    return r[1] if fields == "title" else r[1] + " " + r[2]


train_rows = read(os.path.join(args.data, "train.csv"))
test_rows = read(os.path.join(args.data, "test.csv"))
order = np.random.default_rng(args.seed).permutation(len(train_rows))
n_val = round(len(train_rows) * args.val_share)
val_rows = [train_rows[i] for i in sorted(order[:n_val])]
train_rows = [train_rows[i] for i in sorted(order[n_val:])]

vectorizer = layers.TextVectorization(max_tokens=args.vocab, ragged=True)
vectorizer.adapt(tf.constant([text(r) for r in train_rows]))


def dataset(rows, shuffle):
    ids = vectorizer(tf.constant([text(r) for r in rows]))
    # An empty text becomes one padding step (as in Unroll), so no batch has zero steps.
    ids = tf.ragged.map_flat_values(lambda v: v, ids)
    ids = [x if len(x) else [0] for x in ids.to_list()]
    labels = np.array([r[0] for r in rows], dtype=np.int32)
    ds = tf.data.Dataset.from_tensor_slices((tf.ragged.constant(ids, dtype=tf.int64), labels))
    ds = ds.map(lambda x, y: (x, y))
    if shuffle:
        ds = ds.shuffle(len(rows), seed=args.seed, reshuffle_each_iteration=True)
    if args.no_bucket:
        ds = ds.padded_batch(32)
    else:
        ds = ds.bucket_by_sequence_length(lambda x, y: tf.shape(x)[0], BOUNDARIES, [32] * (len(BOUNDARIES) + 1))
    return ds.prefetch(2)


train_ds, val_ds, test_ds = dataset(train_rows, True), dataset(val_rows, False), dataset(test_rows, False)


def rnn_layer(return_sequences):
    kinds = {"rnn": layers.SimpleRNN, "lstm": layers.LSTM, "gru": layers.GRU}
    layer = kinds[cell](units, return_sequences=return_sequences)
    return layers.Bidirectional(layer) if bidirectional else layer


model = keras.Sequential(
    [keras.Input(shape=(None,), dtype="int64"), layers.Embedding(args.vocab, embed_dim, mask_zero=mask)]
    + [rnn_layer(k < n_layers - 1) for k in range(n_layers)]
    + [layers.Dense(4)]
)
if args.lr_schedule == "cosine":
    steps = args.epochs * sum(1 for _ in train_ds)
    lr = keras.optimizers.schedules.CosineDecay(1e-3, decay_steps=steps)
else:
    lr = 1e-3
model.compile(optimizer=keras.optimizers.Adam(lr), loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
              metrics=["accuracy"])


class TestEachEpoch(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.records = []
        self.t0 = None

    def on_epoch_begin(self, epoch, logs=None):
        self.t0 = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        seconds = time.perf_counter() - self.t0
        test_loss, test_acc = self.model.evaluate(test_ds, verbose=0)
        rec = {"epoch": epoch + 1, "seconds": seconds, "loss": logs["loss"], "accuracy": logs["accuracy"],
               "val_loss": logs.get("val_loss"), "val_accuracy": logs.get("val_accuracy"),
               "test_loss": test_loss, "test_accuracy": test_acc}
        self.records.append(rec)
        if not args.json:
            print(f"epoch {epoch + 1}/{args.epochs}: loss {rec['loss']:.4f} accuracy {rec['accuracy']:.4f} "
                  f"val_accuracy {rec['val_accuracy']:.4f} test_accuracy {test_acc:.4f} ({seconds:.1f} s)", flush=True)


cb = TestEachEpoch()
model.fit(train_ds, validation_data=val_ds, epochs=args.epochs, callbacks=[cb], verbose=0)
result = {
    "framework": f"Keras {keras.__version__} on TensorFlow {tf.__version__} (CPU), {args.threads} threads",
    "preset": args.preset, "mask": mask, "bucket": not args.no_bucket, "seed": args.seed, "lr_schedule": args.lr_schedule,
    "train_rows": len(train_rows), "val_rows": len(val_rows), "test_rows": len(test_rows),
    "params": model.count_params(), "epochs": cb.records,
}
if args.json:
    print(json.dumps(result))
else:
    best = max(cb.records, key=lambda r: r["val_accuracy"])
    print(f"best validation accuracy at epoch {best['epoch']}: test accuracy {best['test_accuracy']:.4f}")
