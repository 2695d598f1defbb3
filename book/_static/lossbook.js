/* lossbook: make every box that scrolls sideways reachable by keyboard.
 *
 * On a narrow screen, display maths, tables, outputs and API signatures scroll inside
 * their own box (lossbook.css). A keyboard user must be able to scroll them too, so a box
 * that actually overflows becomes focusable (tabindex=0; arrow keys then scroll it) --
 * axe-core's scrollable-region-focusable. Checked again after MathJax typesets and when
 * the window is resized.
 *
 * And figures stay legible: on a narrow screen an image is never drawn smaller than the
 * width at which the book's figure text is LEGIBLE_PX tall (lossbook.css applies it as a
 * min-width; a wide multi-panel figure then scrolls sideways in its box).
 */
(function () {
  "use strict";
  const SELECTOR = [
    ".bd-article div.math",
    ".bd-article mjx-container[display='true']",
    ".bd-article .pst-scrollable-table-container",
    ".bd-article .cell_output .output",
    ".bd-article .cell_output:has(> img)",
    ".bd-article figure.lossbook-slider",
    ".bd-article pre",
    ".bd-article mjx-container.lossbook-wide-math",
  ].join(", ");

  // inline maths cannot wrap (MathJax 3): a formula wider than the text column gets a
  // sideways-scrolling box of its own, like display maths
  function wideInlineMath() {
    const article = document.querySelector(".bd-article");
    if (!article) return;
    const right = article.getBoundingClientRect().right;
    article.querySelectorAll("mjx-container:not([display='true'])").forEach(function (m) {
      if (m.classList.contains("lossbook-wide-math")) return;
      if (m.getBoundingClientRect().right > right + 1) m.classList.add("lossbook-wide-math");
    });
  }

  function mark() {
    wideInlineMath();
    document.querySelectorAll(SELECTOR).forEach(function (box) {
      const scrolls = box.scrollWidth > box.clientWidth + 1;
      if (scrolls && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        box.dataset.lossbookScroll = "1";
      } else if (!scrolls && box.dataset.lossbookScroll) {
        box.removeAttribute("tabindex");
        delete box.dataset.lossbookScroll;
      }
    });
  }

  // Figure text is set at FIGURE_FONT_PT (lossbook/plot.py, BOOK_STYLE["font.size"]) and the
  // PNG records its dpi (pHYs chunk): at natural size that text is FIGURE_FONT_PT * dpi / 72
  // pixels tall, so the image may shrink to LEGIBLE_PX / that of its natural width.
  const FIGURE_FONT_PT = 10;
  const LEGIBLE_PX = 7.5;

  function pngDpi(bytes) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let at = 8; at + 8 <= bytes.length; ) {
      const length = view.getUint32(at);
      const type = String.fromCharCode(bytes[at + 4], bytes[at + 5], bytes[at + 6], bytes[at + 7]);
      if (type === "pHYs") {
        if (at + 17 > bytes.length || bytes[at + 16] !== 1) return null;  // 1: per metre
        return view.getUint32(at + 8) * 0.0254;
      }
      if (type === "IDAT") return null;
      at += 12 + length;
    }
    return null;
  }

  function pngHead(src) {  // the first bytes of a PNG: enough for its header chunks
    if (src.startsWith("data:image/png;base64,")) {
      const start = src.indexOf(",") + 1;
      const text = atob(src.slice(start, start + 4096));
      return Promise.resolve(Uint8Array.from(text, (c) => c.charCodeAt(0)));
    }
    return fetch(src)
      .then((r) => r.arrayBuffer())
      .then((b) => new Uint8Array(b, 0, Math.min(b.byteLength, 4096)));
  }

  function legibleWidth(img) {
    return new Promise(function (done) {
      const go = function () {
        const src = img.currentSrc || img.src;
        if (!img.naturalWidth || !/^data:image\/png|\.png$/.test(src)) return done();
        pngHead(src).then(function (head) {
          const dpi = pngDpi(head);
          if (dpi) {
            const style = getComputedStyle(img);
            const frame = ["paddingLeft", "paddingRight", "borderLeftWidth", "borderRightWidth"]
              .reduce((sum, k) => sum + parseFloat(style[k]), 0);
            const scale = Math.min(1, LEGIBLE_PX / (FIGURE_FONT_PT * dpi / 72));
            const width = Math.ceil(img.naturalWidth * scale + frame);
            img.style.setProperty("--lossbook-legible-width", width + "px");
          }
          done();
        }, done);
      };
      if (img.complete) go();
      else {
        img.addEventListener("load", go, { once: true });
        img.addEventListener("error", go, { once: true });
      }
    });
  }

  function sizeFigures() {
    const images = [...document.querySelectorAll(".bd-article img")];
    Promise.all(images.map(legibleWidth)).then(function () {
      mark();
      document.documentElement.dataset.lossbookFigures = "ready";
    });
  }

  function afterMath() {
    mark();
    if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
      MathJax.startup.promise.then(mark);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", afterMath);
    document.addEventListener("DOMContentLoaded", sizeFigures);
  } else {
    afterMath();
    sizeFigures();
  }
  window.addEventListener("load", afterMath);
  let timer = null;
  window.addEventListener("resize", function () {
    clearTimeout(timer);
    timer = setTimeout(mark, 150);
  });
})();
