"""The Colab path: every chapter runs with Colab's ipywidgets 7.7.1, installing lossbook itself.

Slow (a fresh virtual environment, then every chapter), so it runs when
``LOSSBOOK_COLAB_CHECK=1`` is set -- as ``.ci/run`` does -- and is skipped in a
plain ``pytest`` run on a reader's machine. See ``tools/colab_check.py``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.skipif(
    os.environ.get("LOSSBOOK_COLAB_CHECK") != "1",
    reason="set LOSSBOOK_COLAB_CHECK=1 to run every chapter in a Colab-like environment",
)
def test_every_chapter_runs_as_on_colab():
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "colab_check.py")],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    report = "\n".join(line for line in result.stdout.splitlines() if "WARNING" not in line)
    print(report)
    assert result.returncode == 0, report + result.stderr[-5000:]
    assert "pass with Colab's ipywidgets 7.7.1" in result.stdout
