// Progressive enhancement for the finder: without this file the GET form and links work
// as they are. With it, results update in place (the server renders only the finder
// fragment), the address bar and back button follow, and the new count is announced.
(function () {
  "use strict";

  var finder = document.getElementById("finder");
  if (!finder || !window.fetch || !window.history.pushState) return;
  // Styles for what only works with this file: the live "Show 5 trials" button.
  document.documentElement.classList.add("js");

  var listPath = finder.getAttribute("data-partial-url");
  var announcement = document.getElementById("finder-announcement");
  var narrow = window.matchMedia("(max-width: 55.99rem)");
  var pending = null;
  var typingTimer = null;
  // The query string the finder on screen was rendered for.
  var shownSearch = window.location.search;
  // One history entry per burst of typing, not one per pause.
  var typingEntry = false;
  var typingId = null;

  function form() { return document.getElementById("finder-form"); }

  function isTextBox(element) {
    return Boolean(element) && (element.type === "search" || element.type === "number");
  }

  function queryFromForm() {
    var params = new URLSearchParams();
    new FormData(form()).forEach(function (value, name) {
      if (String(value).trim() !== "") params.append(name, value);
    });
    // Years and best match are the defaults: keep addresses short.
    if (!params.get("age") || params.get("age_unit") === "years") params.delete("age_unit");
    if (params.get("sort") === "relevance") params.delete("sort");
    var query = params.toString();
    return query ? "?" + query : "";
  }

  // The language switch leads to this same search in the other language.
  function followInOtherLanguages(search) {
    document.querySelectorAll("a[data-language-switch]").forEach(function (link) {
      var url = new URL(link.href, window.location.href);
      url.search = search;
      link.href = url.href;
    });
  }

  function stopTyping() {
    clearTimeout(typingTimer);
    typingEntry = false;
  }

  function detailsKey(details) {
    var summary = details.querySelector("summary");
    return details.id || (summary ? summary.textContent.trim() : "");
  }

  // Swap in the new fragment. A text box being typed in is carried over as it is, the
  // very same element: what was typed meanwhile, the caret and the input method's state
  // all survive, whatever kind of box it is.
  function swap(html, keepTyping) {
    var active = document.activeElement;
    var keep = keepTyping && isTextBox(active) && finder.contains(active) && active.id
      ? active : null;
    var focusedId = active && finder.contains(active) ? active.id || null : null;
    var focusWasInside = Boolean(active && active !== document.body && finder.contains(active));
    // Folded parts (the filters on a phone, "More filters", explanations) stay as they were.
    var openParts = {};
    finder.querySelectorAll("details").forEach(function (details) {
      openParts[detailsKey(details)] = details.open;
    });

    finder.innerHTML = html;

    finder.querySelectorAll("details").forEach(function (details) {
      var key = detailsKey(details);
      if (key in openParts) details.open = openParts[key];
    });
    if (keep) {
      var replacement = document.getElementById(keep.id);
      if (replacement) replacement.replaceWith(keep);
    }
    return { keep: keep, focusedId: focusedId, focusWasInside: focusWasInside };
  }

  function load(search, options) {
    options = options || {};
    if (pending) pending.abort();
    pending = new AbortController();
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
        var before = swap(html, options.keepTyping);
        shownSearch = search;
        followInOtherLanguages(search);
        var panel = document.getElementById("filters-panel");
        if (options.closeFilters && panel) panel.open = false;
        if (options.history === "push") {
          window.history.pushState({ finder: true }, "", listPath + search);
          // Later pauses in the same burst of typing update this entry.
          if (options.typing) typingEntry = true;
        } else if (options.history === "replace") {
          window.history.replaceState({ finder: true }, "", listPath + search);
        }
        var count = document.getElementById("results-title");
        if (announcement && count) announcement.textContent = count.textContent.trim();
        // Focus stays where the visitor was. If that control is gone (a removed chip,
        // a followed link), it moves to the result count, never to the page top.
        var target = before.keep ||
          (before.focusedId && document.getElementById(before.focusedId));
        if (options.focusResults || (!target && before.focusWasInside)) target = count;
        if (target) target.focus({ preventScroll: !options.focusResults });
      })
      .catch(function (error) {
        if (error.name === "AbortError") return;
        window.location.href = listPath + search; // fall back to a normal page load
      })
      .finally(function () { finder.removeAttribute("aria-busy"); });
  }

  // A change that leads to the address already shown (a unit without an age, best match
  // without search text) loads nothing.
  function loadIfChanged(search, options) {
    if (search === shownSearch) return;
    load(search, options);
  }

  finder.addEventListener("change", function (event) {
    if (!event.target.form && event.target.getAttribute("form") !== "finder-form") return;
    if (isTextBox(event.target)) return;
    stopTyping();
    loadIfChanged(queryFromForm(), { history: "push", keepTyping: true });
  });

  finder.addEventListener("input", function (event) {
    if (!isTextBox(event.target)) return;
    clearTimeout(typingTimer);
    if (pending) pending.abort(); // its results are already out of date
    typingTimer = setTimeout(function () {
      var history = typingEntry ? "replace" : "push";
      loadIfChanged(queryFromForm(), { history: history, typing: true, keepTyping: true });
    }, 400);
  });

  // Moving on to another control ends a burst of typing.
  finder.addEventListener("focusin", function (event) {
    if (event.target.id !== typingId) typingEntry = false;
    typingId = isTextBox(event.target) ? event.target.id : null;
  });

  finder.addEventListener("submit", function (event) {
    event.preventDefault();
    stopTyping();
    // On a phone, "Show N trials" folds the filters away and shows the results.
    load(queryFromForm(), {
      history: "push", focusResults: true, keepTyping: false, closeFilters: narrow.matches
    });
  });

  finder.addEventListener("click", function (event) {
    var link = event.target.closest("a");
    if (!link || event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    var url = new URL(link.href, window.location.href);
    if (url.origin !== window.location.origin || url.pathname !== listPath) return;
    event.preventDefault();
    stopTyping();
    load(url.search, { history: "push", focusResults: true });
  });

  // Back and forward: show the finder for that address, as it was (what is in the
  // boxes comes from the address, not from what was typed last).
  window.addEventListener("popstate", function () {
    stopTyping();
    typingId = null;
    if (window.location.pathname !== listPath) return;
    loadIfChanged(window.location.search, { keepTyping: false });
  });

  // On a phone the filters start folded so the results are in view; the summary opens them.
  var panel = document.getElementById("filters-panel");
  if (panel && narrow.matches) panel.open = false;
})();
