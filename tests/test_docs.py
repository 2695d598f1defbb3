"""What the README, the package docstring, the API page and CONTRIBUTING say is true."""

from __future__ import annotations

import inspect
import json
import re
from pathlib import Path

import pytest

import lossbook

ROOT = Path(__file__).resolve().parents[1]
# The first argument of a loss that compares a prediction with a target is named for what it is.
PREDICTION_NAMES = {"pred", "logits", "probs", "scores"}


def api_intro() -> str:
    cells = json.loads((ROOT / "book" / "api.ipynb").read_text())["cells"]
    return "".join(cells[0]["source"])


def public_functions() -> list[str]:
    return [name for name in lossbook.__all__ if inspect.isfunction(getattr(lossbook, name))]


@pytest.mark.parametrize("name", public_functions())
def test_every_function_is_prediction_first_or_in_the_argument_order_table(name):
    """The rule the docs state: prediction first, target second -- or an entry saying why not."""
    parameters = list(inspect.signature(getattr(lossbook, name)).parameters.values())
    first, second = parameters[0], parameters[1] if len(parameters) > 1 else None
    prediction_first = (
        first.name in PREDICTION_NAMES
        and second is not None
        and second.name == "target"
        and second.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
    )
    table = api_intro().split("| loss | order | why |")[1].split("\n\n")[0]
    first_column = " ".join(row.split("|")[1] for row in table.splitlines() if row.count("|") > 2)
    in_table = re.search(rf"`{name}\b", first_column) is not None
    assert prediction_first != in_table, f"{name}{inspect.signature(getattr(lossbook, name))}: " + (
        "follows prediction, target, so it should not be listed as an exception"
        if in_table
        else "does not take (prediction, target): list it in book/api.ipynb's argument-order "
        "table with the reason"
    )


def test_torch_keyword_names_are_refused_loudly():
    """The docs say lossbook names its first argument differently from torch's ``input``."""
    torch = pytest.importorskip("torch")
    with pytest.raises(TypeError, match="input"):
        lossbook.mse(input=torch.zeros(2), target=torch.zeros(2))


@pytest.mark.parametrize("doc", ["docs/CONTRIBUTING.md", "docs/DECISIONS.md", "README.md"])
def test_every_repository_path_a_doc_names_exists(doc):
    text = (ROOT / doc).read_text()
    paths = set(re.findall(r"`((?:book|tests|tools|lossbook|bench|docs|\.ci)/[\w./-]+?)`", text))
    missing = sorted(p for p in paths if "<" not in p and not (ROOT / p).exists())
    assert not missing, f"{doc} names paths that do not exist: {missing}"
