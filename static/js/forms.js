// Small helpers for the submission forms: add author rows, live word counts,
// one submit per click, and a progress bar while a PDF uploads (htmx).
(function () {
  "use strict";

  function countWords(text) {
    const words = text.trim().match(/\S+/g);
    return words ? words.length : 0;
  }

  function bindWordCount(textarea) {
    const limit = parseInt(textarea.dataset.wordLimit, 10);
    const out = document.querySelector('.word-count[data-for="' + textarea.id + '"]');
    if (!limit || !out) return;
    const update = function () {
      const n = countWords(textarea.value);
      out.textContent = n + " / " + limit + " words";
      out.classList.toggle("error", n > limit);
    };
    textarea.addEventListener("input", update);
    update();
  }

  function addForm(button) {
    const rows = document.getElementById(button.dataset.addForm);
    const template = document.getElementById(button.dataset.template);
    const total = document.getElementById("id_" + button.dataset.prefix + "-TOTAL_FORMS");
    const index = parseInt(total.value, 10);
    const html = template.innerHTML.replace(/__prefix__/g, String(index));
    rows.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    const first = rows.lastElementChild.querySelector("input");
    if (first) first.focus();
  }

  // "Select all shown": a header checkbox ticks every row's box of that name.
  function bindSelectAll(box) {
    const boxes = function () {
      return box.form.querySelectorAll('input[type=checkbox][name="' + box.dataset.selectAll + '"]');
    };
    box.addEventListener("change", function () {
      boxes().forEach(function (b) { b.checked = box.checked; });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[data-select-all]").forEach(bindSelectAll);
    document.querySelectorAll("textarea[data-word-limit]").forEach(bindWordCount);
    document.querySelectorAll("[data-add-form]").forEach(function (button) {
      button.addEventListener("click", function () { addForm(button); });
    });
    document.querySelectorAll("form").forEach(function (form) {
      form.addEventListener("submit", function () {
        form.querySelectorAll("button[data-once]").forEach(function (b) {
          b.disabled = true;
          b.textContent = "Saving…";
        });
      });
    });
  });

  // A file over the limit is refused here, before the browser sends it.
  document.addEventListener("change", function (event) {
    const input = event.target;
    const form = input.form;
    if (!input.files || !form || !form.dataset.maxBytes) return;
    const max = parseInt(form.dataset.maxBytes, 10);
    const file = input.files[0];
    const tooBig = file && file.size > max;
    input.setCustomValidity(tooBig ? "This file is " + (file.size / 1048576).toFixed(1) + " MB; the limit is " +
      Math.floor(max / 1048576) + " MB. Please make it smaller and choose it again." : "");
    if (tooBig) input.reportValidity();
  });

  document.addEventListener("htmx:xhr:progress", function (event) {
    const bar = event.target.querySelector && event.target.querySelector(".upload-progress");
    if (!bar || !event.detail.lengthComputable) return;
    bar.hidden = false;
    bar.value = Math.round((event.detail.loaded / event.detail.total) * 100);
  });
})();

// Ctrl+S / Cmd+S saves the review draft instead of saving the web page.
document.addEventListener("keydown", function (event) {
  if ((event.ctrlKey || event.metaKey) && event.key === "s") {
    const button = document.querySelector("button[data-save-draft]");
    if (button) {
      event.preventDefault();
      button.click();
    }
  }
});

// Review autosave. Our own trigger rather than htmx's "input changed delay"
// on the form: that listener only exists once htmx has processed the page, so
// text typed before the scripts ran (a reviewer who starts at once, or a slow
// machine) never saved. Here a form that already differs from what the server
// sent is saved as soon as the script runs, then 3 s after each pause.
// A submit while an autosave is on its way waits for it (the autosave bumps
// the version the submit must carry).
(function () {
  "use strict";
  const DELAY_MS = 3000;
  let inflight = 0;
  let pending = null;

  function isDirty(form) {
    return Array.from(form.elements).some(function (el) {
      if (el.type === "checkbox" || el.type === "radio") return el.checked !== el.defaultChecked;
      if (el.tagName === "TEXTAREA") return el.value !== el.defaultValue;
      if (el.tagName === "INPUT" && el.type !== "hidden" && el.type !== "file") return el.value !== el.defaultValue;
      return false;
    });
  }

  function snapshot(form) {
    const data = new FormData(form);
    data.delete("version");
    data.delete("csrfmiddlewaretoken");
    return new URLSearchParams(data).toString();
  }

  function bind(form) {
    const trigger = form.querySelector("[data-autosave]");
    if (!trigger) return;
    let timer = null;
    let saved = null;  // what the server has, once we know it
    const fire = function () {
      timer = null;
      const now = snapshot(form);
      if (now === saved) return;
      saved = now;
      if (window.htmx) window.htmx.trigger(trigger, "autosave");
    };
    const schedule = function () {
      if (timer) clearTimeout(timer);
      timer = setTimeout(fire, DELAY_MS);
    };
    form.addEventListener("input", schedule);
    form.addEventListener("change", schedule);
    form.addEventListener("submit", function () { if (timer) clearTimeout(timer); });
    if (isDirty(form)) schedule();
    else saved = snapshot(form);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form").forEach(bind);
  });
  document.addEventListener("htmx:beforeRequest", function (event) {
    if (event.target.matches("[data-autosave]")) inflight += 1;
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    if (!event.target.matches("[data-autosave]")) return;
    inflight -= 1;
    if (inflight === 0 && pending) {
      const { form, submitter } = pending;
      pending = null;
      form.requestSubmit(submitter);
    }
  });
  document.addEventListener("submit", function (event) {
    const autosave = event.target.querySelector("[data-autosave]");
    if (!autosave) return;
    if (inflight > 0) {
      event.preventDefault();
      pending = { form: event.target, submitter: event.submitter };
      return;
    }
    autosave.remove();
  }, true);
})();
