/* Announcements: the preview follows the text as it is typed.  The server renders MAX's
 * markdown (one renderer, the same as the "Preview" button uses without JavaScript);
 * this only asks it, at most every 400 ms while typing, and shows the answer. */
(function () {
  "use strict";
  function onReady(fn) {
    if (document.readyState !== "loading") fn(); else document.addEventListener("DOMContentLoaded", fn);
  }
  onReady(function () {
    var text = document.getElementById("an-text");
    var box = document.getElementById("an-preview");
    var length = document.getElementById("an-length");
    if (!text || !box || !window.maxremind) return;
    var url = text.getAttribute("data-preview-url");
    var timer = null, asked = 0, last = text.value;

    function show(answer) {
      if (answer.html) box.innerHTML = answer.html;  // built by the server from escaped text
      else {
        box.textContent = "";
        var p = document.createElement("p");
        p.className = "muted";
        p.textContent = box.getAttribute("data-empty") || "";
        box.appendChild(p);
      }
      if (length && answer.length_text) length.textContent = answer.length_text;
      if (answer.length > answer.limit) text.setAttribute("aria-invalid", "true");
    }

    function ask() {
      var mine = ++asked;
      window.maxremind.api(url, {
        method: "POST",
        headers: {"Content-Type": "application/json"},
        body: JSON.stringify({text: text.value})
      }).then(function (r) {
        if (!r.ok) throw new Error(r.status);
        return r.json();
      }).then(function (answer) {
        if (mine === asked) show(answer);  // an older answer arriving late is dropped
      }).catch(function () { /* the Preview button still works */ });
    }

    text.addEventListener("input", function () {
      if (text.value === last) return;
      last = text.value;
      clearTimeout(timer);
      timer = setTimeout(ask, 400);
    });
  });
})();
