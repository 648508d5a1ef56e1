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

  document.addEventListener("DOMContentLoaded", function () {
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

// A review submitted while an autosave is on its way would carry a stale
// version and be refused: wait for the autosave, then submit; drop any
// autosave still waiting on its delay.
(function () {
  "use strict";
  let inflight = 0;
  let pending = null;

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
