#!/usr/bin/env bash
# Where a forward's time goes: samples a bench-forward run with Linux perf (apt-get install linux-perf) and
# prints the split by library and the top symbols. Run on a quiet machine; one process at a time.
#   docs/bench/profile-forward.sh [MODEL_DIR] [NEW_TOKENS] [THREADS]
set -euo pipefail
home="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
model="${1:-$home/models/dyspec-target}"
tokens="${2:-1}"
threads="${3:-1}"
command -v perf >/dev/null || { echo "perf not found: apt-get install linux-perf" >&2; exit 2; }
jar="$home/dyspec-app/target/dyspec.jar"
[ -f "$jar" ] || (cd "$home" && ./mvnw -B -q -DskipTests install)
data="$(mktemp -d)/perf.data"
perf record -q -F 999 -g -o "$data" -- java -XX:+PreserveFramePointer -Ddyspec.home="$home" -Dai.djl.offline=true \
  -Dai.djl.pytorch.num_threads="$threads" -Dai.djl.pytorch.num_interop_threads=1 -jar "$jar" \
  bench-forward --model "$model" --contexts 128 --new-tokens "$tokens" --repeats 1500 --warmup 20 2>/dev/null
echo "--- by library"
perf report -i "$data" --no-children --sort dso --stdio -g none 2>/dev/null | grep -v '^#' | grep -v '^$' | head -10
echo "--- top symbols"
perf report -i "$data" --no-children --sort sym --stdio -g none 2>/dev/null | grep -v '^#' | grep -v '^$' | head -15
