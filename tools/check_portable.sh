#!/usr/bin/env bash
# Strict nbval with another processor's arithmetic, on this machine.
#
#   bash tools/check_portable.sh                          # every notebook in book/
#   bash tools/check_portable.sh book/08_segmentation.ipynb
#
# The committed outputs are recorded with this CPU's native kernels. Every number a notebook
# prints must come out the same on any x86-64 CPU, so this runs the notebooks again with the
# most conservative code paths of every library that picks one per processor:
#   ATEN_CPU_CAPABILITY=default       PyTorch's generic (non-vectorised) ATen kernels
#   ONEDNN_MAX_CPU_ISA=SSE41          oneDNN's convolutions and matmuls limited to SSE4.1
#   MKL_CBWR=COMPATIBLE               MKL's (torch's CPU BLAS) conservative, reproducible path
#   NPY_DISABLE_CPU_FEATURES=...      NumPy's SIMD dispatch off (only its baseline build)
# A notebook that passes natively and here does not depend on the processor it ran on.
set -euo pipefail
cd "$(dirname "$0")/.."

numpy_dispatch=$(python3 -c '
import numpy
core = getattr(numpy, "_core", None) or numpy.core
print(" ".join(core._multiarray_umath.__cpu_dispatch__))
' 2>/dev/null || true)

export ATEN_CPU_CAPABILITY=default
export ONEDNN_MAX_CPU_ISA=SSE41
export MKL_CBWR=COMPATIBLE
export NPY_DISABLE_CPU_FEATURES="$numpy_dispatch"

if [ "$#" -eq 0 ]; then
  set -- book/
fi
echo "portable check: ATEN_CPU_CAPABILITY=$ATEN_CPU_CAPABILITY ONEDNN_MAX_CPU_ISA=$ONEDNN_MAX_CPU_ISA" \
  "MKL_CBWR=$MKL_CBWR NPY_DISABLE_CPU_FEATURES='$NPY_DISABLE_CPU_FEATURES'"
exec python3 -m pytest "$@"
