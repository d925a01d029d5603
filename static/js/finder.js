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
  var narrow = window.matchMedia("(max-width: 55.99rem)");

  function form() { return document.getElementById("finder-form"); }

  function queryFromForm() {
    var params = new URLSearchParams();
    new FormData(form()).forEach(function (value, name) {
      if (String(value).trim() !== "") params.append(name, value);
    });
    // Years, and best match (when searching) or name, are the defaults: keep addresses short.
    if (!params.get("age")) params.delete("age_unit");
    if (params.get("age_unit") === "years") params.delete("age_unit");
    var defaultSort = params.get("q") ? "relevance" : "name";
    if (params.get("sort") === defaultSort) params.delete("sort");
    var query = params.toString();
    return query ? "?" + query : "";
  }

  function load(search, options) {
    options = options || {};
    if (pending) pending.abort();
    pending = new AbortController();
    var active = document.activeElement;
    var focusId = active && finder.contains(active) ? active.id : null;
    var panel = document.getElementById("filters-panel");
    var panelOpen = panel ? panel.open : true;
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
        finder.innerHTML = html;
        var newPanel = document.getElementById("filters-panel");
        if (newPanel) newPanel.open = panelOpen;
        if (options.push) window.history.pushState({ finder: true }, "", listPath + search);
        var count = document.getElementById("results-title");
        if (announcement && count) announcement.textContent = count.textContent.trim();
        // Keep focus where the visitor was; if that control is gone (a removed chip),
        // move it to the result count rather than losing it to the page top.
        var target = (focusId && document.getElementById(focusId)) || (options.focusResults ? count : null);
        if (!target && focusId) target = count;
        if (target) target.focus({ preventScroll: !options.focusResults });
      })
      .catch(function (error) {
        if (error.name === "AbortError") return;
        window.location.href = listPath + search; // fall back to a normal page load
      })
      .finally(function () { finder.removeAttribute("aria-busy"); });
  }

  finder.addEventListener("change", function (event) {
    if (!event.target.form && event.target.getAttribute("form") !== "finder-form") return;
    if (event.target.type === "search" || event.target.type === "number") return;
    load(queryFromForm(), { push: true });
  });

  finder.addEventListener("input", function (event) {
    if (event.target.type !== "search" && event.target.type !== "number") return;
    clearTimeout(typingTimer);
    typingTimer = setTimeout(function () { load(queryFromForm(), { push: true }); }, 400);
  });

  finder.addEventListener("submit", function (event) {
    event.preventDefault();
    clearTimeout(typingTimer);
    load(queryFromForm(), { push: true, focusResults: true });
  });

  finder.addEventListener("click", function (event) {
    var link = event.target.closest("a");
    if (!link || event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    var url = new URL(link.href, window.location.href);
    if (url.origin !== window.location.origin || url.pathname !== listPath) return;
    event.preventDefault();
    load(url.search, { push: true, focusResults: true });
  });

  window.addEventListener("popstate", function () {
    load(window.location.search, {});
  });

  // On a phone the filters start folded so the results are in view; the summary opens them.
  var panel = document.getElementById("filters-panel");
  if (panel && narrow.matches) panel.open = false;
})();
