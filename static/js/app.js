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

// A service refused an htmx action, or one succeeded without leaving the page: show its message where
// the page shows messages (an aria-live region, so it is read out too).
function switchboardShowMessage(text, level) {
  const box = document.querySelector("[data-messages]");
  if (!box) return;
  const list = document.createElement("ul");
  const item = document.createElement("li");
  item.className = "msg msg-" + level;
  item.textContent = text;
  list.appendChild(item);
  box.replaceChildren(list);
}
document.addEventListener("switchboard:error", function (event) {
  switchboardShowMessage(event.detail.message, "error");
  switchboardShowErrorAt(event.target, event.detail.message);
});
document.addEventListener("switchboard:notice", function (event) { switchboardShowMessage(event.detail.message, "success"); });

// Ctrl+Enter (Cmd+Enter) in a form marked data-ctrl-enter submits it: agents type notes while talking.
document.addEventListener("keydown", function (event) {
  if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey)) return;
  const form = event.target && event.target.closest && event.target.closest("form[data-ctrl-enter]");
  if (form) {
    event.preventDefault();
    // A form htmx swapped in a moment ago may not be wired up yet (htmx settles after 20 ms): wire it now,
    // so the submission goes through htmx rather than as a full page post.
    if (window.htmx) htmx.process(form);
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

// Focus may move to the call only from where nothing is being typed (never out of a half-written note).
function switchboardIdleFocus() {
  const active = document.activeElement;
  return !active || active === document.body || (/^(INPUT|TEXTAREA)$/.test(active.tagName) && !active.value);
}

// --- Announcements: live updates are spoken by screen readers (aria-live regions in base.html).
function switchboardAnnounce(text) {
  const region = document.querySelector("[data-announcer]");
  if (!region) return;
  region.textContent = "";
  window.setTimeout(function () { region.textContent = text; }, 50);
}

// --- The push channel: the server tells this tab that the agent's call, state or an approval changed.
(function () {
  "use strict";
  const body = document.body;
  const url = body && body.getAttribute("data-push-url");
  if (!url) return;
  let delay = 1000;
  let socket = null;
  let pinger = null;

  // A fragment re-read after a push (the call bar, the state menu). fetch, not htmx.ajax: htmx queues
  // requests on their source element and drops the queue when that element is swapped out, which two
  // pushes in a row (the call, then the agent's state) would do. The newest answer always wins.
  const latest = {};
  function refreshFragment(id, url) {
    const ticket = (latest[id] = (latest[id] || 0) + 1);
    return fetch(url, { headers: { "HX-Request": "true" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        const current = document.getElementById(id);
        if (html === null || !current || ticket !== latest[id]) return null;
        htmx.swap(current, html, { swapStyle: "outerHTML" });
        const fresh = document.getElementById(id);
        if (fresh) htmx.process(fresh);
        return fresh;
      })
      .catch(function () { return null; });
  }

  function refreshCallBar() {
    const bar = document.getElementById("call-bar");
    if (!bar || !window.htmx) return;
    // The agent's own action on the bar is in flight: its answer brings the new bar (and its message).
    if (bar.querySelector(".htmx-request")) return;
    refreshFragment("call-bar", bar.getAttribute("data-call-bar-url")).then(function (fresh) {
      if (fresh) document.dispatchEvent(new CustomEvent("switchboard:callbar", { detail: { byUser: false } }));
    });
  }

  function onMessage(event) {
    let message;
    try { message = JSON.parse(event.data); } catch (e) { return; }
    if (message.kind === "call") {
      refreshCallBar();
    } else if (message.kind === "agent_state") {
      const form = document.getElementById("agent-state");
      // Not while the agent's own change is in flight: its answer renders the menu.
      if (form && window.htmx && !form.classList.contains("htmx-request")) {
        // A select commits on change, so there is never a half-made choice to protect; keep its focus.
        const hadFocus = form.contains(document.activeElement);
        refreshFragment("agent-state", form.getAttribute("data-menu-url")).then(function () {
          const select = document.getElementById("agent-state-select");
          if (hadFocus && select) select.focus();
        });
      }
      switchboardAnnounce("Your state: " + message.label + (message.reason ? " (" + message.reason + ")" : ""));
    } else if (message.kind === "notification") {
      // A decision on the agent's approval, a callback due...: said, shown, and the badge counts it.
      switchboardAnnounce(message.text);
      switchboardShowMessage(message.text, "info");
      const badge = document.getElementById("notif-count");
      if (badge && window.htmx) htmx.trigger(badge, "switchboard:refresh");
      document.querySelectorAll("[data-refresh-on-push]").forEach(function (el) { htmx.trigger(el, "switchboard:refresh"); });
    } else if (message.kind === "floor") {
      document.querySelectorAll("[data-floor]").forEach(function (el) { htmx.trigger(el, "switchboard:refresh"); });
    } else if (message.kind === "hello") {
      delay = 1000;
      document.body.setAttribute("data-push", "connected");
    }
  }

  function connect() {
    try { socket = new WebSocket(url); } catch (e) { return retry(); }
    socket.addEventListener("message", onMessage);
    socket.addEventListener("open", function () {
      // A reconnect may have missed pushes: re-read what they would have said.
      if (document.body.getAttribute("data-push") === "lost") refreshCallBar();
      pinger = window.setInterval(function () {
        if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ kind: "ping" }));
      }, 60000);
    });
    socket.addEventListener("close", function () {
      document.body.setAttribute("data-push", "lost");
      window.clearInterval(pinger);
      retry();
    });
  }
  function retry() {
    window.setTimeout(connect, delay);
    delay = Math.min(delay * 2, 30000);
  }
  connect();
})();

// --- The call bar: the notes survive a reload or a crashed tab (a local copy beside the server's draft),
// and focus lands on the next useful control after every action.
(function () {
  "use strict";
  function restoreDraft(root) {
    const notes = (root || document).querySelector("[data-draft-key]");
    if (!notes) return;
    const key = "switchboard:" + notes.getAttribute("data-draft-key");
    const local = window.localStorage.getItem(key);
    if (local && local.length > notes.value.length) notes.value = local;
    notes.addEventListener("input", function () { window.localStorage.setItem(key, notes.value); });
  }
  function forgetFinishedDrafts() {
    const bar = document.getElementById("call-bar");
    const live = bar && bar.getAttribute("data-call-id");
    Object.keys(window.localStorage).forEach(function (key) {
      if (key.indexOf("switchboard:call-") === 0 && key !== "switchboard:call-" + live) window.localStorage.removeItem(key);
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    restoreDraft(document);
    forgetFinishedDrafts();
    // A reload or a new page during a call: focus goes back to the call unless something else is in use.
    const bar = document.getElementById("call-bar");
    const next = bar && bar.querySelector("[data-autofocus]");
    if (next && switchboardIdleFocus()) next.focus();
  });
  // After a saved form the server sends the agent back to a named place (#add-note): focus its field.
  // On load, not earlier: the browser's own jump to the fragment would take the focus away again.
  window.addEventListener("load", function () {
    const anchor = window.location.hash && document.getElementById(window.location.hash.slice(1));
    const field = anchor && anchor.querySelector("textarea, input:not([type=hidden]), select");
    if (field && switchboardIdleFocus()) field.focus();
  });
  function afterCallBarSwap(byUser) {
    const bar = document.getElementById("call-bar");
    if (!bar) return;
    restoreDraft(bar);
    forgetFinishedDrafts();
    if (!byUser) {
      // A push refreshed the bar (the screen pop): say what changed.
      const head = bar.querySelector(".call-head");
      switchboardAnnounce(head ? head.textContent.replace(/\s+/g, " ").trim() : "No call in progress");
    }
    const next = bar.querySelector("[data-autofocus]");
    if (next && (byUser || switchboardIdleFocus())) next.focus();
    else if (byUser && !bar.getAttribute("data-call-id")) {
      // The call is done: back to finding the next caller.
      const search = document.querySelector("[data-search-box]");
      if (search) search.focus();
    }
  }
  document.addEventListener("switchboard:callbar", function (event) { afterCallBarSwap(event.detail.byUser); });
  // After the settle, not the swap: only then has htmx wired up the new bar's forms.
  document.addEventListener("htmx:afterSettle", function (event) {
    if (event.detail.target && event.detail.target.id === "call-bar") afterCallBarSwap(true);
  });
})();

// --- "?" shows the shortcuts; Esc closes them (a native dialog).
(function () {
  "use strict";
  function typing(target) {
    return target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  }
  function open() {
    const dialog = document.getElementById("shortcuts");
    if (dialog && !dialog.open) dialog.showModal();
  }
  document.addEventListener("keydown", function (event) {
    // In the (autofocused) search box too while it is empty: no search starts with "?".
    const emptySearch = event.target && event.target.matches && event.target.matches("[data-search-box]") && !event.target.value;
    if (event.key === "?" && (emptySearch || !typing(event.target)) && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      open();
    }
  });
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-shortcuts-open]")) open();
  });
})();

// --- The customer search: ArrowDown enters the results, arrows move, Enter opens (a link). Enter in the
// box submits the search, and a single match opens the customer (crm.views.customer_list).
(function () {
  "use strict";
  function links() {
    return Array.from(document.querySelectorAll("#search-results-list li[data-customer] > a"));
  }
  document.addEventListener("keydown", function (event) {
    const target = event.target;
    if (!target) return;
    if (target.matches && target.matches("[data-search-box]")) {
      if (event.key === "ArrowDown") {
        const all = links();
        if (all.length) { event.preventDefault(); all[0].focus(); }
      }
      return;
    }
    if (target.closest && target.closest("#search-results-list") && (event.key === "ArrowDown" || event.key === "ArrowUp")) {
      const all = links();
      const index = all.indexOf(target);
      if (index < 0) return;
      event.preventDefault();
      if (event.key === "ArrowDown") { if (all[index + 1]) all[index + 1].focus(); }
      else if (index === 0) { const box = document.querySelector("[data-search-box]"); if (box) box.focus(); }
      else all[index - 1].focus();
    }
  });
})();

// Canned replies and note templates: Alt+/ in a text box opens its templates with the filter focused; a title
// (click, or Enter on it) inserts its text where the cursor was, and the box is told it changed (so a call's
// notes save as typed). Typing in the filter narrows the list; Enter there inserts the first title left.
(function () {
  "use strict";
  function focusFilter(details) {
    const filter = details.querySelector("[data-canned-filter]");
    if (filter) filter.focus();
    return !!filter;
  }
  document.addEventListener("keydown", function (event) {
    if (!event.altKey || event.key !== "/" || !event.target.id) return;
    const details = document.querySelector('details[data-canned-for="' + event.target.id + '"]');
    if (!details) return;
    event.preventDefault();
    details.setAttribute("data-focus-filter", "");
    if (!details.open) details.open = true;
    if (focusFilter(details)) details.removeAttribute("data-focus-filter");
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    const details = event.target.closest && event.target.closest("details[data-focus-filter]");
    if (details && focusFilter(details)) details.removeAttribute("data-focus-filter");
  });
  function insert(list, text) {
    const box = document.getElementById(list.getAttribute("data-canned-target"));
    if (!box) return;
    const start = box.selectionStart != null ? box.selectionStart : box.value.length;
    const end = box.selectionEnd != null ? box.selectionEnd : box.value.length;
    box.value = box.value.slice(0, start) + text + box.value.slice(end);
    box.dispatchEvent(new Event("input", { bubbles: true }));
    box.focus();
    box.setSelectionRange(start + text.length, start + text.length);
  }
  document.addEventListener("click", function (event) {
    const button = event.target.closest && event.target.closest("[data-insert]");
    const list = button && button.closest("[data-canned-target]");
    if (list) insert(list, button.getAttribute("data-insert"));
  });
  document.addEventListener("input", function (event) {
    if (!event.target.matches || !event.target.matches("[data-canned-filter]")) return;
    const words = event.target.value.toLowerCase();
    event.target.closest("[data-canned-target]").querySelectorAll("[data-canned]").forEach(function (item) {
      item.hidden = words !== "" && item.textContent.toLowerCase().indexOf(words) === -1;
    });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || !event.target.matches || !event.target.matches("[data-canned-filter]")) return;
    event.preventDefault();
    const list = event.target.closest("[data-canned-target]");
    const first = list.querySelector("[data-canned]:not([hidden]) [data-insert]");
    if (first) insert(list, first.getAttribute("data-insert"));
  });
})();

// --- Live lists ([data-live]: the approval queue, the team queue, notifications, the floor). A refresh updates
// rows in place by their data-key and never touches a row the user is working in: one holding the focus, or a
// control whose value the user changed (a half-typed reason, a ticked box). Such a row stays as it is; if it has
// left the list meanwhile, it is marked so rather than taken away from under the user.
(function () {
  "use strict";
  function changed(control) {
    if (control.type === "hidden") return false;
    if (control.type === "checkbox" || control.type === "radio") return control.checked !== control.defaultChecked;
    if (control.tagName === "SELECT") return Array.from(control.options).some(function (o) { return o.selected !== o.defaultSelected; });
    return control.value !== control.defaultValue;
  }
  function inUse(row) {
    return row.contains(document.activeElement) || Array.from(row.querySelectorAll("input, textarea, select")).some(changed);
  }
  function merge(target, fresh) {
    const kept = Array.from(target.querySelectorAll("[data-key]")).filter(inUse);
    if (!kept.length) {
      target.replaceChildren(fresh);
      htmx.process(target);
      return;
    }
    const parent = kept[0].parentElement;
    const keptByKey = new Map(kept.map(function (row) { return [row.getAttribute("data-key"), row]; }));
    Array.from(parent.children).forEach(function (row) { if (!keptByKey.has(row.getAttribute("data-key"))) row.remove(); });
    const wanted = Array.from(fresh.querySelectorAll("[data-key]")).filter(function (row) { return row.parentElement && row.parentElement.tagName === parent.tagName; });
    const present = new Set(wanted.map(function (row) { return row.getAttribute("data-key"); }));
    keptByKey.forEach(function (row, key) {
      if (!present.has(key)) { row.classList.add("row-gone"); row.setAttribute("title", "No longer in this list"); }
    });
    // Kept rows never move (moving an element takes its focus away); the others are placed around them.
    let cursor = parent.firstElementChild;
    wanted.forEach(function (row) {
      const key = row.getAttribute("data-key");
      const old = keptByKey.get(key);
      if (old) { cursor = old.nextElementSibling; return; }
      parent.insertBefore(row, cursor);
      htmx.process(row);
    });
  }
  document.addEventListener("htmx:beforeSwap", function (event) {
    const target = event.detail.target;
    if (!target || !target.hasAttribute("data-live") || !event.detail.xhr || event.detail.xhr.status !== 200) return;
    event.detail.shouldSwap = false;
    const template = document.createElement("template");
    template.innerHTML = event.detail.serverResponse;
    merge(target, template.content);
    target.dispatchEvent(new CustomEvent("switchboard:live-updated", { bubbles: true }));
  });
})();

// --- Every htmx request that fails says so where the user acted (beside the form or list), not only at the top.
// A service's refusal brings its own message (switchboard:error, above); anything else gets a plain one here.
function switchboardShowErrorAt(elt, text) {
  if (!elt || !elt.closest) return;
  const anchor = elt.closest("form, [data-live], [hx-get]") || elt;
  let note = anchor.nextElementSibling;
  if (!note || !note.classList.contains("action-error")) {
    note = document.createElement("p");
    note.className = "action-error";
    note.setAttribute("role", "alert");
    anchor.insertAdjacentElement("afterend", note);
  }
  note.textContent = text;
}
(function () {
  "use strict";
  const PLAIN = {
    403: "You may not do that. Ask a supervisor if you think you should.",
    404: "That record is no longer there: it may have been merged, deleted or moved out of your programs.",
    409: "Someone changed this meanwhile. Reload the page to see the latest version.",
    429: "Too many requests at once: wait a moment and try again.",
  };
  function plain(status) {
    if (PLAIN[status]) return PLAIN[status];
    if (status >= 500) return "Something went wrong on our side (error " + status + "). Nothing was saved; try again.";
    return "The request was refused (error " + status + ").";
  }
  // A form sent back with its errors (400/422, HTML) replaces the form, as a full page would show it.
  document.addEventListener("htmx:beforeSwap", function (event) {
    const xhr = event.detail.xhr;
    if ((xhr.status === 400 || xhr.status === 422) && /text\/html/.test(xhr.getResponseHeader("Content-Type") || "")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
  document.addEventListener("htmx:responseError", function (event) {
    const xhr = event.detail.xhr;
    if (/switchboard:error/.test(xhr.getResponseHeader("HX-Trigger") || "")) return; // already said, above
    const text = plain(xhr.status);
    switchboardShowErrorAt(event.detail.elt, text);
    switchboardShowMessage(text, "error");
  });
  document.addEventListener("htmx:sendError", function (event) {
    switchboardShowErrorAt(event.detail.elt, "No connection to Switchboard. Check the network; nothing was saved.");
  });
  // The next success of the same control clears its error.
  document.addEventListener("htmx:afterRequest", function (event) {
    if (!event.detail.successful || !event.detail.elt || !event.detail.elt.closest) return;
    const anchor = event.detail.elt.closest("form, [data-live], [hx-get]") || event.detail.elt;
    const note = anchor.nextElementSibling;
    if (note && note.classList.contains("action-error")) note.remove();
  });
})();

// --- The knowledge editor shows only the fields of the kind being written (a script's steps, not an article's).
(function () {
  "use strict";
  function show(select) {
    document.querySelectorAll("[data-for-kind]").forEach(function (el) {
      el.hidden = el.getAttribute("data-for-kind") !== select.value;
    });
  }
  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("[data-kind-select]")) show(event.target);
  });
})();

// --- A table wider than a phone's screen scrolls inside itself; keyboard users must be able to scroll it too,
// so it takes the focus (arrow keys then scroll it) while, and only while, it overflows.
(function () {
  "use strict";
  function markScrollers() {
    document.querySelectorAll("table").forEach(function (table) {
      if (table.scrollWidth > table.clientWidth + 1) table.setAttribute("tabindex", "0");
      else if (table.getAttribute("tabindex") === "0") table.removeAttribute("tabindex");
    });
  }
  window.addEventListener("load", markScrollers);
  window.addEventListener("resize", markScrollers);
  document.addEventListener("htmx:afterSettle", markScrollers);
})();
