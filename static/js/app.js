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
