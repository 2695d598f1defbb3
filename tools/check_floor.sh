#!/usr/bin/env bash
# The declared floors, tested: a virtual environment with the oldest Python lossbook supports and
# the oldest versions of what it depends on (pyproject.toml, requirements.txt), then the package
# tests in it (`pytest -m package`: no notebooks, no site; the chapters' outputs are recorded with
# the pinned versions in constraints.txt, not these).
#
#   bash tools/check_floor.sh [PYTHON] [VENV]     # defaults: python3.10, /tmp/lossbook-floor
#
# The venv lives outside the repository. torch 2.4 has no CPU-only wheel on PyPI: this installs
# its (CUDA) wheel with its nvidia packages, about 3 GB, which run fine on a machine without a GPU.
# The test tools (pytest, hypothesis, ...) are the pinned ones: they are not floors users meet.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${1:-python3.10}
VENV=${2:-/tmp/lossbook-floor}

# The floors: keep them equal to pyproject.toml's and requirements.txt's.
FLOORS=(torch==2.4.1 numpy==1.24.4 matplotlib==3.7.0 ipywidgets==7.7.0 tqdm==4.60.0)
# Test tools, as pinned in constraints.txt.
TOOLS=$(grep -E '^(pytest|pytest-xdist|hypothesis|expecttest|ruff|nbformat|setuptools)==' constraints.txt)

"$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install -q --upgrade pip
# The machine-wide pip constraints (if any) are not the project's: ignore them here.
export PIP_CONSTRAINT=
# FLOOR_TORCH_INDEX (e.g. PyTorch's CPU index, as the tests workflow sets it) installs torch's
# CPU build first, instead of PyPI's CUDA wheel and its nvidia packages.
if [ -n "${FLOOR_TORCH_INDEX:-}" ]; then
  "$VENV/bin/python" -m pip install -q "${FLOORS[0]}" --index-url "$FLOOR_TORCH_INDEX"
fi
"$VENV/bin/python" -m pip install -q "${FLOORS[@]}" $TOOLS
"$VENV/bin/python" - <<'EOF'
import sys, numpy, torch, matplotlib
print(f"floor environment: Python {sys.version.split()[0]}, torch {torch.__version__}, "
      f"numpy {numpy.__version__}, matplotlib {matplotlib.__version__}")
EOF
# lossbook from this checkout (not installed: nothing is re-pointed), its package tests only.
PYTHONPATH=$PWD "$VENV/bin/python" -m pytest -m package -o addopts="" -p no:cacheprovider \
  -q -n 2 --dist loadfile tests/ "${@:3}"
