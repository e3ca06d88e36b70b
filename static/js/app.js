// Small behaviours shared by every page. No inline scripts anywhere (the CSP forbids them).
(function () {
  "use strict";
  // Keyboard: "/" focuses the page's main search box, as in most tools agents know.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
    const search = document.querySelector("[data-search-box]");
    if (search) {
      event.preventDefault();
      search.focus();
      search.select();
    }
  });
})();
