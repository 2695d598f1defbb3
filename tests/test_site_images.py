"""The site test's image check, fed pages whose answer is known (runs without a built site)."""

from __future__ import annotations

from site_images import undescribed_images


def test_an_image_with_neither_alt_nor_caption_is_reported_even_after_a_captioned_figure():
    html = (
        '<figure><img src="a.png" alt="a plot of the loss"><figcaption>The loss.</figcaption>'
        "</figure>"
        '<figure><img src="b.png"></figure>'  # nothing says what b shows
    )
    assert undescribed_images(html) == ["b.png"]


def test_the_caption_of_a_later_figure_does_not_cover_an_earlier_image():
    html = '<figure><img src="a.png"></figure><figure><figcaption>Later.</figcaption></figure>'
    assert undescribed_images(html) == ["a.png"]


def test_a_caption_after_the_image_in_the_same_figure_counts():
    html = '<figure><img src="a.png"><figcaption>Huber loss against the residual.</figcaption></figure>'
    assert undescribed_images(html) == []


def test_an_empty_caption_or_a_file_name_as_alt_does_not_count():
    html = (
        '<figure><img src="a.png"><figcaption>  </figcaption></figure>'
        '<img src="b.png" alt="b.png">'
        '<img src="c.png" alt="">'
        '<img src="d.png" alt="the training curve">'
    )
    assert undescribed_images(html) == ["a.png", "b.png", "c.png"]


def test_images_outside_figures_need_alt_text():
    assert undescribed_images('<p><img src="x.png"></p>') == ["x.png"]
    assert undescribed_images('<p><img src="x.png" alt="x against y"></p>') == []
