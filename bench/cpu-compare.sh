#!/usr/bin/env bash
# The CPU comparison of docs/benchmarks.md ("Vector engine against PyTorch on the CPU"), side by side in one run:
# for each shape, `prefdyn bench --engine vector` (float32, Java Vector API) and the PyTorch peer
# (bench/pytorch/dpo_peer.py --bench, float32, --backward single: TRL's one backward of the loss) time the same DPO
# step -- forward of 2B rows, one backward, clip_grad_norm_(1.0), AdamW -- on seeded GPT-2 weights of the same shape
# and the same thread count (the peer sets OpenBLAS's own pool to it as well as torch's), then the script prints vector / PyTorch (goal: <= 1.0 at default, <= 1.5 at 4x and at
# the GPT-2-small-width block) and both engines' GFLOP/s against this CPU's float32 peak.
#   shapes: default (C=64, L=2, H=4, T=64; 8 pairs), 4x (C=128, H=8; 8 pairs),
#           gpt2-block (one block of GPT-2 small's width: C=768, L=1, H=12, T=256; 2 pairs = 4 rows of 256 tokens)
# PyTorch: Debian's python3-torch with OpenBLAS, `apt-get install python3-torch libopenblas0-pthread` (with the
# reference BLAS instead PyTorch is 15-20x slower here; the script prints which BLAS torch uses).
# Environment: THREADS (default: all cores), REPEATS (default 11), PYTHON (default /usr/bin/python3, which must import
# torch), PREFDYN (default ./prefdyn), PEAK_GFLOPS (this CPU's float32 peak over THREADS cores; default: derived below
# from the AVX-512 flag, two FMA units per core and the clock /proc/cpuinfo reports), SHAPES (default all three),
# BASELINE (another prefdyn launcher, e.g. a build of an earlier commit: its vector engine is timed in the same
# run, just before this one's, and printed beside it as "baseline ms" and baseline / vector).
set -euo pipefail
cd "$(dirname "$0")/.."

THREADS=${THREADS:-$(nproc)}
REPEATS=${REPEATS:-11}
PYTHON=${PYTHON:-/usr/bin/python3}
PREFDYN=${PREFDYN:-./prefdyn}
BASELINE=${BASELINE:-}
SHAPES=${SHAPES:-default 4x gpt2-block}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

"$PYTHON" -c 'import torch, numpy' || { echo "cpu-compare: $PYTHON cannot import torch and numpy" >&2; exit 1; }
blas=$("$PYTHON" -c 'import torch; print(" ".join(l.strip() for l in torch.__config__.show().splitlines() if "BLAS" in l))')
echo "torch: $("$PYTHON" -c 'import torch; print(torch.__version__)'); $blas"

# float32 peak: lanes per vector (16 with AVX-512, 8 with AVX2) x 2 (an FMA is two FLOPs) x 2 FMA units x GHz x cores
if [[ -z "${PEAK_GFLOPS:-}" ]]; then
  lanes=8
  grep -q avx512f /proc/cpuinfo && lanes=16
  mhz=$(awk -F: '/^cpu MHz/ {print $2; exit}' /proc/cpuinfo)
  PEAK_GFLOPS=$(awk -v l="$lanes" -v m="$mhz" -v t="$THREADS" 'BEGIN {printf "%.0f", l * 2 * 2 * m / 1000 * t}')
  echo "float32 peak: $lanes lanes x 2 FLOPs x 2 FMA units x ${mhz} MHz x $THREADS cores = $PEAK_GFLOPS GFLOP/s"
fi
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

declare -A shape_of=([default]=64,2,4,64 [4x]=128,2,8,64 [gpt2-block]=768,1,12,256)
declare -A pairs_of=([default]=8 [4x]=8 [gpt2-block]=2)
declare -A goal_of=([default]=1.0 [4x]=1.5 [gpt2-block]=1.5)
results=()
for size in $SHAPES; do
  batch=${pairs_of[$size]}
  echo "== $size: prefdyn bench --engine vector${BASELINE:+ (the baseline's, then this one's)}, then the PyTorch peer =="
  base=-
  if [[ -n "$BASELINE" ]]; then
    "$BASELINE" bench --engine vector --size "$size" --batch "$batch" --items dpo --repeats "$REPEATS" \
      --threads "$THREADS" --skip-reference 2>/dev/null | tee "$WORK/$size-baseline.txt"
    base=$(awk '/^DPO step +vector/ {print substr($0, 44, 13) + 0}' "$WORK/$size-baseline.txt")
  fi
  "$PREFDYN" bench --engine vector --size "$size" --batch "$batch" --items dpo --repeats "$REPEATS" \
    --threads "$THREADS" --skip-reference 2>/dev/null | tee "$WORK/$size-prefdyn.txt"
  "$PYTHON" bench/pytorch/dpo_peer.py --shape "${shape_of[$size]}" --bench --batch "$batch" --repeats "$REPEATS" \
    --dtype float32 --backward single --threads "$THREADS" | tee "$WORK/$size-peer.txt"
  # the table's median is the column after the 18-character item and the 24-character engine label; GFLOP/s the 8th
  vector=$(awk '/^DPO step +vector/ {print substr($0, 44, 13) + 0}' "$WORK/$size-prefdyn.txt")
  gflops=$(awk '/^DPO step +vector/ {print $(NF - 1)}' "$WORK/$size-prefdyn.txt")
  torch=$(sed -n 's/^DPO step: median \([0-9.]*\) ms.*/\1/p' "$WORK/$size-peer.txt")
  results+=("$size $vector $torch $gflops ${goal_of[$size]} $base")
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

echo "== DPO step, float32, $THREADS threads, medians of $REPEATS =="
printf '%-11s %12s %12s %15s %9s %9s %13s %13s' shape "vector ms" "PyTorch ms" "vector/PyTorch" goal met \
  "vector GF/s" "PyTorch GF/s"
[[ -n "$BASELINE" ]] && printf ' %12s %16s' "baseline ms" "baseline/vector"
echo
for row in "${results[@]}"; do
  read -r size vector torch gflops goal base <<<"$row"
  # both do the same useful FLOPs (prefdyn's FlopCount), so PyTorch's rate is the vector engine's scaled by time
  awk -v s="$size" -v v="$vector" -v t="$torch" -v g="$gflops" -v goal="$goal" -v peak="$PEAK_GFLOPS" \
    -v b="$base" 'BEGIN {
    r = v / t; tg = g * v / t;
    printf "%-11s %12.3f %12.3f %15.2f %9s %9s %6.1f (%2.0f%%) %6.1f (%2.0f%%)", s, v, t, r, "<= " goal,
      (r <= goal ? "yes" : "no"), g, 100 * g / peak, tg, 100 * tg / peak
    if (b != "-") printf " %12.3f %16.2f", b, b / v
    printf "\n" }'
done
