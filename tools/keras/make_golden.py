"""Writes golden files (the format of ../shared/golden/README.md) for cases the shared folder does
not have: masked per-step regression, stacks, every Bidirectional merge mode, relu SimpleRNN.
Keras 3 in float64 computes the predictions, loss and gradients; traces are left out.

    python tools/keras/make_golden.py tests/fixtures/golden

Needs TensorFlow (`pip install tensorflow-cpu`); run by hand, the files are committed and the test
suite checks every one of them on both engine paths (`tests/core/golden.rs`).
"""

import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import keras  # noqa: E402

keras.config.set_floatx("float64")
B, T, H, VOCAB, EMB, CLASSES = 3, 7, 5, 30, 6, 4
LENGTHS = [7, 4, 2]


def rnn(kind, return_sequences, merge=None):
    layer = {
        "rnn": lambda: keras.layers.SimpleRNN(H, return_sequences=return_sequences),
        "rnn_relu": lambda: keras.layers.SimpleRNN(H, activation="relu", return_sequences=return_sequences),
        "lstm": lambda: keras.layers.LSTM(H, return_sequences=return_sequences),
        "gru_ra": lambda: keras.layers.GRU(H, return_sequences=return_sequences),
        "gru_rb": lambda: keras.layers.GRU(H, reset_after=False, return_sequences=return_sequences),
    }[kind]()
    return keras.layers.Bidirectional(layer, merge_mode=merge) if merge else layer


# name: (task, cells (one per stacked layer), merge mode or None, masked)
CASES = {
    "seq_lstm_masked": ("seq", ["lstm"], None, True),
    "seq_gru_masked": ("seq", ["gru_ra"], None, True),
    "seq_bi_rnn_masked": ("seq", ["rnn"], "concat", True),
    "seq_relu_rnn": ("seq", ["rnn_relu"], None, False),
    "seq_stacked_gru_lstm": ("seq", ["gru_ra", "lstm"], None, False),
    "cls_stacked_lstm_gru_masked": ("cls", ["lstm", "gru_rb"], None, True),
    "cls_bi_gru_sum_masked": ("cls", ["gru_ra"], "sum", True),
    "cls_bi_lstm_ave": ("cls", ["lstm"], "ave", False),
    "cls_bi_rnn_mul_masked": ("cls", ["rnn"], "mul", True),
    "cls_bi_stack_masked": ("cls", ["lstm", "lstm"], "concat", True),
}


def build(task, cells, merge, masked):
    rng = np.random.default_rng(11)
    if task == "seq":
        inp = keras.Input((T, 1))
        x = rng.uniform(-1, 1, (B, T, 1))
        h = keras.layers.Masking(0.0)(inp) if masked else inp
        y = rng.uniform(-1, 1, (B, T, 1))
    else:
        inp = keras.Input((T,), dtype="int32")
        x = rng.integers(1, VOCAB, (B, T))
        h = keras.layers.Embedding(VOCAB, EMB, mask_zero=masked)(inp)
        y = np.array([0, 2, 1])
    if masked:
        for b, n in enumerate(LENGTHS):
            x[b, n:] = 0
    for k, cell in enumerate(cells):
        h = rnn(cell, k + 1 < len(cells) or task == "seq", merge)(h)
    out = keras.layers.Dense(1 if task == "seq" else CLASSES)(h)
    model = keras.Model(inp, out)
    for w in model.weights:
        w.assign(rng.uniform(-0.5, 0.5, w.shape))
    return model, x, y


def names(task, cells, merge):
    out = ["embedding.embeddings"] if task == "cls" else []
    for k in range(len(cells)):
        for d in (("forward", "backward") if merge else (None,)):
            prefix = f"rnn{k}.{d}" if d else f"rnn{k}"
            out += [f"{prefix}.kernel", f"{prefix}.recurrent_kernel", f"{prefix}.bias"]
    return out + ["dense.kernel", "dense.bias"]


def main(folder):
    os.makedirs(folder, exist_ok=True)
    for case, (task, cells, merge, masked) in CASES.items():
        model, x, y = build(task, cells, merge, masked)
        with tf.GradientTape() as tape:
            out = model(x)
            if task == "seq":
                loss = keras.losses.MeanSquaredError()(y, out)
            else:
                loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)(y, out)
        grads = tape.gradient(loss, model.trainable_weights)
        wnames = names(task, cells, merge)
        assert len(wnames) == len(model.trainable_weights), (case, len(wnames), len(model.trainable_weights))
        cell = "rnn" if cells[0].startswith("rnn") else cells[0]
        spec = {"cell": cell, "task": task}
        if cells[0] == "rnn_relu":
            spec["activation"] = "relu"
        if merge:
            spec["bi"] = True
            spec["merge"] = merge
        if masked:
            spec["mask"] = True
        if len(cells) > 1:
            spec["stacked"] = True
            spec["cells"] = ["rnn" if c.startswith("rnn") else c for c in cells]
        mask = (np.arange(T)[None, :] < np.array(LENGTHS)[:, None]).astype(float) if masked else None
        forward = {"predictions": np.asarray(out).tolist()} if task == "seq" else {"logits": np.asarray(out).tolist(), "probs": tf.nn.softmax(out).numpy().tolist()}
        doc = {
            "case": case, "spec": spec,
            "config": {"vocab": VOCAB, "emb": EMB, "hidden": H, "seq_len": T, "batch": B, "classes": CLASSES},
            "dtype": "float64", "seed": 11,
            "model_keras": f"{task}: {' -> '.join(cells)}{f' in Bidirectional({merge})' if merge else ''}{' masked' if masked else ''} (Keras {keras.__version__}, float64)",
            "inputs": x.tolist(), "targets": y.tolist(), "mask": None if mask is None else mask.tolist(),
            "lengths": LENGTHS if masked else None,
            "weights": {n: {"shape": list(w.shape), "values": np.asarray(w).tolist()} for n, w in zip(wnames, model.trainable_weights)},
            "forward": forward, "traces": {}, "loss": float(loss),
            "grads": {n: np.asarray(tf.convert_to_tensor(g)).tolist() for n, g in zip(wnames, grads)},
        }
        with open(os.path.join(folder, f"{case}.json"), "w") as f:
            json.dump(doc, f)
        print(f"{case}: loss {float(loss):.6f}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "tests/fixtures/golden")
