#!/bin/bash
# dyspec beside llama.cpp on the same weights: the shipped default pair converted to F32 GGUF (and to F16
# GGUF, the bytes the pair ships in, which dyspec's Java kernel keeps), T = 0, the same prompts and
# lengths, the two engines interleaved prompt by prompt so machine drift hits both.
# llama.cpp is a yardstick, not a dependency: without its tools this prints why and exits 0.
#
# usage: docs/bench/peer/side-by-side.sh [ROUNDS=3] [TOKENS=128]
#   PEER_BIN   llama.cpp's bin folder (default /tmp/llamacpp-peer/build/bin, what ../shared/peer/setup.sh builds)
#   OUT        where GGUFs and raw logs go (default /tmp/dyspec-peer-bench)
#   THREADS    llama.cpp threads (default 2); dyspec runs with one forward thread in the rows marked so and with
#              THREADS forward threads (its default on 2 cores since the eleventh session) in the others
# Prints one line per run and a summary table (median tokens/s per engine and setting).
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
ROUNDS=${1:-3}
TOKENS=${2:-128}
PEER_BIN=${PEER_BIN:-/tmp/llamacpp-peer/build/bin}  # setup.sh DIR puts them in DIR/build/bin
PEER_SRC=${PEER_SRC:-$ROOT/../shared/peer}
OUT=${OUT:-/tmp/dyspec-peer-bench}
THREADS=${THREADS:-2}
if [ ! -x "$PEER_BIN/llama-completion" ] || [ ! -x "$PEER_BIN/llama-speculative" ]; then
  echo "skipped: no llama.cpp tools in $PEER_BIN (build them with $PEER_SRC/setup.sh, then set PEER_BIN)"
  exit 0
fi
if [ ! -f "$ROOT/dyspec-app/target/dyspec.jar" ]; then
  echo "skipped: build dyspec first (./mvnw -q install -DskipTests)"
  exit 0
fi
mkdir -p "$OUT"
for m in dyspec-target dyspec-draft; do
  [ -f "$OUT/$m.gguf" ] || python3 "$PEER_SRC/hf_to_gguf.py" "$ROOT/models/$m" "$OUT/$m.gguf" >/dev/null || exit 1
  [ -f "$OUT/$m-f16.gguf" ] || python3 "$ROOT/docs/bench/peer/hf_to_f16_gguf.py" "$PEER_SRC" "$ROOT/models/$m" "$OUT/$m-f16.gguf" >/dev/null || exit 1
done
PROMPTS=("And God said" "Four score and seven years ago" "One day, Tom saw a")
RESULTS="$OUT/results.tsv"
: > "$RESULTS"

llama_target() { # tokens/s of the generated tokens (eval time line); $2: GGUF suffix ("" F32, -f16)
  "$PEER_BIN/llama-completion" -m "$OUT/dyspec-target${2:-}.gguf" -p "$1" -n "$TOKENS" -t "$THREADS" -c 512 --temp 0 \
    --seed 1 -no-cnv --no-display-prompt --ignore-eos 2>&1 | tee "$OUT/last.log" \
    | grep -E "(llama_perf_context_print|common_perf_print):\s+eval time" | sed -E 's/.* ([0-9.]+) tokens per second.*/\1/'
}
llama_chain() { # llama.cpp's speculative decoding with the draft, a chain of up to 8; $2 as above
  "$PEER_BIN/llama-speculative" -m "$OUT/dyspec-target${2:-}.gguf" -md "$OUT/dyspec-draft${2:-}.gguf" -p "$1" -n "$TOKENS" \
    -t "$THREADS" -c 512 --temp 0 --seed 1 --spec-draft-n-max 8 -np 1 --ignore-eos 2>&1 | tee "$OUT/last.log" \
    | grep -E "decoded .* tokens in .* seconds, speed:" | sed -E 's/.*speed:\s*([0-9.]+) t\/s.*/\1/'
}
dyspec_run() { # the mean tokens/s of samples 3..5 (the first ones warm the JIT), decode time only
  "$ROOT/dyspec" generate --prompt "$1" --max-tokens "$TOKENS" --temperature 0 --samples 5 --json "${@:2}" 2>/dev/null \
    | python3 -c '
import json, sys
rows = [json.loads(l) for l in sys.stdin if l.startswith("{")][2:]
decode = lambda r: sum(r["timings"][k] for k in ("draft", "target", "other")) / 1000  # prefill left out, as llama.cpp'"'"'s eval time does
print("%.1f" % (sum(len(r["tokens"]) for r in rows) / sum(decode(r) for r in rows)))'
}
dyspec_one() { # dyspec_run with one forward thread, the default on 2 cores before the eleventh session
  DYSPEC_JAVA_OPTS="-Ddyspec.forward.threads=1" dyspec_run "$@"
}
dyspec_threads() { # dyspec_run with THREADS forward threads, as llama.cpp runs
  DYSPEC_JAVA_OPTS="-Ddyspec.forward.threads=$THREADS" dyspec_run "$@"
}
run() { # label, command...
  local v; v=$("${@:2}")
  echo -e "$1\t$v" | tee -a "$RESULTS"
}
for r in $(seq "$ROUNDS"); do
  for p in "${PROMPTS[@]}"; do
    run "llama.cpp target-only" llama_target "$p"
    run "llama.cpp target-only (F16 GGUF)" llama_target "$p" -f16
    run "dyspec target-only (1 forward thread)" dyspec_one "$p" --strategy target-only
    run "dyspec target-only ($THREADS forward threads)" dyspec_threads "$p" --strategy target-only
    run "dyspec target-only (torch kernel)" dyspec_run "$p" --strategy target-only --backend torch
    run "llama.cpp chain (draft-max 8)" llama_chain "$p"
    run "llama.cpp chain (draft-max 8, F16 GGUF)" llama_chain "$p" -f16
    run "dyspec dyspec-calibrated adaptive b8 (1 forward thread)" dyspec_one "$p" --strategy dyspec-calibrated --budget 8 --adaptive-size
    run "dyspec chain b8 ($THREADS forward threads)" dyspec_threads "$p" --strategy chain --budget 8
    run "dyspec dyspec-ngram adaptive b8 (1 forward thread)" dyspec_one "$p" --strategy dyspec-ngram --budget 8 --adaptive-size
    run "dyspec dyspec-calibrated adaptive b8 ($THREADS forward threads)" dyspec_threads "$p" --strategy dyspec-calibrated --budget 8 --adaptive-size
    run "dyspec dyspec-ngram adaptive b8 ($THREADS forward threads)" dyspec_threads "$p" --strategy dyspec-ngram --budget 8 --adaptive-size
  done
done
python3 - "$RESULTS" <<'PY'
import sys, statistics, collections
rows = collections.OrderedDict()
for line in open(sys.argv[1]):
    label, v = line.rstrip("\n").split("\t")
    try:
        rows.setdefault(label, []).append(float(v))
    except ValueError:
        rows.setdefault(label, [])
print("\n| engine / setting | runs | median tokens/s | min | max |\n|---|---:|---:|---:|---:|")
for label, vs in rows.items():
    if vs:
        print("| %s | %d | %.0f | %.0f | %.0f |" % (label, len(vs), statistics.median(vs), min(vs), max(vs)))
PY
