#!/usr/bin/env bash
# Runs every reference benchmark, one configuration at a time, each on a quiet machine (see
# quiet_run.py), then Unroll's own native benchmark, and prints the tables (summarize.py).
# Results go to $OUT (default results/DATE, git-ignored), one JSON file per run; a run whose file
# exists is skipped, unless it was disturbed (other processes used more than 10 % of a core
# meanwhile) or AGAIN=1. Environment: PY (the Python with tensorflow, keras and torch; default
# /opt/bench-venv/bin/python), DATA (AG News directory), UNROLL (the unroll binary; default
# $CARGO_TARGET_DIR or ../../target, release), WAIT (longest wait for a quiet machine, s),
# ONLY (configurations), FRAMEWORKS (subset of: keras torch tfjs-wasm tfjs-context unroll).
set -euo pipefail
cd "$(dirname "$0")"
PY=${PY:-/opt/bench-venv/bin/python}
DATA=${DATA:-/work/shared/data/ag_news}
OUT=${OUT:-results/$(date -u +%Y-%m-%d)}
UNROLL=${UNROLL:-${CARGO_TARGET_DIR:-../../target}/release/unroll}
WAIT=${WAIT:-900}
ONLY=${ONLY:-"agnews-lstm course-bilstm sine-rnn sine-lstm sine-lstm16"}
FRAMEWORKS=${FRAMEWORKS:-"keras torch tfjs-wasm tfjs-context unroll"}
mkdir -p "$OUT"
has() { [[ " $FRAMEWORKS " == *" $1 "* ]]; }

q() {
  local name=$1; shift
  local file="$OUT/$name.json"
  if [ -s "$file" ] && [ -z "${AGAIN:-}" ] && python3 - "$file" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(0 if d["exit"] == 0 and d["foreign_cpu_s"] <= 0.1 * d["wall_s"] else 1)
PY
  then echo "run_all: $name: kept $file" >&2; return 0; fi
  echo "run_all: $name: $*" >&2
  python3 quiet_run.py --wait "$WAIT" "$file" -- "$@" || echo "run_all: $name failed (see $file)" >&2
}

for c in $ONLY; do
  has keras && q "keras-$c" "$PY" keras_bench.py --json --only "$c" --data "$DATA"
  has torch && q "torch-$c" "$PY" torch_bench.py --json --only "$c" --data "$DATA"
  has tfjs-wasm && q "tfjs-wasm-$c" node tfjs_bench.mjs --json --only "$c" --data "$DATA"
done
if has tfjs-context; then
  # What happens without the patch, and the plain-JavaScript backend for context.
  q tfjs-wasm-unpatched node tfjs_bench.mjs --json --no-patch --only agnews-lstm --only sine-lstm --samples 320 --steps 100
  q tfjs-cpu-agnews-lstm node tfjs_bench.mjs --json --backend cpu --only agnews-lstm --samples 160 --warmup 1
  q tfjs-cpu-sine node tfjs_bench.mjs --json --backend cpu --only sine-rnn --only sine-lstm --only sine-lstm16 --steps 300
fi
if has unroll; then
  if [ -x "$UNROLL" ]; then
    q unroll-native "$UNROLL" bench --json --data "$DATA"
  else
    echo "run_all: $UNROLL not built (cargo build --release --bin unroll); skipping Unroll's native bench" >&2
  fi
fi
python3 summarize.py "$OUT"
