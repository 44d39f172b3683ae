#!/usr/bin/env bash
# The whole GPU session of docs/benchmarks.md in one script, for a machine with an NVIDIA GPU, PyTorch and no Maven or JDK. Run it
# from the repository root with the GPU bundle beside it:
#
#   here:             accelerated/scripts/gpu-bundle.sh          # builds accelerated/target/gpu-bundle.tgz (~34 MiB)
#   on the machine:   OUT=/some/dir bash bench/gpu-session.sh    # the bundle .tgz must have travelled with the tree
#
# Phases, each with its own time limit so that a slow one leaves the others' results, all written under $OUT:
#   machine.txt        nvidia-smi, the OpenCL ICD files, CPUs, memory, torch and its CUDA device
#   twin-checks.txt    the bundle's run.sh: DifferentialCheck (every twin kernel and the model against the float64
#                      reference, on the GPU's OpenCL) and TwinBenchmark at batch $CHECK_BATCH
#   gpu-compare.txt    bench/pytorch/gpu-compare.sh with the bundle's prefdyn: the PyTorch agreement check, then
#                      `prefdyn bench --engine accelerated --batch $BATCH --items $ITEMS` and the PyTorch eager DPO step
#                      at the same batch, with the two ratios of the GPU goals (docs/benchmarks.md)
#   perf-history.jsonl the bench's record line, to append to docs/perf-history.jsonl
# Environment: OUT (default a new temporary directory, printed), BATCH (default 64), REPEATS (default 5), ITEMS
# (default dpo,g-dpo,g-dpo-linear), CHECK_BATCH (default 8), BUNDLE (default accelerated/target/gpu-bundle.tgz),
# OCL_ICD_VENDORS (default the bundle's NVIDIA ICD file; /etc/OpenCL/vendors/pocl.icd tries the script on PoCL).
# Exit status: 0 when every phase exited 0.
set -uo pipefail
cd "$(dirname "$0")/.."

OUT=${OUT:-$(mktemp -d)}
BATCH=${BATCH:-64}
REPEATS=${REPEATS:-5}
ITEMS=${ITEMS:-dpo,g-dpo,g-dpo-linear}
CHECK_BATCH=${CHECK_BATCH:-8}
BUNDLE=${BUNDLE:-accelerated/target/gpu-bundle.tgz}
mkdir -p "$OUT"
echo "gpu-session: results in $OUT"
phase() { echo "gpu-session: $1 ($(date -u +%H:%M:%S) UTC)"; }

if [ ! -f "$BUNDLE" ]; then
  echo "gpu-session: error: no bundle at $BUNDLE; build it with accelerated/scripts/gpu-bundle.sh" >&2
  exit 2
fi
work=$(mktemp -d)
tar -C "$work" -xzf "$BUNDLE"
bundle="$work/gpu-bundle"

phase "machine"
{
  date -u
  command -v nvidia-smi >/dev/null && nvidia-smi
  ls -l /usr/lib/x86_64-linux-gnu/libnvidia-opencl.so.1 /etc/OpenCL/vendors 2>&1
  nproc; lscpu | head -20; free -g
  python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.cuda.is_available(),
      torch.cuda.get_device_name(0) if torch.cuda.is_available() else "")' 2>&1
  git log -1 --format='commit %H %s' 2>/dev/null
} > "$OUT/machine.txt" 2>&1
status=0

phase "differential checks and TwinBenchmark (limit 240 s)"
BENCH_BATCH="$CHECK_BATCH" BENCH_REPEATS=15 timeout 240 "$bundle/run.sh" > "$OUT/twin-checks.txt" 2>&1 || status=$?
tail -n 5 "$OUT/twin-checks.txt"

phase "PyTorch agreement, prefdyn bench and the PyTorch peer at batch $BATCH (limit 420 s)"
PREFDYN="$bundle/prefdyn" RECORD="--record=$OUT/perf-history.jsonl" BATCH="$BATCH" REPEATS="$REPEATS" ITEMS="$ITEMS" \
  timeout 420 bash bench/pytorch/gpu-compare.sh > "$OUT/gpu-compare.txt" 2>&1 || status=$?
tail -n 8 "$OUT/gpu-compare.txt"

rm -rf "$work"
phase "done, exit status $status"
exit "$status"
