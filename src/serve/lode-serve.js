// The reload client of `lode serve`: added to every HTML page while serving, never built.
// It follows the server's event stream: `reload` carries the site's version (the page reloads
// when it differs from the version it was served at), `diagnostics` carries the text of the
// failed build, shown over the page until a good build arrives.
(function () {
  "use strict";
  var script = document.querySelector('script[src="/__lode/lode-serve.js"]');
  var pageVersion = script ? script.getAttribute("data-version") : null;
  var overlay = null;

  function showOverlay(text) {
    if (!overlay) {
      overlay = document.createElement("lode-serve-overlay");
      var shadow = overlay.attachShadow({ mode: "open" });
      var style = document.createElement("style");
      style.textContent =
        ":host{position:fixed;inset:0;z-index:2147483647;background:rgba(20,20,20,.85);" +
        "overflow:auto;display:block}" +
        ".box{margin:2rem auto;max-width:60rem;background:#1e1e1e;color:#eee;" +
        "border-top:4px solid #e5534b;padding:1rem 1.5rem;font:14px/1.5 ui-monospace,monospace}" +
        "h2{margin:0 0 .75rem;font-size:1rem;color:#ff938a}" +
        "pre{margin:0;white-space:pre-wrap;word-break:break-word}" +
        "p{margin:.75rem 0 0;color:#aaa}";
      var box = document.createElement("div");
      box.className = "box";
      box.setAttribute("role", "alert");
      var heading = document.createElement("h2");
      heading.textContent = "lode serve: the last build failed";
      var pre = document.createElement("pre");
      pre.id = "lode-serve-diagnostics";
      var note = document.createElement("p");
      note.textContent =
        "The site below is the last good build. This goes away by itself when the files are fixed.";
      box.appendChild(heading);
      box.appendChild(pre);
      box.appendChild(note);
      shadow.appendChild(style);
      shadow.appendChild(box);
      document.documentElement.appendChild(overlay);
    }
    overlay.shadowRoot.getElementById("lode-serve-diagnostics").textContent = text;
  }

  function hideOverlay() {
    if (overlay) {
      overlay.remove();
      overlay = null;
    }
  }

  function parse(event) {
    try {
      return JSON.parse(event.data);
    } catch (error) {
      return null;
    }
  }

  var events = new EventSource("/__lode/events");
  events.addEventListener("reload", function (event) {
    var data = parse(event);
    if (!data) return;
    if (data.version !== pageVersion) {
      location.reload();
    } else {
      hideOverlay();
    }
  });
  events.addEventListener("diagnostics", function (event) {
    var data = parse(event);
    if (data) showOverlay(data.text);
  });
})();
