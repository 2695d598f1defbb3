"""``show_source``: the listings the chapters show are code a reader reads, never raw RST.

Runs without the site: the same rules ``test_site.py`` checks on the built pages, applied
to the listing of every public loss and tool the book can show.
"""

from __future__ import annotations

import inspect
import re
import textwrap

import pytest

import lossbook
from lossbook import plot
from lossbook.plot import show_source, strip_docstrings

RAW_RST = re.compile(r"\.\. math::|\\begin\{|``|:math:`|:func:`|:class:`")


def public_objects():
    from lossbook import catalog, curves, guide, landscape, sequence

    names = [n for n in dir(lossbook) if not n.startswith("_")]
    objs = [getattr(lossbook, n) for n in names]
    objs = [o for o in objs if inspect.isfunction(o)]
    objs += [
        sequence._alpha_recursion,
        landscape.sharpness,
        curves.diagnose,
        guide.recommend,
        guide.Recommendation,
        catalog.LossSpec,
    ]
    return objs


@pytest.mark.parametrize("obj", public_objects(), ids=lambda o: o.__qualname__)
def test_listing_has_no_raw_rst_and_still_compiles(obj):
    listing = show_source(obj)
    assert not RAW_RST.search(listing.code), f"raw RST in the listing of {obj.__qualname__}"
    assert '"""' not in listing.code
    compile(listing.code, "<listing>", "exec")  # still valid Python
    assert listing.full_code == inspect.getsource(obj)
    # every line of the listing is a line of the package's own source, in order
    source_lines = iter(textwrap.dedent(listing.full_code).splitlines())
    for line in listing.code.splitlines():
        assert line in source_lines, f"{line!r} is not from the source"


def test_huber_listing_is_signature_and_body():
    listing = show_source(lossbook.huber)
    code = listing.code
    assert code.startswith("@float32_under_autocast\ndef huber(")  # decorator, signature
    assert "\n    return " in code  # the body, down to its return
    assert '"""' not in code  # and no docstring
    assert listing._repr_markdown_() == f"```python\n{code}```\n"
    assert repr(listing) == code


def test_strip_docstrings_rules():
    source = textwrap.dedent(
        '''
        class A:
            """Class doc.

            .. math:: x^2
            """

            x: int = 1

            def f(self):
                """Only a docstring."""

            def g(self):  # a comment stays
                r"""Raw \\begin{aligned} doc."""
                s = "``not a docstring``"
                return s

            def h(self): """on the def line"""; return 1
        '''
    ).lstrip()
    out = strip_docstrings(source)
    assert (
        out
        == textwrap.dedent(
            '''
        class A:
            x: int = 1

            def f(self):
                ...

            def g(self):  # a comment stays
                s = "``not a docstring``"
                return s

            def h(self): """on the def line"""; return 1
        '''
        ).lstrip()
    )


def test_methods_are_dedented():
    out = strip_docstrings(inspect.getsource(plot.Source._repr_markdown_))
    assert out.startswith("def _repr_markdown_(self)")


BOOK = __import__("pathlib").Path(__file__).resolve().parents[1] / "book"
SHOWN = re.compile(r"show_source\((lb(?:\.\w+)+)\)")
APPLY = re.compile(r"\b(_\w+)\.apply\(")


def _chapters_and_listings():
    import json

    for path in sorted(BOOK.glob("*.ipynb")):
        cells = json.loads(path.read_text())["cells"]
        code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
        yield path.name, SHOWN.findall(code)


@pytest.mark.parametrize("chapter, listed", list(_chapters_and_listings()), ids=lambda v: str(v))
def test_a_listed_loss_that_delegates_is_listed_with_its_function(chapter, listed):
    """A loss whose body is checks plus ``_Something.apply(...)`` shows no formula: the
    chapter that lists it must list ``_Something`` too (where the formula and its gradient
    are). Chapters 1, 4 and 5 once showed only the wrapper while their text described the
    arithmetic."""

    def resolve(dotted: str):
        obj = lossbook
        for part in dotted.split(".")[1:]:
            obj = getattr(obj, part)
        return obj

    shown = {resolve(name) for name in listed}
    missing = []
    for obj in list(shown):
        module = inspect.getmodule(inspect.unwrap(obj))
        for helper in APPLY.findall(show_source(obj).code):
            if getattr(module, helper) not in shown:
                missing.append(f"{obj.__name__} -> {module.__name__}.{helper}")
    assert not missing, f"{chapter} lists a wrapper without the function doing the work: {missing}"
