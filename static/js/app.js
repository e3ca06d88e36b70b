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

// A service refused an htmx action: show its message where the page shows messages.
document.body && document.body.addEventListener("switchboard:error", function (event) {
  let box = document.querySelector(".messages");
  if (!box) {
    box = document.createElement("ul");
    box.className = "messages";
    box.setAttribute("role", "status");
    document.querySelector("main").before(box);
  }
  const item = document.createElement("li");
  item.className = "msg msg-error";
  item.textContent = event.detail.value;
  box.replaceChildren(item);
});
