"""Test accuracy of a news preset over many seeds, Unroll beside Keras: one seed is not enough to
compare two trainers (the same recipe gives ±2 points from seed to seed on AG News).

    python3 bench/reference/news_seeds.py --preset gru --seeds 1-20 [--epochs 3] [--unroll-flags "..."]
        [--keras results/news/keras-gru-seed*.json] [--unroll-bin target/release/unroll]

Unroll: runs `unroll train --task agnews --preset P --epochs E --seed S` (weights of the
best-validation epoch, the CLI's default) for each seed and reads its `test accuracy` line.
Keras: reads `keras_news.py --json` files and takes, for each, the test accuracy at the epoch of
best validation accuracy within the first E epochs (the same rule). Prints n, mean, standard
deviation and the standard error of the difference of the means.
"""

import argparse
import glob
import json
import math
import os
import re
import shlex
import statistics as st
import subprocess


def seeds(spec):
    a, _, b = spec.partition("-")
    return range(int(a), int(b or a) + 1)


def stats(name, xs):
    if not xs:
        print(f"{name}: no runs")
        return None
    sd = st.stdev(xs) if len(xs) > 1 else 0.0
    print(f"{name}: n={len(xs)} mean {st.mean(xs):.4f} sd {sd:.4f}  [{' '.join(f'{x:.3f}' for x in xs)}]")
    return st.mean(xs), sd, len(xs)


p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
p.add_argument("--preset", required=True)
p.add_argument("--seeds", default="1-10")
p.add_argument("--epochs", type=int, default=3)
p.add_argument("--unroll-flags", default="", help="more `unroll train` flags, e.g. \"--lr-schedule constant\"")
p.add_argument("--unroll-bin", default="target/release/unroll")
p.add_argument("--data", default=os.environ.get("UNROLL_AG_NEWS_DIR", "../shared/data/ag_news"))
p.add_argument("--keras", nargs="*", default=[], help="keras_news.py --json files (globs)")
args = p.parse_args()

unroll = []
if os.path.exists(args.unroll_bin):
    for s in seeds(args.seeds):
        cmd = [args.unroll_bin, "train", "--task", "agnews", "--data", args.data, "--preset", args.preset,
               "--epochs", str(args.epochs), "--seed", str(s)] + shlex.split(args.unroll_flags)
        out = subprocess.run(cmd, capture_output=True, text=True).stdout
        m = re.search(r"^test accuracy: ([0-9.]+)", out, re.M)
        if m:
            unroll.append(float(m.group(1)))
a = stats(f"Unroll {args.preset} {args.unroll_flags}".strip(), unroll)

keras = []
for pattern in args.keras:
    for f in sorted(glob.glob(pattern)):
        try:
            records = json.load(open(f))["epochs"][: args.epochs]
        except (ValueError, KeyError):
            print(f"skipped {f}: not a finished keras_news.py --json run")
            continue
        keras.append(max(records, key=lambda r: r["val_accuracy"])["test_accuracy"])
b = stats(f"Keras {args.preset}", keras)

if a and b and a[2] > 1 and b[2] > 1:
    se = math.sqrt(a[1] ** 2 / a[2] + b[1] ** 2 / b[2])
    print(f"Unroll - Keras: {a[0] - b[0]:+.4f} (standard error {se:.4f})")
