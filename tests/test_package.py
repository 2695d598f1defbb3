"""The package as students install it: lazy tools, light import, typing, version, wheel, doctests."""

from __future__ import annotations

import doctest
import importlib
import pkgutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import lossbook

ROOT = Path(__file__).resolve().parent.parent


def test_tools_are_attributes_and_import_lossbook_stays_light():
    code = (
        "import sys, lossbook\n"
        "heavy = [m for m in ('matplotlib', 'ipywidgets', 'lossbook.nn', 'lossbook.testing',"
        " 'lossbook.catalog', 'lossbook.guide', 'lossbook.curves', 'lossbook.landscape')"
        " if m in sys.modules]\n"
        "assert not heavy, heavy\n"
        "assert 'lossbook.compiled' not in sys.modules\n"
        "tools = ('catalog', 'guide', 'curves', 'landscape', 'checks', 'nn', 'testing', 'compiled')\n"
        "for tool in tools:\n"
        "    assert getattr(lossbook, tool).__name__ == 'lossbook.' + tool\n"
        "assert type(lossbook.compiled.huber).__name__ == 'CompiledLoss'  # issue 26, item 2\n"
        "assert 'matplotlib' not in sys.modules\n"
        "print('ok')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr
    with pytest.raises(AttributeError, match="has no attribute 'nope'"):
        _ = lossbook.nope


def test_every_reduction_parameter_is_typed_reduction():
    import inspect

    from lossbook.catalog import CATALOG

    for name, spec in CATALOG.items():
        param = inspect.signature(spec.fn).parameters.get("reduction")
        if param is not None:
            assert param.annotation == "Reduction", name
            assert param.default == "mean", name


def test_one_version():
    text = (ROOT / "pyproject.toml").read_text()
    assert 'dynamic = ["version"]' in text and "\nversion =" not in text.split("[tool.")[0]
    assert importlib.metadata.version("lossbook") == lossbook.__version__


def _modules():
    names = ["lossbook"]
    for info in pkgutil.walk_packages(lossbook.__path__, "lossbook."):
        names.append(info.name)
    return names


@pytest.mark.parametrize("module", _modules())
def test_doctests(module):
    """The examples in the docstrings run and print what they say (values stated from the formula)."""
    mod = importlib.import_module(module)
    result = doctest.testmod(mod, optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS)
    assert result.failed == 0


def test_the_most_used_losses_have_doctest_examples():
    for name in (
        "mse",
        "huber",
        "cross_entropy",
        "binary_cross_entropy_with_logits",
        "kl_divergence",
        "triplet",
        "info_nce",
        "dice",
        "dpo",
    ):
        assert ">>> " in getattr(lossbook, name).__doc__, name


def test_wheel_has_py_typed_and_no_test_fixtures(tmp_path):
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            str(ROOT),
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    (wheel,) = tmp_path.glob("lossbook-*.whl")
    assert wheel.name.startswith(f"lossbook-{lossbook.__version__}-")
    names = zipfile.ZipFile(wheel).namelist()
    assert "lossbook/py.typed" in names
    assert "lossbook/nn.py" in names and "lossbook/catalog/regression.py" in names
    assert not [n for n in names if "bad_inputs" in n or n.startswith("tests/")]
