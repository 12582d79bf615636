"""2x2: init (unroll|keras) x batches (unroll|keras) on Unroll's training rows; test acc per epoch."""
import json, sys, os, argparse
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, "/work/main/tools/keras")
p = argparse.ArgumentParser(); p.add_argument("prefix"); p.add_argument("--init"); p.add_argument("--batches"); p.add_argument("--seed", type=int, default=1); p.add_argument("--epochs", type=int, default=2)
a = p.parse_args()
import numpy as np, tensorflow as tf
tf.config.threading.set_intra_op_parallelism_threads(1); tf.config.threading.set_inter_op_parallelism_threads(1)
tf.keras.utils.set_random_seed(a.seed)
import keras, unroll_keras
from keras import layers
if a.init == "unroll":
    model = unroll_keras.load(a.prefix + ".init.json")
else:
    model = keras.Sequential([keras.Input(shape=(None,), dtype="int64"), layers.Embedding(20000, 64, mask_zero=True), layers.GRU(64), layers.Dense(4)])
model.compile(optimizer=keras.optimizers.Adam(1e-3), loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
test = [json.loads(l) for l in open(a.prefix + ".test.jsonl")]
def test_acc():
    correct = 0
    for i in range(0, len(test), 32):
        rows = test[i:i+32]; t = max(max(len(r["ids"]) for r in rows), 1)
        x = np.zeros((len(rows), t), dtype=np.int64)
        for b, r in enumerate(rows): x[b, :len(r["ids"])] = r["ids"]
        correct += int((model(x, training=False).numpy().argmax(1) == np.array([r["label"] for r in rows])).sum())
    return correct / len(test)
ub = [json.loads(l) for l in open(a.prefix + ".batches.jsonl")]
def unroll_batches(epoch):
    for b in ub:
        if b["epoch"] == epoch:
            y = np.array(b["labels"], dtype=np.int32)
            x = np.array(b["ids"], dtype=np.int64).reshape(len(y), b["time"])
            yield x, y
# training rows from epoch 1
rows = []
for x, y in unroll_batches(1):
    for r, l in zip(x, y):
        s = [int(v) for v in r if v != 0] or [0]
        rows.append((s, int(l)))
BOUNDARIES = [8, 12, 16, 20, 25, 30, 35, 40, 45, 50, 60, 70, 85, 100]
ds = tf.data.Dataset.from_tensor_slices((tf.ragged.constant([r[0] for r in rows], dtype=tf.int64), np.array([r[1] for r in rows], dtype=np.int32)))
ds = ds.map(lambda x, y: (x, y)).shuffle(len(rows), seed=a.seed, reshuffle_each_iteration=True)
ds = ds.bucket_by_sequence_length(lambda x, y: tf.shape(x)[0], BOUNDARIES, [32] * (len(BOUNDARIES) + 1))
it = iter(ds.repeat())
nb = sum(1 for b in ub if b["epoch"] == 1)
res = []
for e in range(1, a.epochs + 1):
    if a.batches == "unroll":
        for x, y in unroll_batches(e): model.train_on_batch(x, y)
    else:
        # one pass of the tf.data pipeline
        for x, y in ds: model.train_on_batch(x, y)
    res.append(round(test_acc(), 4))
    print(f"init={a.init} batches={a.batches} seed={a.seed} epoch {e} test {res[-1]}", flush=True)
