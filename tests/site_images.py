"""Which images of a built page say what they show: alt text, or a caption of their own figure.

Kept apart from ``test_site.py`` (which needs the built site and a browser) so that the
parser itself is tested on every run, by ``test_site_images.py``.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser


def says_something(alt: str) -> bool:
    """Alt text that describes: not empty, and not myst-nb's default (the file name)."""
    return bool(alt.strip()) and not re.search(r"\.(png|jpe?g|svg)$", alt.strip())


class FigureImages(HTMLParser):
    """Collects every ``<img>`` with ``captioned``: does *its own* ``<figure>`` have a caption?

    A caption counts only for the images inside the same figure, whether the
    ``<figcaption>`` comes before or after them, and only if it holds some text.
    """

    def __init__(self) -> None:
        super().__init__()
        self.images: list[dict] = []
        self._figures: list[dict] = []  # open <figure>s: their images and caption text
        self._in_caption = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "figure":
            self._figures.append({"images": [], "caption": ""})
        elif tag == "figcaption":
            self._in_caption += 1
        elif tag == "img":
            image = {**attrs, "captioned": False}
            self.images.append(image)
            if self._figures:
                self._figures[-1]["images"].append(image)

    def handle_data(self, data):
        if self._in_caption and self._figures:
            self._figures[-1]["caption"] += data

    def handle_endtag(self, tag):
        if tag == "figcaption" and self._in_caption:
            self._in_caption -= 1
        elif tag == "figure" and self._figures:
            figure = self._figures.pop()
            if figure["caption"].strip():
                for image in figure["images"]:
                    image["captioned"] = True


def undescribed_images(html: str) -> list[str]:
    """The ``src`` (first 60 characters) of every image with neither alt text nor a caption."""
    parser = FigureImages()
    parser.feed(html)
    parser.close()
    return [
        img.get("src", "")[:60]
        for img in parser.images
        if not says_something(img.get("alt") or "")
        and not img["captioned"]
        and "logo" not in (img.get("class") or "")
    ]
