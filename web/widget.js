/*
 * widget.js — the cxloop website widget: an NPS question in a corner of a
 * customer's own site, then a comment box.
 *
 *   <script src="https://HOST/widget.js" data-survey="SLUG" async></script>
 *
 * It reads data-survey from its own script tag and talks to the host it
 * was loaded from (GET and POST /s/SLUG/widget, CORS: the survey must list
 * the site's origin). Everything is drawn in its own shadow root, so the
 * site's styles cannot reach in and ours cannot leak out. Buttons are real
 * buttons (keyboard and screen readers work); Escape or the close button
 * dismisses it, and a dismissal is remembered for the browser session.
 * Must stay small (under 10 KB) and must never write to the page outside
 * its own element.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !window.fetch || !document.body || !document.body.attachShadow) return;
  var slug = script.getAttribute("data-survey");
  if (!slug) return;
  var base = new URL(script.src, location.href).origin;
  var endpoint = base + "/s/" + encodeURIComponent(slug) + "/widget";
  var memo = "cxloop-widget:" + slug;
  try { if (sessionStorage.getItem(memo)) return; } catch (e) { /* storage off */ }
  var lang = (script.getAttribute("data-lang") || document.documentElement.lang ||
              navigator.language || "").slice(0, 2).toLowerCase();

  var css =
    ":host{all:initial}" +
    ".box{position:fixed;right:16px;bottom:16px;z-index:2147483000;width:min(360px,calc(100vw - 32px));" +
    "background:#fff;color:#172433;border-radius:12px;box-shadow:0 10px 30px rgba(23,36,51,.25);" +
    "font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;padding:16px 16px 14px}" +
    ".head{display:flex;justify-content:space-between;align-items:flex-start;gap:8px}" +
    "h2{font-size:15px;margin:0 0 10px;font-weight:600}" +
    ".x{border:0;background:none;font-size:22px;line-height:1;color:#4f5f70;cursor:pointer;padding:2px 6px;border-radius:6px}" +
    ".grid{display:grid;grid-template-columns:repeat(11,1fr);gap:3px}" +
    ".n{border:1.5px solid #cad3dd;background:#fff;color:#172433;border-radius:6px;padding:7px 0;font:inherit;font-weight:600;cursor:pointer;min-width:0}" +
    ".n:hover{border-color:#0b7285}.n[aria-pressed=true]{background:#0b7285;color:#fff;border-color:#0b7285}" +
    ".ends{display:flex;justify-content:space-between;color:#4f5f70;font-size:12px;margin-top:6px}" +
    "label{display:block;font-weight:600;margin:0 0 8px}" +
    "textarea{width:100%;box-sizing:border-box;font:inherit;border:1.5px solid #cad3dd;border-radius:8px;padding:8px}" +
    ".send{margin-top:10px;background:#0b7285;color:#fff;border:0;border-radius:8px;padding:9px 18px;font:inherit;font-weight:600;cursor:pointer}" +
    ".send:hover{background:#095c6b}" +
    "button:focus-visible,textarea:focus{outline:3px solid #095c6b;outline-offset:2px}" +
    ".msg{margin:4px 0 0}.err{color:#b42318;margin:8px 0 0}";

  var host = document.createElement("div");
  host.setAttribute("data-cxloop-widget", slug);
  var root = host.attachShadow({ mode: "open" });
  var style = document.createElement("style");
  style.textContent = css;
  root.appendChild(style);
  var box = el("section", { "class": "box", role: "dialog", "aria-modal": "false" });
  root.appendChild(box);
  var cfg = null;
  var token = null;

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    for (var k in attrs) if (Object.prototype.hasOwnProperty.call(attrs, k)) e.setAttribute(k, attrs[k]);
    if (text != null) e.textContent = text;
    return e;
  }

  function post(body) {
    return fetch(endpoint, {
      method: "POST",
      mode: "cors",
      credentials: "omit",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body)
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (j) {
        if (!r.ok) throw new Error((j.error && j.error.message) || ("HTTP " + r.status));
        return j;
      });
    });
  }

  function close() {
    try { sessionStorage.setItem(memo, "1"); } catch (e) { /* storage off */ }
    host.remove();
  }

  function frame(title) {
    box.textContent = "";
    var head = el("div", { "class": "head" });
    var h = el("h2", { id: "cx-title" }, title);
    var x = el("button", { "class": "x", type: "button", "aria-label": cfg.close, title: cfg.close }, "\u00d7");
    x.addEventListener("click", close);
    head.appendChild(h);
    head.appendChild(x);
    box.appendChild(head);
    box.setAttribute("aria-labelledby", "cx-title");
    return box;
  }

  function fail(where, e) {
    var p = el("p", { "class": "err", role: "alert" }, String(e && e.message || e));
    where.appendChild(p);
  }

  function showScore() {
    frame(cfg.question);
    var grid = el("div", { "class": "grid", role: "group", "aria-labelledby": "cx-title" });
    for (var i = 0; i <= 10; i++) {
      var b = el("button", { "class": "n", type: "button", "aria-pressed": "false" }, String(i));
      b.addEventListener("click", pick.bind(null, i, b));
      grid.appendChild(b);
    }
    box.appendChild(grid);
    var ends = el("div", { "class": "ends", "aria-hidden": "true" });
    ends.appendChild(el("span", {}, cfg.low));
    ends.appendChild(el("span", {}, cfg.high));
    box.appendChild(ends);
  }

  function pick(score, button) {
    var all = box.querySelectorAll(".n");
    for (var i = 0; i < all.length; i++) {
      all[i].disabled = true;
      all[i].setAttribute("aria-pressed", all[i] === button ? "true" : "false");
    }
    post({ score: score, lang: cfg.language }).then(function (j) {
      token = j.token;
      if (j.comment) showComment(j.comment); else showThanks(cfg.thanks);
    }, function (e) {
      for (var i = 0; i < all.length; i++) all[i].disabled = false;
      fail(box, e);
    });
  }

  function showComment(text) {
    frame(cfg.title);
    var form = el("form", {});
    var label = el("label", { "for": "cx-comment" }, text);
    var area = el("textarea", { id: "cx-comment", rows: "3", maxlength: "5000" });
    var send = el("button", { "class": "send", type: "submit" }, cfg.send);
    form.appendChild(label);
    form.appendChild(area);
    form.appendChild(send);
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      send.disabled = true;
      post({ token: token, comment: area.value }).then(function (j) {
        showThanks(j.thank_you || cfg.thanks);
      }, function (e) {
        send.disabled = false;
        fail(form, e);
      });
    });
    box.appendChild(form);
    area.focus();
  }

  function showThanks(text) {
    frame(cfg.thanks);
    box.appendChild(el("p", { "class": "msg", role: "status" }, text));
    try { sessionStorage.setItem(memo, "1"); } catch (e) { /* storage off */ }
    setTimeout(function () { host.remove(); }, 6000);
  }

  root.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape") close();
  });

  fetch(endpoint + (lang ? "?lang=" + encodeURIComponent(lang) : ""), { mode: "cors", credentials: "omit" })
    .then(function (r) { return r.ok ? r.json() : null; })
    .then(function (j) {
      if (!j || !j.open) return;
      cfg = j;
      document.body.appendChild(host);
      showScore();
    }, function () { /* not allowed here, or offline: show nothing */ });
})();
