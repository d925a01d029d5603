// Progressive enhancement for the finder: without this file the GET form and links work
// as they are. With it, results update in place (the server renders only the finder
// fragment), the address bar and back button follow, and the new count is announced.
(function () {
  "use strict";

  var finder = document.getElementById("finder");
  if (!finder || !window.fetch || !window.history.pushState) return;

  var listPath = finder.getAttribute("data-partial-url");
  var announcement = document.getElementById("finder-announcement");
  var pending = null;
  var typingTimer = null;
  // One history entry per burst of typing, not one per pause.
  var typingEntry = false;
  var narrow = window.matchMedia("(max-width: 55.99rem)");

  function form() { return document.getElementById("finder-form"); }

  function queryFromForm() {
    var params = new URLSearchParams();
    new FormData(form()).forEach(function (value, name) {
      if (String(value).trim() !== "") params.append(name, value);
    });
    // Years and best match are the defaults: keep addresses short.
    if (!params.get("age")) params.delete("age_unit");
    if (params.get("age_unit") === "years") params.delete("age_unit");
    if (params.get("sort") === "relevance") params.delete("sort");
    var query = params.toString();
    return query ? "?" + query : "";
  }

  function isTextBox(element) {
    return element && (element.type === "search" || element.type === "number");
  }

  // What the visitor is doing right now, read at the moment the new fragment arrives:
  // they may have typed on while it was on its way.
  function rememberFocus() {
    var active = document.activeElement;
    if (!active || !finder.contains(active) || !active.id) return null;
    var state = { id: active.id };
    if (isTextBox(active)) {
      state.value = active.value;
      try {
        state.start = active.selectionStart;
        state.end = active.selectionEnd;
      } catch (error) { /* number inputs have no selection */ }
    }
    return state;
  }

  function restoreFocus(state, fallback, scroll) {
    var target = state && document.getElementById(state.id);
    if (target && state.value !== undefined) {
      target.value = state.value;
      try {
        if (state.start !== null && state.start !== undefined) {
          target.setSelectionRange(state.start, state.end);
        }
      } catch (error) { /* number inputs have no selection */ }
    }
    target = target || fallback;
    if (target) target.focus({ preventScroll: !scroll });
  }

  function load(search, options) {
    options = options || {};
    if (pending) pending.abort();
    pending = new AbortController();
    var panel = document.getElementById("filters-panel");
    var panelOpen = panel ? panel.open : true;
    var hadFocus = rememberFocus();
    finder.setAttribute("aria-busy", "true");

    return fetch(listPath + search, {
      headers: { "X-Finder-Partial": "finder" },
      signal: pending.signal,
      credentials: "same-origin"
    })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.text();
      })
      .then(function (html) {
        var focus = rememberFocus();
        finder.innerHTML = html;
        var newPanel = document.getElementById("filters-panel");
        if (newPanel) newPanel.open = panelOpen;
        if (options.history === "push") {
          window.history.pushState({ finder: true }, "", listPath + search);
          // Later pauses in the same burst of typing update this entry.
          if (options.typing) typingEntry = true;
        } else if (options.history === "replace") {
          window.history.replaceState({ finder: true }, "", listPath + search);
        }
        var count = document.getElementById("results-title");
        if (announcement && count) announcement.textContent = count.textContent.trim();
        // Keep focus, and what is being typed, where the visitor was; if that control is
        // gone (a removed chip), move focus to the result count, never to the page top.
        if (options.focusResults) {
          restoreFocus(null, count, true);
        } else {
          restoreFocus(focus || hadFocus, focus || hadFocus ? count : null, false);
        }
      })
      .catch(function (error) {
        if (error.name === "AbortError") return;
        window.location.href = listPath + search; // fall back to a normal page load
      })
      .finally(function () { finder.removeAttribute("aria-busy"); });
  }


  finder.addEventListener("change", function (event) {
    if (!event.target.form && event.target.getAttribute("form") !== "finder-form") return;
    if (isTextBox(event.target)) return;
    typingEntry = false;
    load(queryFromForm(), { history: "push" });
  });

  finder.addEventListener("input", function (event) {
    if (!isTextBox(event.target)) return;
    clearTimeout(typingTimer);
    if (pending) pending.abort(); // its results are already out of date
    typingTimer = setTimeout(function () {
      load(queryFromForm(), { history: typingEntry ? "replace" : "push", typing: true });
    }, 400);
  });

  // Moving on to another control ends the burst (our own refocus after an update
  // lands on a control with the same id, and does not).
  var typingId = null;
  finder.addEventListener("focusin", function (event) {
    if (event.target.id !== typingId) typingEntry = false;
    typingId = isTextBox(event.target) ? event.target.id : null;
  });

  finder.addEventListener("submit", function (event) {
    event.preventDefault();
    clearTimeout(typingTimer);
    typingEntry = false;
    load(queryFromForm(), { history: "push", focusResults: true });
  });

  finder.addEventListener("click", function (event) {
    var link = event.target.closest("a");
    if (!link || event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    var url = new URL(link.href, window.location.href);
    if (url.origin !== window.location.origin || url.pathname !== listPath) return;
    event.preventDefault();
    typingEntry = false;
    load(url.search, { history: "push", focusResults: true });
  });

  window.addEventListener("popstate", function () {
    load(window.location.search, {});
  });

  // On a phone the filters start folded so the results are in view; the summary opens them.
  var panel = document.getElementById("filters-panel");
  if (panel && narrow.matches) panel.open = false;
})();
