"""Shared parts of the Python reference benchmarks (keras_bench.py, torch_bench.py).

The configurations are those of src/bench.rs; see README.md. Everything here is data preparation,
done before any timed loop.
"""

import argparse
import csv
import json
import os
import platform
import re
import sys

import numpy as np

VOCAB = 20_000
BATCH = 32
LENGTH = 50  # agnews-lstm's fixed sequence length
SINE_T = 30
NAMES = ["agnews-lstm", "course-bilstm", "sine-rnn", "sine-lstm", "sine-lstm16"]
DEFAULT_DATA = os.environ.get("UNROLL_AG_NEWS_DIR", "/work/shared/data/ag_news")

_TOKEN = re.compile(r"[A-Za-z0-9]+")


def token_count(text):
    """Maximal runs of ASCII letters and digits (src/data/ag_news.rs, `token_count`)."""
    return len(_TOKEN.findall(text))


def ag_news_lengths(data_dir, n):
    """Token counts of title + " " + description of the first `n` rows of train.csv, file order."""
    out = []
    with open(os.path.join(data_dir, "train.csv"), newline="", encoding="utf-8") as f:
        for row in csv.reader(f):
            if len(row) != 3:
                continue
            out.append(token_count(row[1]) + token_count(row[2]))
            if len(out) == n:
                break
    return out


def token_batches(name, samples, data_dir, seed=7):
    """The batches of an AG News configuration: a list of (ids [32, T] int32, labels [32] int32,
    lengths [32]). Only full batches of 32 are kept (10,000 samples -> 312 steps)."""
    rng = np.random.default_rng(seed)
    n = max(samples, BATCH)
    if name == "course-bilstm":
        real = ag_news_lengths(data_dir, n)
        if not real:
            sys.exit(f"no AG News rows in {data_dir}/train.csv")
        lengths = [max(1, real[i % len(real)]) for i in range(n)]
    else:
        lengths = [LENGTH] * n
    out = []
    for start in range(0, n - BATCH + 1, BATCH):
        lens = np.array(lengths[start:start + BATCH], dtype=np.int64)
        t = int(lens.max())
        ids = np.zeros((BATCH, t), dtype=np.int32)
        for b, ln in enumerate(lens):
            ids[b, :ln] = rng.integers(1, VOCAB, size=ln)
        labels = rng.integers(0, 4, size=BATCH).astype(np.int32)
        out.append((ids, labels, lens))
    return out


def sine_batches(steps, seed=1):
    """`steps` random batches of 32 windows (T = 30) of the sine lesson's training stretch, as
    the lesson draws them (src/lesson/series.rs): 250 points of sin(x), x in [0, 10], the first
    200 trained on; target = the window shifted one step. Returns x, y of shape [steps*32, 30, 1]."""
    rng = np.random.default_rng(seed)
    points, x_min, x_max = 250, 0.0, 10.0
    xs = x_min + np.arange(points, dtype=np.float32) * np.float32((x_max - x_min) / (points - 1))
    series = np.sin(xs).astype(np.float32)
    end = points - round(points * 0.2)
    starts = rng.integers(0, end - SINE_T, size=steps * BATCH)
    idx = starts[:, None] + np.arange(SINE_T)[None, :]
    return series[idx][..., None], series[idx + 1][..., None]


MODELS = {
    "agnews-lstm": "Embedding(20000,64)→LSTM(64)→Dense(4)",
    "course-bilstm": "Embedding(20000,128,mask_zero)→Bi(LSTM(64),seq)→Bi(LSTM(64))→Dense(4)",
    "sine-rnn": "SimpleRNN(100,relu,seq)→Dense(1)",
    "sine-lstm": "LSTM(32,seq)→Dense(1)",
    "sine-lstm16": "LSTM(16,seq)→Dense(1)",
}


def sine_units(name):
    return {"sine-rnn": 100, "sine-lstm": 32, "sine-lstm16": 16}[name]


def parser(description):
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--json", action="store_true", help="print the results as JSON")
    p.add_argument("--only", action="append", choices=None, metavar="NAME",
                   help=f"run only this configuration (repeatable; {', '.join(NAMES)})")
    p.add_argument("--samples", type=int, default=10_000, help="AG News samples (default 10000 = 312 steps)")
    p.add_argument("--steps", type=int, default=1_000, help="sine training steps (default 1000)")
    p.add_argument("--warmup", type=int, default=5, help="untimed warm-up steps per configuration (default 5)")
    p.add_argument("--threads", type=int, default=2, help="CPU threads (default 2, both cores)")
    p.add_argument("--data", default=DEFAULT_DATA, help="AG News directory with train.csv")
    return p


def row(name, model, steps, samples, tokens, seconds, **extra):
    s = max(seconds, 1e-9)
    r = {
        "name": name, "model": model, "steps": steps, "samples": samples, "tokens": tokens,
        "seconds": seconds, "samples_per_sec": samples / s, "tokens_per_sec": tokens / s,
        "ms_per_step": 1e3 * seconds / max(steps, 1),
    }
    r.update(extra)
    return r


def report(rows, backend, info, as_json):
    if as_json:
        print(json.dumps({"backend": backend, **info, "rows": rows}, indent=2, ensure_ascii=False))
        return
    print(f"backend: {backend}")
    for k, v in info.items():
        print(f"{k}: {v}")
    print(f"{'config':<22} {'steps':>8} {'samples':>9} {'samples/s':>12} {'tokens/s':>12} {'ms/step':>10}  model")
    for r in rows:
        print(f"{r['name']:<22} {r['steps']:>8} {r['samples']:>9} {r['samples_per_sec']:>12.0f} "
              f"{r['tokens_per_sec']:>12.0f} {r['ms_per_step']:>10.3f}  {r['model']}")


def machine():
    cpu = ""
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")), "")
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} logical CPUs, Python {platform.python_version()}"


def log(msg):
    print(msg, file=sys.stderr, flush=True)
