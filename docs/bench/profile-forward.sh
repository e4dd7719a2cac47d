#!/usr/bin/env bash
# Where a forward's time goes. Run on a quiet machine; one process at a time.
#   docs/bench/profile-forward.sh [MODEL_DIR] [NEW_TOKENS] [THREADS] [BACKEND]
# BACKEND java (the default on CPUs): Java Flight Recorder samples of a bench-forward run, top frames
#   (JIT-compiled Java is invisible to perf without an agent).
# BACKEND torch: Linux perf (apt-get install linux-perf), the split by library and the top native symbols.
set -euo pipefail
home="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
model="${1:-$home/models/dyspec-target}"
tokens="${2:-1}"
threads="${3:-1}"
backend="${4:-java}"
jar="$home/dyspec-app/target/dyspec.jar"
[ -f "$jar" ] || (cd "$home" && ./mvnw -B -q -DskipTests install)
work="$(mktemp -d)"
run=(java --add-modules jdk.incubator.vector -Ddyspec.home="$home" -Dai.djl.offline=true -Ddyspec.forward.threads="$threads"
  -Dai.djl.pytorch.num_threads="$threads" -Dai.djl.pytorch.num_interop_threads=1)
args=(bench-forward --model "$model" --backend "$backend" --contexts 128 --new-tokens "$tokens" --repeats 1500 --warmup 300)
if [ "$backend" = java ]; then
  "${run[@]}" -XX:StartFlightRecording=filename="$work/forward.jfr",settings=profile -jar "$jar" "${args[@]}" 2>/dev/null
  echo "--- top frames (JFR execution samples)"
  jfr print --events jdk.ExecutionSample "$work/forward.jfr" | grep -A1 'stackTrace = \[' | grep -v 'stackTrace\|^--' \
    | sed -E 's/ +line:.*//; s/^ +//' | sort | uniq -c | sort -rn | head -15
else
  command -v perf >/dev/null || { echo "perf not found: apt-get install linux-perf" >&2; exit 2; }
  perf record -q -F 999 -g -o "$work/perf.data" -- "${run[@]}" -XX:+PreserveFramePointer -jar "$jar" "${args[@]}" 2>/dev/null
  echo "--- by library"
  perf report -i "$work/perf.data" --no-children --sort dso --stdio -g none 2>/dev/null | grep -v '^#' | grep -v '^$' | head -10
  echo "--- top symbols"
  perf report -i "$work/perf.data" --no-children --sort sym --stdio -g none 2>/dev/null | grep -v '^#' | grep -v '^$' | head -15
fi
