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
  item.textContent = event.detail.message;
  box.replaceChildren(item);
});

// Ctrl+Enter (Cmd+Enter) in a form marked data-ctrl-enter submits it: agents type notes while talking.
document.addEventListener("keydown", function (event) {
  if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey)) return;
  const form = event.target && event.target.closest && event.target.closest("form[data-ctrl-enter]");
  if (form) {
    event.preventDefault();
    form.requestSubmit();
  }
});

// A running call timer: any element with data-timer-start (ISO time) counts up.
setInterval(function () {
  document.querySelectorAll("[data-timer-start]").forEach(function (el) {
    const started = Date.parse(el.getAttribute("data-timer-start"));
    if (isNaN(started)) return;
    const seconds = Math.max(0, Math.floor((Date.now() - started) / 1000));
    const minutes = Math.floor(seconds / 60);
    el.textContent = minutes + ":" + String(seconds % 60).padStart(2, "0");
  });
}, 1000);
