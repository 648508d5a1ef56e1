// Deadlines: show each <time data-local-time> in the viewer's own zone, and
// tick a countdown for the one marked data-countdown. No inline script (CSP).
(function () {
  "use strict";

  function formatLocal(date) {
    return date.toLocaleString(undefined, {
      weekday: "short", day: "numeric", month: "short", year: "numeric",
      hour: "2-digit", minute: "2-digit", timeZoneName: "short",
    });
  }

  function formatCountdown(ms) {
    if (ms <= 0) return "passed";
    const minutes = Math.floor(ms / 60000);
    const days = Math.floor(minutes / 1440);
    const hours = Math.floor((minutes % 1440) / 60);
    const mins = minutes % 60;
    if (days > 0) return days + "d " + hours + "h left";
    if (hours > 0) return hours + "h " + mins + "m left";
    return mins + "m left";
  }

  function formatShort(date) {
    return date.toLocaleString(undefined, {
      day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", timeZoneName: "short",
    });
  }

  function render() {
    document.querySelectorAll("time[data-local-time]").forEach(function (el) {
      const when = new Date(el.getAttribute("datetime"));
      if (el.dataset.localTime === "short") {
        el.textContent = "(your time: " + formatShort(when) + ")";
        el.title = when.toISOString();
        return;
      }
      let text = "your time: " + formatLocal(when);
      if (el.hasAttribute("data-countdown")) {
        text += " · " + formatCountdown(when - Date.now());
      }
      el.textContent = text;
      el.title = when.toISOString();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    render();
    if (document.querySelector("time[data-countdown]")) setInterval(render, 30000);
  });
  document.addEventListener("htmx:afterSwap", render);
})();

// j / k / u step through the list a paper page was reached from (HotCRP's list navigation).
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    const nav = document.querySelector("[data-list-nav]");
    if (!nav || event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target;
    if (target.closest("input, textarea, select, [contenteditable]")) return;
    const link = event.key === "u" ? nav.querySelector("span a") : nav.querySelector('a[data-key="' + event.key + '"]');
    if (link) {
      event.preventDefault();
      window.location.href = link.href;
    }
  });
})();

// A request htmx could not complete (an error status, or no answer at all):
// htmx swaps nothing then, so without this the click seems to do nothing. Say
// so where the answer would have gone when that is a status line, otherwise
// in the page's messages. Text only: never the error page itself.
(function () {
  "use strict";

  function say(event) {
    const xhr = event.detail.xhr;
    const why = xhr && xhr.status
      ? "the server answered " + xhr.status + (xhr.statusText ? " " + xhr.statusText : "")
      : "the server could not be reached";
    const text = "That did not go through (" + why + "). Reload the page and try again.";
    const target = event.detail.target;
    if (target && target.matches("[role=status], [aria-live]")) {
      target.replaceChildren(Object.assign(document.createElement("span"), { className: "error", textContent: text }));
      return;
    }
    const main = document.getElementById("main");
    if (!main) return;
    let box = main.querySelector(".messages");
    if (!box) {
      box = Object.assign(document.createElement("div"), { className: "messages" });
      box.setAttribute("role", "alert");
      main.prepend(box);
    }
    box.append(Object.assign(document.createElement("p"), { className: "message error", textContent: text }));
  }

  document.addEventListener("htmx:responseError", say);
  document.addEventListener("htmx:sendError", say);
})();

// A select that saves on change (bids) is one arrow key away from a value that
// cannot be taken back ("Conflict": the paper leaves the list). Ask first; if
// the answer is no, put back what was there and send nothing.
document.addEventListener("htmx:confirm", function (event) {
  const elt = event.detail.elt;
  const select = elt.querySelector && elt.querySelector("select[data-confirm-value]");
  if (!select) return;
  if (select.value !== select.dataset.confirmValue) {
    select.dataset.previous = select.value;
    return;
  }
  event.preventDefault();
  if (window.confirm(select.dataset.confirmText)) {
    event.detail.issueRequest(true);
  } else {
    select.value = select.dataset.previous !== undefined ? select.dataset.previous
      : (Array.from(select.options).find(function (o) { return o.defaultSelected; }) || select.options[0]).value;
  }
});
