/* Events form, progressively: show only the repeat fields that apply, and recount the
 * audience as it is picked (POST the form to data-headcount-url; the server counts by the
 * planner's rule).  Without this file every field shows and "Preview"/"Recount" do it. */
(function () {
  "use strict";

  function onReady(fn) {
    if (document.readyState !== "loading") fn(); else document.addEventListener("DOMContentLoaded", fn);
  }

  function repeatFields(form) {
    var select = form.elements.repeat;
    if (!select) return;
    function apply() {
      form.querySelectorAll("[data-repeat-show]").forEach(function (el) {
        var shown = el.getAttribute("data-repeat-show").split(" ").indexOf(select.value) >= 0;
        el.hidden = !shown;
        el.style.display = shown ? "" : "none";  // .stack sets display, which beats [hidden]
      });
    }
    select.addEventListener("change", apply);
    apply();
  }

  function headcount(form) {
    var url = form.getAttribute("data-headcount-url");
    var box = document.getElementById("audience");
    if (!url || !box || !window.maxremind) return;
    var timer = null, asked = 0;
    function count() {
      var mine = ++asked;
      var body = new URLSearchParams(new FormData(form));
      body.delete("action");
      window.maxremind.api(url, {
        method: "POST",
        body: body,
        headers: {"Content-Type": "application/x-www-form-urlencoded"}
      }).then(function (r) {
        if (!r.ok) throw new Error(r.status);
        return r.json();
      }).then(function (data) {
        if (mine !== asked) return;  // a newer count is on its way
        var values = data.values || {};
        box.querySelectorAll("[data-headcount]").forEach(function (el) {
          var key = el.getAttribute("data-headcount");
          if (key in values) el.textContent = values[key];
        });
      }).catch(function () { /* the count stays as it was; saving still checks */ });
    }
    box.addEventListener("change", function () { clearTimeout(timer); timer = setTimeout(count, 250); });
  }

  onReady(function () {
    var form = document.getElementById("event-form");
    if (!form) return;
    repeatFields(form);
    headcount(form);
  });
})();
