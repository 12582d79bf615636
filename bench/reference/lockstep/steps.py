import json, sys, os
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, "/work/main/tools/keras")
import numpy as np, tensorflow as tf
import keras, unroll_keras
prefix = sys.argv[1]
model = unroll_keras.load(prefix + ".init.json")
opt = keras.optimizers.Adam(1e-3)
model.compile(optimizer=opt, loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
def compare(step):
    ref = unroll_keras.load(prefix + f".step{step}.json")
    init = unroll_keras.load(prefix + ".init.json")
    out = []
    for w, r, i in zip(model.weights, ref.weights, init.weights):
        a, b, c = w.numpy(), r.numpy(), i.numpy()
        d = np.abs(a - b).max(); upd = np.abs(b - c).max()
        rel = np.linalg.norm(a - b) / max(np.linalg.norm(b - c), 1e-30)
        out.append(f"{w.path.split('/')[-2]}/{w.name}: max|k-u| {d:.2e} max|update| {upd:.2e} rel {rel:.2e}")
    print(f"after step {step}:\n  " + "\n  ".join(out), flush=True)
step = 0
for line in open(prefix + ".batches.jsonl"):
    b = json.loads(line)
    y = np.array(b["labels"], dtype=np.int32)
    x = np.array(b["ids"], dtype=np.int64).reshape(len(y), b["time"])
    model.train_on_batch(x, y)
    step += 1
    if step in (1, 2, 10, 100, 651):
        compare(step)
    if step == 651: break
