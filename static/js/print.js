// The printed trial page says when it was printed: the server's date is a fallback for a
// page kept in a cache, so the reader's own date replaces it.
(function () {
  "use strict";
  var lang = document.documentElement.lang || undefined;
  function today() {
    document.querySelectorAll("[data-printed-on]").forEach(function (element) {
      var now = new Date();
      element.textContent = now.toLocaleDateString(lang, { day: "numeric", month: "long", year: "numeric" });
      var month = String(now.getMonth() + 1).padStart(2, "0");
      var day = String(now.getDate()).padStart(2, "0");
      element.setAttribute("datetime", now.getFullYear() + "-" + month + "-" + day);
    });
  }
  today();
  window.addEventListener("beforeprint", today);
})();
