/* isac chat widget for the Ajuntament de Terrassa.
 *
 * Embed with one tag:  <script src="https://HOST/widget.js" defer></script>
 * The API base is the script's own URL without "widget.js" (override with data-api="...").
 * No build step, no dependencies. Everything that comes from the API or the citizen is
 * inserted with textContent/createElement, never as HTML, so markup in a question or in
 * a knowledge entry is shown as text and never runs. */
(function () {
  "use strict";
  if (window.__isacWidget) { return; }
  window.__isacWidget = true;

  var script = document.currentScript;
  var base = (script && script.getAttribute("data-api")) ||
    ((script && script.src) || "").replace(/[?#].*$/, "").replace(/\/[^\/]*$/, "").replace(/\/static$/, "");
  var STORAGE = "isac.session";
  var pageLang = (document.documentElement.lang || "ca").toLowerCase().indexOf("es") === 0 ? "es" : "ca";

  var TEXT = {
    ca: {
      open: "Pregunta a l'isac", title: "isac · Atenció ciutadana", close: "Tanca el xat",
      label: "Escriu la teva pregunta", placeholder: "Ex.: com m'empadrono?", send: "Envia",
      log: "Conversa amb l'isac", you: "Tu:", bot: "isac:", options: "Tria una opció",
      followups: "També pots preguntar", useful: "Et va ser útil?", yes: "Sí", no: "No",
      thanks: "Gràcies per la teva opinió.", wait: "L'isac està escrivint…",
      error: "Ara no puc respondre. Torna-ho a provar o truca al 010.",
      hello: "Hola! Sóc l'isac, l'assistent de l'Ajuntament de Terrassa. Pregunta'm sobre tràmits i serveis municipals.",
      where: "On fer-ho"
    },
    es: {
      open: "Pregunta a isac", title: "isac · Atención ciudadana", close: "Cierra el chat",
      label: "Escribe tu pregunta", placeholder: "Ej.: ¿cómo me empadrono?", send: "Envía",
      log: "Conversación con isac", you: "Tú:", bot: "isac:", options: "Elige una opción",
      followups: "También puedes preguntar", useful: "¿Te fue útil?", yes: "Sí", no: "No",
      thanks: "Gracias por tu opinión.", wait: "isac está escribiendo…",
      error: "Ahora no puedo responder. Vuelve a intentarlo o llama al 010.",
      hello: "¡Hola! Soy isac, el asistente del Ayuntamiento de Terrassa. Pregúntame sobre trámites y servicios municipales.",
      where: "Dónde hacerlo"
    }
  };
  var t = TEXT[pageLang];

  // Colours: #8a1538 on white 9.3:1, #0a4f8f on white 8.2:1, #1b1b1b on #f4f2f0 15:1.
  var CSS = [
    "#isac-root, #isac-root * { box-sizing: border-box; }",
    "#isac-root { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif; font-size: 16px; line-height: 1.45; color: #1b1b1b; }",
    "#isac-root :focus-visible { outline: 3px solid #1d70b8; outline-offset: 2px; }",
    ".isac-launcher { position: fixed; right: 16px; bottom: 16px; z-index: 2147483000; font: inherit; font-weight: 700; color: #fff; background: #8a1538; border: 2px solid #fff; border-radius: 999px; padding: 12px 18px; box-shadow: 0 2px 8px rgba(0,0,0,.35); cursor: pointer; }",
    ".isac-launcher:hover { background: #5e0e26; }",
    ".isac-panel { position: fixed; right: 16px; bottom: 76px; z-index: 2147483001; width: 380px; max-width: calc(100vw - 16px); height: 560px; max-height: calc(100vh - 96px); display: flex; flex-direction: column; background: #fff; border: 2px solid #8a1538; border-radius: 10px; box-shadow: 0 4px 18px rgba(0,0,0,.3); overflow: hidden; }",
    ".isac-panel[hidden] { display: none; }",
    ".isac-head { display: flex; align-items: center; justify-content: space-between; gap: 8px; padding: 8px 10px 8px 14px; background: #8a1538; color: #fff; }",
    ".isac-head h2 { margin: 0; font-size: 17px; color: #fff; }",
    ".isac-close { font: inherit; font-size: 22px; line-height: 1; color: #fff; background: transparent; border: 2px solid #fff; border-radius: 6px; width: 40px; height: 40px; cursor: pointer; }",
    ".isac-head :focus-visible { outline-color: #fff; }",
    ".isac-log { position: relative; flex: 1; overflow-y: auto; padding: 12px; background: #f4f2f0; }",
    ".isac-msg { margin: 0 0 10px; padding: 8px 12px; border-radius: 10px; max-width: 92%; overflow-wrap: anywhere; }",
    ".isac-msg p { margin: 0 0 6px; } .isac-msg p:last-child { margin-bottom: 0; }",
    ".isac-user { margin-left: auto; background: #0a4f8f; color: #fff; }",
    ".isac-bot { background: #fff; border: 1px solid #c8c8c8; }",
    ".isac-sr { position: absolute !important; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); clip-path: inset(50%); white-space: nowrap; }",
    ".isac-card { border-left: 5px solid #8a1538; padding: 4px 0 4px 10px; margin: 8px 0; }",
    ".isac-card h3 { margin: 0 0 4px; font-size: 16px; }",
    ".isac-section { font-weight: 700; color: #5e0e26; }",
    "#isac-root a { color: #0a4f8f; }",
    ".isac-links { list-style: none; margin: 6px 0 0; padding: 0; display: flex; flex-wrap: wrap; gap: 6px; }",
    ".isac-links a { display: inline-block; padding: 4px 10px; border: 2px solid #0a4f8f; border-radius: 999px; text-decoration: none; font-weight: 600; font-size: 14px; }",
    ".isac-group { margin-top: 8px; display: flex; flex-wrap: wrap; gap: 6px; align-items: center; }",
    ".isac-group-label { width: 100%; margin: 0; font-size: 14px; color: #4a4a4a; }",
    ".isac-chip { font: inherit; font-size: 14px; color: #8a1538; background: #fff; border: 2px solid #8a1538; border-radius: 999px; padding: 5px 12px; cursor: pointer; min-height: 36px; }",
    ".isac-chip:hover { background: #8a1538; color: #fff; }",
    ".isac-chip:disabled { color: #4a4a4a; border-color: #8c8c8c; background: #eee; cursor: default; }",
    ".isac-form { display: flex; flex-wrap: wrap; gap: 6px; padding: 10px; border-top: 1px solid #c8c8c8; background: #fff; }",
    ".isac-form label { width: 100%; font-size: 14px; font-weight: 600; }",
    ".isac-input { flex: 1; min-width: 0; font: inherit; padding: 9px 10px; border: 2px solid #595959; border-radius: 6px; }",
    ".isac-send { font: inherit; font-weight: 700; color: #fff; background: #8a1538; border: 2px solid #8a1538; border-radius: 6px; padding: 0 14px; cursor: pointer; min-height: 44px; }",
    ".isac-send:disabled { background: #8c8c8c; border-color: #8c8c8c; }",
    "@media (max-width: 480px) { .isac-panel { left: 8px; right: 8px; bottom: 72px; width: auto; height: auto; top: 8px; max-height: none; } }"
  ].join("\n");

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  // only web and phone links: a "javascript:" URL in an entry must never become clickable
  function safeUrl(url) {
    return typeof url === "string" && /^(https?:\/\/|tel:|mailto:)/i.test(url) ? url : null;
  }

  function anchor(url, text) {
    var href = safeUrl(url);
    if (!href) { return el("span", null, text); }
    var a = el("a", { href: href }, text);
    if (/^https?:/i.test(href)) { a.target = "_blank"; a.rel = "noopener noreferrer"; }
    return a;
  }

  function session(value) {
    try {
      if (value === undefined) { return window.sessionStorage.getItem(STORAGE); }
      window.sessionStorage.setItem(STORAGE, value);
    } catch (e) { /* storage blocked: the conversation lasts for the page */ }
    return value || null;
  }

  // -- the DOM ------------------------------------------------------------------------------
  var root = el("div", { id: "isac-root" });
  var style = el("style", null, CSS);
  var launcher = el("button", { type: "button", "class": "isac-launcher", "aria-expanded": "false", "aria-controls": "isac-panel" }, t.open);
  var panel = el("div", { id: "isac-panel", "class": "isac-panel", role: "dialog", "aria-modal": "false", "aria-labelledby": "isac-title" });
  panel.hidden = true;
  var head = el("div", { "class": "isac-head" });
  head.appendChild(el("h2", { id: "isac-title" }, t.title));
  var closeBtn = el("button", { type: "button", "class": "isac-close", "aria-label": t.close }, "×");
  head.appendChild(closeBtn);
  // role=log is a polite live region: each reply appended here is read out
  var log = el("div", { "class": "isac-log", role: "log", "aria-live": "polite", "aria-label": t.log, tabindex: "0" });
  var form = el("form", { "class": "isac-form", novalidate: "" });
  var label = el("label", { "for": "isac-input" }, t.label);
  var input = el("input", { id: "isac-input", "class": "isac-input", type: "text", maxlength: "500", autocomplete: "off", placeholder: t.placeholder });
  var send = el("button", { type: "submit", "class": "isac-send" }, t.send);
  form.appendChild(label);
  form.appendChild(input);
  form.appendChild(send);
  panel.appendChild(head);
  panel.appendChild(log);
  panel.appendChild(form);
  root.appendChild(style);
  root.appendChild(panel);
  root.appendChild(launcher);

  var greeted = false;
  var busy = false;

  function open() {
    panel.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    if (!greeted) { greeted = true; botMessage(null, { text: t.hello, lang: pageLang }); }
    input.focus();
  }

  function close() {
    panel.hidden = true;
    launcher.setAttribute("aria-expanded", "false");
    launcher.focus();
  }

  // show the start of a long reply, not its feedback buttons
  function scroll(box) { log.scrollTop = box ? Math.max(0, box.offsetTop - 8) : log.scrollHeight; }

  function userMessage(text) {
    var box = el("div", { "class": "isac-msg isac-user" });
    box.appendChild(el("span", { "class": "isac-sr" }, t.you + " "));
    box.appendChild(el("p", null, text));
    log.appendChild(box);
    scroll();
  }

  function chips(labelText, entries, onPick) {
    var group = el("div", { "class": "isac-group", role: "group", "aria-label": labelText });
    group.appendChild(el("p", { "class": "isac-group-label", "aria-hidden": "true" }, labelText));
    entries.forEach(function (entry) {
      var b = el("button", { type: "button", "class": "isac-chip" }, entry.label);
      b.addEventListener("click", function () { onPick(entry, group); });
      group.appendChild(b);
    });
    return group;
  }

  function disable(group) {
    Array.prototype.forEach.call(group.querySelectorAll("button"), function (b) { b.disabled = true; });
  }

  function linksList(links) {
    var ul = el("ul", { "class": "isac-links" });
    links.forEach(function (l) {
      var li = el("li");
      li.appendChild(anchor(l.url, l.label));
      ul.appendChild(li);
    });
    return ul;
  }

  function feedback(question, reply) {
    var lt = TEXT[reply.lang] || t;
    var entry = reply.cards && reply.cards[0] ? reply.cards[0].id : null;
    return chips(lt.useful, [{ label: lt.yes, useful: true }, { label: lt.no, useful: false }], function (pick, group) {
      disable(group);
      fetch(base + "/api/feedback", {
        method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ session_id: session(), question: question, entry_id: entry, useful: pick.useful })
      }).catch(function () { /* feedback is best effort */ });
      group.appendChild(el("p", { "class": "isac-group-label", role: "status" }, lt.thanks));
      input.focus();
    });
  }

  function botMessage(question, reply) {
    var lt = TEXT[reply.lang] || t;
    var box = el("div", { "class": "isac-msg isac-bot" });
    box.appendChild(el("span", { "class": "isac-sr" }, lt.bot + " "));
    box.appendChild(el("p", null, reply.text));
    (reply.cards || []).forEach(function (c) {
      var card = el("div", { "class": "isac-card" });
      var h = el("h3");
      h.appendChild(anchor(c.url, c.title));
      card.appendChild(h);
      if (c.section_title) { card.appendChild(el("p", { "class": "isac-section" }, c.section_title)); }
      card.appendChild(linksList(c.links || []));
      box.appendChild(card);
    });
    if (reply.links && reply.links.length) {
      box.appendChild(el("p", { "class": "isac-section" }, lt.where));
      box.appendChild(linksList(reply.links));
    }
    if (reply.options && reply.options.length) {
      box.appendChild(chips(lt.options, reply.options.map(function (o) { return { label: o.title, id: o.id }; }),
        function (pick, group) { disable(group); ask(pick.label, pick.id); }));
    }
    if (reply.followups && reply.followups.length) {
      box.appendChild(chips(lt.followups, reply.followups.map(function (f) { return { label: f }; }),
        function (pick) { ask(pick.label); }));
    }
    if (question !== null && (reply.status === "answer" || reply.status === "none")) {
      box.appendChild(feedback(question, reply));
    }
    log.appendChild(box);
    scroll(box);
  }

  function ask(text, optionId) {
    text = (text || "").trim();
    if (!text || busy) { return; }
    busy = true;
    send.disabled = true;
    userMessage(text);
    var waiting = el("p", { "class": "isac-sr" }, t.wait);
    log.appendChild(waiting);
    var body = { message: text };
    var sid = session();
    if (sid) { body.session_id = sid; }
    if (optionId) { body.option_id = optionId; }
    fetch(base + "/api/chat", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) })
      .then(function (r) {
        return r.json().then(function (data) {
          // the API's details are for developers; the citizen gets the 010 in their language
          if (!r.ok) { throw new Error(typeof data.detail === "string" ? data.detail : "error"); }
          return data;
        });
      })
      .then(function (data) {
        session(data.session_id);
        botMessage(text, data.reply);
      })
      .catch(function (err) {
        if (window.console) { window.console.warn("isac:", err && err.message); }
        botMessage(null, { text: t.error, lang: pageLang });
      })
      .then(function () {
        if (waiting.parentNode) { waiting.parentNode.removeChild(waiting); }
        busy = false;
        send.disabled = false;
        input.focus();
      });
  }

  launcher.addEventListener("click", function () { if (panel.hidden) { open(); } else { close(); } });
  closeBtn.addEventListener("click", close);
  panel.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape") { ev.preventDefault(); close(); }
  });
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var text = input.value;
    if (!text.trim() || busy) { input.focus(); return; }
    input.value = "";
    ask(text);
  });

  function mount() { document.body.appendChild(root); }
  if (document.body) { mount(); } else { document.addEventListener("DOMContentLoaded", mount); }
})();
