/* maxremind web UI: small progressive enhancements; every page works without this file.
 * - login: takes the one-time code from the URL fragment and posts it (the fragment never
 *   reaches a server log or a Referer);
 * - live counts: elements with data-live="<json url>" are refreshed by adaptive polling
 *   (3 s while numbers move, backing off to 30 s while they do not, paused in a hidden tab);
 *   polling, not SSE: a MAX mini-app webview and proxies may buffer or cut long-lived
 *   streams, and short requests keep within the server's connection limit;
 * - data-autosubmit selects, data-copy buttons, data-confirm forms. */
(function () {
  "use strict";
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";

  function api(url, options) {
    options = options || {};
    options.credentials = "same-origin";
    options.headers = Object.assign({"Accept": "application/json"}, options.headers || {});
    if (options.method && options.method !== "GET" && csrf) options.headers["X-CSRF-Token"] = csrf;
    return fetch(url, options);
  }
  window.maxremind = {api: api};

  function onReady(fn) {
    if (document.readyState !== "loading") fn(); else document.addEventListener("DOMContentLoaded", fn);
  }

  function login() {
    var form = document.getElementById("login-form");
    if (!form || !location.hash || location.hash.length < 17) return;
    var code = decodeURIComponent(location.hash.slice(1));
    history.replaceState(null, "", location.pathname + location.search);
    if (document.getElementById("login-error")) return;  // that code just failed
    form.elements.token.value = code;
    var button = form.querySelector("button[type=submit]");
    if (button && button.dataset.working) { button.textContent = button.dataset.working; button.disabled = true; }
    form.submit();
  }

  function live(root) {
    var url = root.getAttribute("data-live");
    var delay = 3000, fastest = 3000, slowest = 30000, last = "", timer = null;
    var status = root.querySelector("[data-live-status]");
    function schedule() { clearTimeout(timer); timer = setTimeout(tick, document.hidden ? slowest : delay); }
    function apply(values) {
      Object.keys(values).forEach(function (key) {
        root.querySelectorAll('[data-live-key="' + key + '"]').forEach(function (el) {
          var v = values[key];
          if (el.tagName === "PROGRESS" || el.tagName === "METER") el.value = v;
          else if (el.textContent !== String(v)) el.textContent = v;
        });
      });
    }
    function tick() {
      if (document.hidden) { schedule(); return; }
      api(url).then(function (r) {
        if (!r.ok) throw new Error(r.status);
        return r.text();
      }).then(function (text) {
        if (status) status.hidden = true;
        delay = text === last ? Math.min(delay * 1.5, slowest) : fastest;
        if (text !== last) { last = text; apply(JSON.parse(text).values || {}); }
        schedule();
      }).catch(function () {
        if (status) status.hidden = false;
        delay = Math.min(delay * 2, slowest);
        schedule();
      });
    }
    document.addEventListener("visibilitychange", function () { if (!document.hidden) { delay = fastest; tick(); } });
    schedule();
  }

  onReady(function () {
    login();
    document.querySelectorAll("[data-live]").forEach(live);
    document.querySelectorAll("select[data-autosubmit]").forEach(function (el) {
      el.addEventListener("change", function () { el.form.submit(); });
    });
    document.querySelectorAll("[data-copy]").forEach(function (el) {
      el.addEventListener("click", function () {
        var text = el.getAttribute("data-copy");
        if (navigator.clipboard) navigator.clipboard.writeText(text);
        el.setAttribute("data-copied", "");
        setTimeout(function () { el.removeAttribute("data-copied"); }, 1500);
      });
    });
    document.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (e) {
        if (!window.confirm(form.getAttribute("data-confirm"))) e.preventDefault();
      });
    });
  });
})();
