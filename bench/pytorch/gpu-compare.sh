#!/usr/bin/env bash
# The GPU comparison of docs/benchmarks.md (twin, reference and PyTorch), on one machine, from the repository root's checkout:
#   1. the agreement check: `prefdyn grad` dumps one DPO step of the committed SFT model, the PyTorch peer recomputes it
#      on the GPU in float64 and in float32 and prints the largest relative errors;
#   2. `prefdyn bench --engine accelerated --batch $BATCH --record`: the twin and the reference on this machine's CPU
#      in the same run, the twin's kernel launches, G cost / step cost; one line appended to docs/perf-history.jsonl;
#   3. the PyTorch peer's eager DPO step at the same batch, float32 (the twin's precision), with prefdyn's split
#      backward (the same step) and with one backward (TRL's step);
#   4. both DPO-step medians side by side, with the two ratios of the GPU goals (docs/benchmarks.md).
# Environment: BATCH (pairs, default 64), REPEATS (default 7), THREADS (reference threads, default all cores),
# ITEMS (what prefdyn bench times, default all; bench/gpu-session.sh uses dpo,g-dpo,g-dpo-linear), CHECKPOINT (default
# the committed SFT model), PYTHON (default python3, which must import torch), PREFDYN (the command line, default
# ./prefdyn, which builds with Maven; bench/gpu-session.sh points it at the GPU bundle's launcher), RECORD (default
# --record; set it empty to leave docs/perf-history.jsonl alone, e.g. for a trial run on a CPU, or --record=FILE).
set -euo pipefail
cd "$(dirname "$0")/../.."

BATCH=${BATCH:-64}
REPEATS=${REPEATS:-7}
ITEMS=${ITEMS:-all}
PREFDYN=${PREFDYN:-./prefdyn}
CHECKPOINT=${CHECKPOINT:-datasets/src/main/resources/prefdyn/datasets/sft-model}
PYTHON=${PYTHON:-python3}
RECORD=${RECORD---record}
RECORD_OPTION=()
if [[ -n "$RECORD" ]]; then RECORD_OPTION=("$RECORD"); fi
THREADS_OPTION=()
if [[ -n "${THREADS:-}" ]]; then THREADS_OPTION=(--threads "$THREADS"); fi
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

"$PYTHON" -c 'import torch, numpy' || { echo "gpu-compare: $PYTHON cannot import torch and numpy" >&2; exit 1; }
"$PYTHON" -c 'import torch; print("torch", torch.__version__, "cuda:", torch.cuda.is_available(),
    torch.cuda.get_device_name(0) if torch.cuda.is_available() else "")'

echo "== 1. agreement: prefdyn grad vs the PyTorch peer =="
cat > "$WORK/pairs.jsonl" <<'EOF'
{"prompt": "This movie was", "chosen": " wonderful, I loved it.", "rejected": " awful and boring."}
{"prompt": "The acting", "chosen": " is superb.", "rejected": " is terrible."}
{"prompt": "I expected", "chosen": " a good film and got a great one.", "rejected": " nothing and got less."}
{"prompt": "Honestly,", "chosen": " a delight from start to end.", "rejected": " a waste of time."}
EOF
"$PREFDYN" grad --checkpoint "$CHECKPOINT" --pairs "$WORK/pairs.jsonl" --out "$WORK/step.safetensors"
for dtype in float64 float32; do
  "$PYTHON" bench/pytorch/dpo_peer.py --checkpoint "$CHECKPOINT" --dump "$WORK/step.safetensors" --dtype "$dtype"
done

echo "== 2. prefdyn bench --engine accelerated --batch $BATCH =="
"$PREFDYN" bench --engine accelerated --checkpoint "$CHECKPOINT" --batch "$BATCH" --repeats "$REPEATS" \
  --items "$ITEMS" "${THREADS_OPTION[@]}" "${RECORD_OPTION[@]}" | tee "$WORK/prefdyn.txt"

echo "== 3. PyTorch eager DPO step, batch $BATCH, float32 =="
"$PYTHON" bench/pytorch/dpo_peer.py --checkpoint "$CHECKPOINT" --bench --batch "$BATCH" --repeats "$REPEATS" \
  --dtype float32 --backward split | tee "$WORK/peer-split.txt"
"$PYTHON" bench/pytorch/dpo_peer.py --checkpoint "$CHECKPOINT" --bench --batch "$BATCH" --repeats "$REPEATS" \
  --dtype float32 --backward single | tee "$WORK/peer-single.txt"

echo "== 4. DPO step, batch $BATCH pairs, medians from this machine =="
# the median is the column after the 18-character item and the 24-character engine label
twin=$(awk '/^DPO step +twin/ {print substr($0, 44, 13) + 0}' "$WORK/prefdyn.txt")
reference=$(awk '/^DPO step +reference threads=/ {value = substr($0, 44, 13) + 0} END {print value}' "$WORK/prefdyn.txt")
split=$(sed -n 's/^DPO step: median \([0-9.]*\) ms.*/\1/p' "$WORK/peer-split.txt")
single=$(sed -n 's/^DPO step: median \([0-9.]*\) ms.*/\1/p' "$WORK/peer-single.txt")
echo "prefdyn twin (float32 OpenCL):            $twin ms"
echo "prefdyn reference (CPU, all threads):     $reference ms"
echo "PyTorch eager, split backward (same step): $split ms"
echo "PyTorch eager, one backward (TRL's step):  $single ms"
awk -v t="$twin" -v r="$reference" -v s="$split" -v o="$single" 'BEGIN {
  printf "reference / twin = %.2f (goal: at least 20)\n", r / t;
  printf "twin / PyTorch split = %.2f, twin / PyTorch single = %.2f (goal: at most 1.5)\n", t / s, t / o }'
