"""The course's own recipe in Keras, on the sine lesson's data: the table `unroll bench
--generation` prints, for Keras with teacher forcing (issue 16).

The data and the protocol are the sine lesson's at the page's defaults (src/lesson/series.rs,
src/data/series.rs, src/data/windows.rs):
- y = sin(x) at 250 points evenly from x = 0 to 10, no noise; the first 200 are trained on, the
  last 50 held out.
- Every training step: 32 random windows of T = 30 values from the training stretch, the target
  the window shifted one step ahead; SimpleRNN/LSTM/GRU(100, return_sequences=True) → Dense(1)
  per step (SimpleRNN with relu, as the course); MSE; Adam(1e-3); `steps` steps (train_on_batch).
- Held-out next-step MSE: every held-out value predicted (last step's output) from the 30 values
  before it.
- Generation: from the last 30 training values, predict the next, append it, drop the oldest, 200
  times; MSE against sin(x) at the positions that continue the sampling grid.

Keras has no free-running training in `fit`; this is the teacher-forced table only, with every
step scored (the course's recipe) or, with `--warmup N`, the first N steps of each window left out
of the loss by a per-step `sample_weight` of 0 and, with `--amsgrad`, Adam's AMSGrad variant (the
page's default recipe: `--warmup 15 --amsgrad`).

Run by hand (needs TensorFlow, which the test command does not install):
    python bench/reference/keras_generation.py [--seeds 10] [--steps 2000] [--cells rnn,lstm,gru] [--warmup 15] [--amsgrad]
It prints one line per run and a summary per cell (≤ 0.05 counts as a generation that holds).
"""

import argparse
import json
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import keras  # noqa: E402
from keras import layers  # noqa: E402

POINTS, X_MIN, X_MAX, T, BATCH, UNITS, GEN = 250, 0.0, 10.0, 30, 32, 100, 200
HOLDS = 0.05


def data():
    dx = (X_MAX - X_MIN) / (POINTS - 1)
    xs = X_MIN + np.arange(POINTS + GEN, dtype=np.float64) * dx
    values = np.sin(xs[:POINTS]).astype(np.float32)
    train_end = POINTS - round(POINTS * 0.2)
    truth = np.sin(xs[train_end:train_end + GEN]).astype(np.float32)
    return values, train_end, truth


def build(cell, amsgrad=False):
    rnn = {
        "rnn": lambda: layers.SimpleRNN(UNITS, activation="relu", return_sequences=True),
        "lstm": lambda: layers.LSTM(UNITS, return_sequences=True),
        "gru": lambda: layers.GRU(UNITS, return_sequences=True),
    }[cell]()
    model = keras.Sequential([keras.Input((T, 1)), rnn, layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(1e-3, amsgrad=amsgrad), loss="mse")
    return model


def run(cell, seed, steps, warmup=0, amsgrad=False):
    keras.utils.set_random_seed(seed)
    values, train_end, truth = data()
    rng = np.random.default_rng(seed)
    model = build(cell, amsgrad)
    starts = train_end - T
    weights = np.ones((BATCH, T), dtype=np.float32)
    weights[:, :warmup] = 0.0
    t0 = time.perf_counter()
    for _ in range(steps):
        s = rng.integers(0, starts, BATCH)
        x = np.stack([values[i:i + T] for i in s])[..., None]
        y = np.stack([values[i + 1:i + T + 1] for i in s])[..., None]
        model.train_on_batch(x, y, sample_weight=weights if warmup else None)
    ms = (time.perf_counter() - t0) * 1000 / steps
    held = np.stack([values[j - T:j] for j in range(train_end, POINTS)])[..., None]
    pred = model(held, training=False).numpy()[:, -1, 0]
    heldout_mse = float(np.mean((pred - values[train_end:]) ** 2))
    window = values[train_end - T:train_end].copy()
    gen = []
    for _ in range(GEN):
        out = float(model(window[None, :, None], training=False).numpy()[0, -1, 0])
        gen.append(out)
        window = np.append(window[1:], np.float32(out))
    gen_mse = float(np.mean((np.array(gen, dtype=np.float64) - truth) ** 2))
    return heldout_mse, gen_mse, ms


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--steps", type=int, default=2000)
    ap.add_argument("--cells", default="rnn,lstm,gru")
    ap.add_argument("--warmup", type=int, default=0)
    ap.add_argument("--amsgrad", action="store_true")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    names = {"rnn": "SimpleRNN", "lstm": "LSTM", "gru": "GRU"}
    rows = []
    for cell in a.cells.split(","):
        for seed in range(1, a.seeds + 1):
            h, g, ms = run(cell, seed, a.steps, a.warmup, a.amsgrad)
            rows.append({"cell": names[cell], "seed": seed, "heldout_mse": h, "generation_mse": g, "ms_per_step": ms})
            if not a.json:
                mark = "" if g <= HOLDS else "  x"
                print(f"{names[cell]:<10}{seed:>6}{h:>15.2e}{g:>17.3e}{mark:<4}{ms:>10.2f}", flush=True)
    if a.json:
        print(json.dumps({"bench": "generation", "engine": f"keras {keras.__version__} ({keras.backend.backend()})",
                          "steps": a.steps, "training": "teacher forcing", "warmup": a.warmup, "amsgrad": a.amsgrad, "rows": rows}))
        return
    for cell in names.values():
        mine = [r["generation_mse"] for r in rows if r["cell"] == cell]
        if mine:
            holds = sum(g <= HOLDS for g in mine)
            print(f"{cell}: generation MSE <= {HOLDS} on {holds} of {len(mine)} seeds; median {sorted(mine)[len(mine) // 2]:.3e}")


if __name__ == "__main__":
    main()
