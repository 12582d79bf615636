"""Keras 3 (TensorFlow backend, CPU) reference benchmark for Unroll's `unroll bench` configurations.

    /opt/bench-venv/bin/python bench/reference/keras_bench.py [--json] [--only NAME] [--samples N] [--steps N]

Each configuration is trained the way a Keras user trains it: `model.compile(Adam(1e-3), loss)`
then `model.fit` on a `tf.data` dataset that yields exactly the benchmark's batches, one epoch,
no shuffling, `jit_compile` left at its default ("auto", which is off on a CPU-only machine;
the value in force is printed). Warm-up: a first `fit` on the first --warmup batches (traces the
train function; for the variable-length model it covers the retrace that `reduce_retracing`
makes after a second shape), untimed. The timed span runs from the start of the first batch of
the second `fit` to the end of its last batch (a callback), so the dataset setup of `fit` is not
counted. See README.md.
"""

import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

args = common.parser(__doc__.split("\n")[0]).parse_args()

import tensorflow as tf  # noqa: E402

tf.config.threading.set_intra_op_parallelism_threads(args.threads)
tf.config.threading.set_inter_op_parallelism_threads(args.threads)
tf.keras.utils.set_random_seed(1)
import keras  # noqa: E402
from keras import layers  # noqa: E402


class Timer(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.t0 = None
        self.t1 = None
        self.batches = 0
        self.begin = None
        self.longest = 0.0

    def on_train_batch_begin(self, batch, logs=None):
        self.begin = time.perf_counter()
        if self.t0 is None:
            self.t0 = self.begin

    def on_train_batch_end(self, batch, logs=None):
        self.t1 = time.perf_counter()
        self.longest = max(self.longest, self.t1 - self.begin)
        self.batches += 1


def build(name):
    if name == "agnews-lstm":
        m = keras.Sequential([keras.Input((common.LENGTH,), dtype="int32"),
                              layers.Embedding(common.VOCAB, 64), layers.LSTM(64), layers.Dense(4)])
    elif name == "course-bilstm":
        m = keras.Sequential([keras.Input((None,), dtype="int32"),
                              layers.Embedding(common.VOCAB, 128, mask_zero=True),
                              layers.Bidirectional(layers.LSTM(64, return_sequences=True)),
                              layers.Bidirectional(layers.LSTM(64)), layers.Dense(4)])
    elif name == "sine-rnn":
        m = keras.Sequential([keras.Input((common.SINE_T, 1)),
                              layers.SimpleRNN(100, activation="relu", return_sequences=True), layers.Dense(1)])
    else:
        m = keras.Sequential([keras.Input((common.SINE_T, 1)),
                              layers.LSTM(common.sine_units(name), return_sequences=True), layers.Dense(1)])
    loss = "mse" if name.startswith("sine") else keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    m.compile(optimizer=keras.optimizers.Adam(1e-3), loss=loss)
    return m


def dataset(name):
    """(tf.data.Dataset of the exact batches, steps, samples, tokens)."""
    if name.startswith("sine"):
        x, y = common.sine_batches(args.steps)
        ds = tf.data.Dataset.from_tensor_slices((x, y)).batch(common.BATCH, drop_remainder=True)
        return ds, args.steps, args.steps * common.BATCH, args.steps * common.BATCH * common.SINE_T
    batches = common.token_batches(name, args.samples, args.data)
    if name == "agnews-lstm":
        x = tf.concat([b[0] for b in batches], 0)
        y = tf.concat([b[1] for b in batches], 0)
        ds = tf.data.Dataset.from_tensor_slices((x, y)).batch(common.BATCH, drop_remainder=True)
    else:
        # The batches of 32 consecutive rows, each padded with 0 to its longest row (what
        # `padded_batch` makes of a text pipeline), as a dataset with a variable time dimension.
        sig = (tf.TensorSpec((common.BATCH, None), tf.int32), tf.TensorSpec((common.BATCH,), tf.int32))
        ds = tf.data.Dataset.from_generator(lambda: ((b[0], b[1]) for b in batches), output_signature=sig)
    steps = len(batches)
    tokens = int(sum(int(b[2].sum()) for b in batches))
    return ds, steps, steps * common.BATCH, tokens


def run(name):
    ds, steps, samples, tokens = dataset(name)
    ds = ds.apply(tf.data.experimental.assert_cardinality(steps)).cache()
    for _ in ds:  # fill the cache: data preparation stays outside the timed loop
        pass
    ds = ds.prefetch(tf.data.AUTOTUNE)
    model = build(name)
    model.fit(ds.take(args.warmup), epochs=1, verbose=0, shuffle=False)
    timer = Timer()
    t = time.perf_counter()
    model.fit(ds, epochs=1, verbose=0, shuffle=False, callbacks=[timer])
    fit_seconds = time.perf_counter() - t
    assert timer.batches == steps, (timer.batches, steps)
    return common.row(name, common.MODELS[name], steps, samples, tokens, timer.t1 - timer.t0,
                      fit_seconds=fit_seconds, longest_step_ms=1e3 * timer.longest, jit_compile=bool(model.jit_compile))


names = args.only or common.NAMES
rows = []
jit = None
for name in names:
    if name not in common.NAMES:
        sys.exit(f"unknown configuration {name} (known: {', '.join(common.NAMES)})")
    common.log(f"keras: running {name} ...")
    rows.append(run(name))
    common.log(f"  {rows[-1]['ms_per_step']:.3f} ms/step")
jit = sorted({r["jit_compile"] for r in rows})
backend = (f"Keras {keras.__version__} on TensorFlow {tf.__version__} (CPU), model.fit on tf.data, "
           f"intra-op {tf.config.threading.get_intra_op_parallelism_threads()} / inter-op "
           f"{tf.config.threading.get_inter_op_parallelism_threads()} threads, jit_compile={'/'.join(map(str, jit))}")
common.report(rows, backend, {"machine": common.machine()}, args.json)
