"""Round trip check between Keras and Unroll (run by hand; needs TensorFlow):

    python tools/keras/roundtrip_check.py [path/to/unroll]

For every kind of model Unroll supports, builds it in Keras, exports it with check data, asks
`unroll model verify` to reproduce Keras's outputs, loads the file back into Keras with
`unroll_keras.load`, and compares predictions. Exits non-zero on any mismatch.
"""

import os
import subprocess
import sys
import tempfile

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import keras  # noqa: E402

sys.path.insert(0, os.path.dirname(__file__))
import unroll_keras  # noqa: E402

UNROLL = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..", "target", "release", "unroll")


def token_model(rnn, vocab=40, dim=6, classes=4):
    return keras.Sequential([keras.Input(shape=(None,), dtype="int32"), keras.layers.Embedding(vocab, dim, mask_zero=True), *rnn,
                             keras.layers.Dense(classes, activation="softmax")])


def value_model(rnn, features=2):
    return keras.Sequential([keras.Input(shape=(None, features)), *rnn, keras.layers.Dense(1)])


CASES = {
    "simple_rnn tanh": lambda: token_model([keras.layers.SimpleRNN(5)]),
    "simple_rnn relu": lambda: token_model([keras.layers.SimpleRNN(5, activation="relu")]),
    "lstm": lambda: token_model([keras.layers.LSTM(5)]),
    "gru reset_after": lambda: token_model([keras.layers.GRU(5)]),
    "gru reset_before": lambda: token_model([keras.layers.GRU(5, reset_after=False)]),
    "bidirectional lstm stack": lambda: token_model([keras.layers.Bidirectional(keras.layers.LSTM(4, return_sequences=True)),
                                                     keras.layers.Bidirectional(keras.layers.LSTM(3))]),
    "bidirectional gru sum": lambda: token_model([keras.layers.Bidirectional(keras.layers.GRU(4), merge_mode="sum")]),
    "bidirectional rnn mul": lambda: token_model([keras.layers.Bidirectional(keras.layers.SimpleRNN(4), merge_mode="mul")]),
    "sequence lstm": lambda: value_model([keras.layers.LSTM(6, return_sequences=True)]),
    "sequence stacked gru": lambda: value_model([keras.layers.GRU(4, return_sequences=True), keras.layers.GRU(3, return_sequences=True)]),
}


def inputs_for(model):
    rng = np.random.default_rng(0)
    if model.layers[0].__class__.__name__ == "Embedding":
        x = rng.integers(1, 40, size=(3, 7))
        x[1, 4:] = 0
        x[2, 2:] = 0
        return x
    return rng.uniform(-1, 1, size=(3, 7, 2)).astype("float32")


def main():
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        for name, build in CASES.items():
            keras.utils.set_random_seed(1)
            model = build()
            x = inputs_for(model)
            path = os.path.join(tmp, name.replace(" ", "_") + ".json")
            extra = {}
            if model.layers[0].__class__.__name__ == "Embedding":
                # A vectorizer (smaller than the embedding) and class names travel with token models.
                tv = keras.layers.TextVectorization(max_tokens=20)
                tv.adapt(["the cat sat on the mat", "a dog and a cat"])
                extra = {"vectorizer": tv, "classes": ["w", "x", "y", "z"], "about": "roundtrip_check.py"}
            unroll_keras.export(model, path, check_inputs=x, **extra)
            run = subprocess.run([UNROLL, "model", "verify", path], capture_output=True, text=True)
            back = unroll_keras.load(path)
            diff = float(np.max(np.abs(back.predict(x, verbose=0) - model.predict(x, verbose=0))))
            ok = run.returncode == 0 and diff < 1e-5
            failures += not ok
            print(f"{'ok  ' if ok else 'FAIL'} {name:28} unroll: {run.stdout.strip() or run.stderr.strip()} | back in Keras: max diff {diff:.2e}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
