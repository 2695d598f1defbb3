/* lossbook: make every box that scrolls sideways reachable by keyboard.
 *
 * On a narrow screen, display maths, tables, outputs and API signatures scroll inside
 * their own box (lossbook.css). A keyboard user must be able to scroll them too, so a box
 * that actually overflows becomes focusable (tabindex=0; arrow keys then scroll it) --
 * axe-core's scrollable-region-focusable. Checked again after MathJax typesets and when
 * the window is resized.
 */
(function () {
  "use strict";
  const SELECTOR = [
    ".bd-article div.math",
    ".bd-article mjx-container[display='true']",
    ".bd-article .pst-scrollable-table-container",
    ".bd-article .cell_output .output",
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

  function afterMath() {
    mark();
    if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
      MathJax.startup.promise.then(mark);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", afterMath);
  } else {
    afterMath();
  }
  window.addEventListener("load", afterMath);
  let timer = null;
  window.addEventListener("resize", function () {
    clearTimeout(timer);
    timer = setTimeout(mark, 150);
  });
})();
