"""Prints the tables of a run_all.sh results folder as Markdown (for README.md).

    python3 summarize.py results/DATE
"""

import glob
import json
import os
import sys

ORDER = ["agnews-lstm", "course-bilstm", "course-bilstm-unpacked", "sine-rnn", "sine-lstm", "sine-lstm16"]


def load(folder):
    runs = []
    for path in sorted(glob.glob(os.path.join(folder, "*.json"))):
        d = json.load(open(path))
        d["file"] = os.path.basename(path)[:-5]
        runs.append(d)
    return runs


def framework(run):
    f = run["file"]
    for prefix in ["keras", "torch", "tfjs-wasm-unpatched", "tfjs-wasm", "tfjs-cpu", "unroll-native"]:
        if f.startswith(prefix):
            return prefix
    return f


def main():
    folder = sys.argv[1] if len(sys.argv) > 1 else "results"
    runs = load(folder)
    by_fw = {}
    for run in runs:
        res = run.get("result", {})
        for r in res.get("rows", []):
            by_fw.setdefault(framework(run), {"backend": res.get("backend", "?"), "rows": []})["rows"].append((r, run))
    for fw, d in by_fw.items():
        print(f"### {fw}\n\n`{d['backend']}`\n")
        print("| config | steps | samples | samples/s | tokens/s | ms/step | other CPU during run | model |")
        print("|---|---:|---:|---:|---:|---:|---:|---|")
        rows = sorted(d["rows"], key=lambda x: ORDER.index(x[0]["name"]) if x[0]["name"] in ORDER else 99)
        for r, run in rows:
            other = f"{100 * run['foreign_cpu_s'] / max(run['wall_s'], 1e-9):.0f} % of a core"
            if r.get("error"):
                print(f"| {r['name']} | – | – | – | – | – | {other} | fails: `{r['error']}` |")
                continue
            print(f"| {r['name']} | {r['steps']} | {r['samples']} | {r['samples_per_sec']:,.0f} | {r['tokens_per_sec']:,.0f} "
                  f"| {r['ms_per_step']:.3f} | {other} | {r.get('model', '')} |")
        print()
    print("started:", ", ".join(sorted({run["started"][:10] for run in runs})))


if __name__ == "__main__":
    main()
