"""Writes tests/fixtures/keras_news_lstm.unroll.json: a headline classifier trained in Keras and
exported with `unroll_keras.export`, for the tests to open a real Keras export (natively: its
check outputs; in the page: Open a model file, then it reads headlines).

    python tools/keras/make_keras_news_fixture.py [AG_NEWS_DIR] [OUT]

The course's model, small: TextVectorization(max_tokens=1000, output_sequence_length=24) adapted
on the AG News training titles, Embedding(1000, 16, mask_zero=True), LSTM(16), Dense(4) (logits),
Adam, 3 epochs, seed 42. Made with the Keras and TensorFlow versions the file's `about` names
(pip install tensorflow-cpu in a virtual environment); other versions give other weights, and
the tests only rely on the file being consistent (its own check outputs) and reading plainly
sporting or business headlines right.
"""

import csv
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import keras  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import unroll_keras  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "../../../shared/data/ag_news")
OUT = sys.argv[2] if len(sys.argv) > 2 else os.path.join(HERE, "../../tests/fixtures/keras_news_lstm.unroll.json")
CLASSES = ["World", "Sports", "Business", "Sci/Tech"]


def titles(path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    return [r[1] for r in rows], np.array([int(r[0]) - 1 for r in rows])


keras.utils.set_random_seed(42)
train_x, train_y = titles(os.path.join(DATA, "train.csv"))
test_x, test_y = titles(os.path.join(DATA, "test.csv"))
vectorizer = keras.layers.TextVectorization(max_tokens=1000, output_sequence_length=24)
vectorizer.adapt(train_x)
encode = lambda texts: vectorizer(tf.constant(texts)).numpy()  # noqa: E731
model = keras.Sequential([
    keras.Input(shape=(24,), dtype="int64"),
    keras.layers.Embedding(1000, 16, mask_zero=True),
    keras.layers.LSTM(16),
    keras.layers.Dense(4),
])
model.compile(optimizer=keras.optimizers.Adam(1e-2),
              loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
model.fit(encode(train_x), train_y, epochs=3, batch_size=64, verbose=2)
_, accuracy = model.evaluate(encode(test_x), test_y, verbose=0)
about = (f"Trained in Keras {keras.__version__} (TensorFlow {tf.__version__}) on {len(train_x):,} AG News titles, "
         f"3 epochs; test accuracy {100 * accuracy:.1f} % on the {len(test_x):,} test titles. "
         "Exported with tools/keras/unroll_keras.py.")
unroll_keras.export(model, OUT, check_inputs=encode(test_x[:8]), vectorizer=vectorizer, classes=CLASSES, about=about)
print(about)
print("wrote", OUT, os.path.getsize(OUT), "bytes")
