/* maxremind mini-app sign-in: the page MAX opens at /app.
 * MAX puts the launch data in the URL fragment (#WebAppData=<url-encoded init data>&
 * WebAppPlatform=…&WebAppVersion=…) and its bridge script offers the same string as
 * window.WebApp.initData. We read the fragment (it works offline and without the bridge),
 * fall back to the bridge, send the init data to POST /auth/miniapp, which checks MAX's
 * signature and starts a session, and follow the redirect it answers with.
 * Texts come from data-* attributes of <main> (the server renders them in the user's
 * language). No inline script: the page runs under a strict CSP. */
(function () {
  "use strict";
  var BRIDGE_WAIT_MS = 3000;
  var readied = false;

  function bridge() {
    return window.WebApp && typeof window.WebApp === "object" ? window.WebApp : null;
  }

  function ready() {
    // Tell MAX the app has drawn itself (hides its loading screen); once is enough.
    var app = bridge();
    if (readied || !app || typeof app.ready !== "function") return;
    readied = true;
    try { app.ready(); } catch (e) { /* an old bridge: nothing to tell */ }
  }

  function fromFragment() {
    var hash = location.hash.replace(/^#/, "");
    var parts = hash ? hash.split("&") : [];
    for (var i = 0; i < parts.length; i++) {
      var eq = parts[i].indexOf("=");
      if (eq > 0 && parts[i].slice(0, eq) === "WebAppData") {
        try { return decodeURIComponent(parts[i].slice(eq + 1)); } catch (e) { return ""; }
      }
    }
    return "";
  }

  function fromBridge() {
    var app = bridge();
    return app && typeof app.initData === "string" ? app.initData : "";
  }

  function text(name) {
    var main = document.getElementById("main");
    return (main && main.getAttribute("data-" + name)) || "";
  }

  function fail(message) {
    var status = document.getElementById("miniapp-status");
    var alert = document.getElementById("miniapp-error");
    if (status) status.hidden = true;
    if (alert) {
      alert.textContent = message || text("error-generic");
      alert.hidden = false;
    }
    ready();
  }

  function safeRedirect(target) {
    // Only a path on this site: never follow an answer somewhere else.
    return typeof target === "string" && target.charAt(0) === "/" &&
      target.charAt(1) !== "/" && target.charAt(1) !== "\\" ? target : "/";
  }

  function signIn(initData) {
    fetch("/auth/miniapp", {
      method: "POST",
      credentials: "same-origin",
      headers: {"Content-Type": "application/json", "Accept": "application/json"},
      body: JSON.stringify({init_data: initData})
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        if (response.ok) {
          location.replace(safeRedirect(body && body.redirect));
        } else {
          fail(body && typeof body.message === "string" ? body.message : "");
        }
      });
    }, function () {
      fail(text("error-network"));
    });
  }

  function start() {
    var initData = fromFragment();
    if (initData) {
      // The launch data signs us in for a while: do not leave it in the address bar.
      if (history.replaceState) history.replaceState(null, "", location.pathname + location.search);
      ready();
      signIn(initData);
      return;
    }
    var waited = 0;
    (function poll() {
      var data = fromBridge();
      if (data) { ready(); signIn(data); return; }
      if (waited >= BRIDGE_WAIT_MS) { fail(text("error-no-data")); return; }
      waited += 100;
      setTimeout(poll, 100);
    })();
  }

  window.addEventListener("load", ready);
  if (document.readyState !== "loading") start();
  else document.addEventListener("DOMContentLoaded", start);
})();
