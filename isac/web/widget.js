/* isac chat widget for the Ajuntament de Terrassa.
 *
 * Embed with one tag:  <script src="https://HOST/widget.js" defer></script>
 * The API base is the script's own URL without "widget.js" (override with data-api="...").
 * No build step, no dependencies. Everything that comes from the API or the citizen is
 * inserted with textContent/createElement, never as HTML, so markup in a question or in
 * a knowledge entry is shown as text and never runs.
 *
 * The interface speaks the page's language (ca, es or en) until the citizen writes; from
 * then on it follows the conversation's language (reply.lang). The transcript is kept in
 * sessionStorage for as long as the server keeps the conversation: when the server says the
 * session expired, the stored transcript goes with it. */
(function () {
  "use strict";
  if (window.__isacWidget) { return; }
  window.__isacWidget = true;

  var script = document.currentScript;
  var base = (script && script.getAttribute("data-api")) ||
    ((script && script.src) || "").replace(/[?#].*$/, "").replace(/\/[^\/]*$/, "").replace(/\/static$/, "");
  var KEY_SESSION = "isac.session";
  var KEY_CHAT = "isac.chat";
  var MAX_ITEMS = 60;
  // the server forgets an idle conversation after ISAC_SESSION_TTL_S (1800 s by default)
  var TTL_S = Number(script && script.getAttribute("data-session-ttl")) || 1800;
  // where to get help when isac is unsure; the API sends these with its own labels
  var CHANNELS = { seu: "https://seuelectronica.terrassa.cat/", cita: "https://citaprevia.terrassa.cat/", "010": "tel:010" };

  // Catalan in the vós register, Spanish in usted (as every message of the API)
  var TEXT = {
    ca: {
      open: "Pregunteu a l'isac", title: "isac · Atenció ciutadana", close: "Tanca el xat", region: "Assistent isac",
      label: "Escriviu la vostra pregunta", placeholder: "Ex.: com m'empadrono?", send: "Envia",
      log: "Conversa amb l'isac", you: "La vostra pregunta:", bot: "isac:", options: "Trieu una opció",
      followups: "També podeu preguntar", useful: "Us ha estat útil?", yes: "Sí", no: "No",
      thanks: "Gràcies per la vostra opinió.", wait: "L'isac està escrivint…",
      error: "Ara no puc respondre. Torneu-ho a provar o truqueu al 010.",
      hello: "Hola! Sóc l'isac, l'assistent de l'Ajuntament de Terrassa. Pregunteu-me sobre tràmits i serveis municipals.",
      where: "On us poden ajudar", outside: "On us heu d'adreçar", alsoHelp: "Si no és cap d'aquests, us poden ajudar aquí:",
      expired: "La conversa anterior ha caducat. Comencem de nou.", more: "Més informació",
      suggestions: "Suggeriments", seu: "Seu Electrònica (24 h)", cita: "Cita prèvia OAC", "010": "Telèfon 010"
    },
    es: {
      open: "Pregunte a isac", title: "isac · Atención ciudadana", close: "Cerrar el chat", region: "Asistente isac",
      label: "Escriba su pregunta", placeholder: "Ej.: ¿cómo me empadrono?", send: "Enviar",
      log: "Conversación con isac", you: "Su pregunta:", bot: "isac:", options: "Elija una opción",
      followups: "También puede preguntar", useful: "¿Le ha sido útil?", yes: "Sí", no: "No",
      thanks: "Gracias por su opinión.", wait: "isac está escribiendo…",
      error: "Ahora no puedo responder. Vuelva a intentarlo o llame al 010.",
      hello: "¡Hola! Soy isac, el asistente del Ayuntamiento de Terrassa. Pregúnteme sobre trámites y servicios municipales.",
      where: "Dónde le pueden ayudar", outside: "Dónde debe dirigirse", alsoHelp: "Si no es ninguno de estos, le pueden ayudar aquí:",
      expired: "La conversación anterior ha caducado. Empecemos de nuevo.", more: "Más información",
      suggestions: "Sugerencias", seu: "Sede Electrónica (24 h)", cita: "Cita previa OAC", "010": "Teléfono 010"
    },
    en: {
      open: "Ask isac", title: "isac · Citizen help", close: "Close the chat", region: "isac assistant",
      label: "Type your question", placeholder: "E.g.: how do I register as a resident?", send: "Send",
      log: "Conversation with isac", you: "You:", bot: "isac:", options: "Choose one",
      followups: "You can also ask", useful: "Was this helpful?", yes: "Yes", no: "No",
      thanks: "Thank you for your feedback.", wait: "isac is typing…",
      error: "I cannot answer right now. Please try again or call 010.",
      hello: "Hello! I am isac, the Terrassa City Council assistant. Ask me about municipal procedures and services.",
      where: "Where to get help", outside: "Where to go", alsoHelp: "If it is none of these, you can get help here:",
      expired: "The previous conversation has expired. Let's start again.", more: "More information",
      suggestions: "Suggestions", seu: "Online office (24 h)", cita: "Book an appointment", "010": "Phone 010"
    }
  };

  function known(lang) { return lang && TEXT[lang] ? lang : null; }
  var pageLang = known((document.documentElement.lang || "ca").toLowerCase().slice(0, 2)) || "ca";
  var lang = pageLang;  // the conversation's language: labels follow it
  function tx(l) { return TEXT[known(l) || lang]; }
  // answer bodies are Catalan or Spanish; an English conversation reads Catalan entries
  function bodyLang(l) { return l === "es" ? "es" : "ca"; }

  // Colours: #8a1538 on white 9.3:1, #0a4f8f on white 8.2:1, #1b1b1b on #f4f2f0 15:1, #4a4a4a on white 8.9:1.
  var CSS = [
    "#isac-root, #isac-root * { box-sizing: border-box; }",
    "#isac-root { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif; font-size: 16px; line-height: 1.45; color: #1b1b1b; }",
    "#isac-root :focus-visible { outline: 3px solid #1d70b8; outline-offset: 2px; }",
    ".isac-launcher { position: fixed; right: 16px; bottom: 16px; z-index: 2147483000; font-family: system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif; font-size: 16px; line-height: 1.45; font-weight: 700; color: #fff; background: #8a1538; border: 2px solid #fff; border-radius: 999px; padding: 12px 18px; box-shadow: 0 2px 8px rgba(0,0,0,.35); cursor: pointer; }",
    ".isac-launcher:hover { background: #5e0e26; }",
    ".isac-launcher:focus-visible { outline: 3px solid #1d70b8; outline-offset: 2px; }",
    // in the page's own slot (phones): part of the layout, not floating over it
    ".isac-launcher.isac-inline { position: static; z-index: auto; color: #8a1538; background: #fff; border-color: #fff; padding: 6px 14px; box-shadow: none; }",
    ".isac-launcher.isac-inline:hover { background: #f4f2f0; }",
    ".isac-panel { position: fixed; right: 16px; bottom: 76px; z-index: 2147483001; width: 380px; max-width: calc(100vw - 32px); height: 560px; max-height: calc(100vh - 96px); display: flex; flex-direction: column; background: #fff; border: 2px solid #8a1538; border-radius: 10px; box-shadow: 0 4px 18px rgba(0,0,0,.3); overflow: hidden; }",
    ".isac-panel[hidden] { display: none; }",
    ".isac-head { display: flex; align-items: center; justify-content: space-between; gap: 8px; padding: 8px 10px 8px 14px; background: #8a1538; color: #fff; }",
    ".isac-head h2 { margin: 0; font-size: 17px; color: #fff; }",
    ".isac-close { font: inherit; font-size: 22px; line-height: 1; color: #fff; background: transparent; border: 2px solid #fff; border-radius: 6px; width: 40px; height: 40px; flex: none; cursor: pointer; }",
    ".isac-head :focus-visible { outline-color: #fff; }",
    ".isac-log { position: relative; flex: 1; min-height: 0; overflow-y: auto; overflow-x: hidden; padding: 12px; background: #f4f2f0; }",
    ".isac-msg { margin: 0 0 10px; padding: 8px 12px; border-radius: 10px; max-width: 92%; overflow-wrap: anywhere; }",
    ".isac-msg p { margin: 0 0 6px; } .isac-msg p:last-child { margin-bottom: 0; }",
    ".isac-user { margin-left: auto; background: #0a4f8f; color: #fff; }",
    ".isac-bot { background: #fff; border: 1px solid #c8c8c8; }",
    ".isac-note { margin: 0 auto 10px; max-width: 92%; padding: 6px 10px; font-size: 14px; text-align: center; color: #1b1b1b; background: #fff8e1; border: 1px solid #8a6d00; border-radius: 8px; }",
    ".isac-sr { position: absolute !important; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); clip-path: inset(50%); white-space: nowrap; }",
    ".isac-card { border-left: 5px solid #8a1538; padding: 4px 0 4px 10px; margin: 4px 0 8px; }",
    ".isac-card h3 { margin: 0 0 4px; font-size: 16px; }",
    ".isac-cat { margin: 0 0 2px; font-size: 13px; font-weight: 600; color: #4a4a4a; text-transform: uppercase; letter-spacing: .02em; }",
    ".isac-section { margin: 6px 0 2px; font-weight: 700; color: #5e0e26; }",
    ".isac-dated { font-size: 14px; color: #4a4a4a; font-style: italic; }",
    ".isac-more { margin: 6px 0; } .isac-more summary { cursor: pointer; font-weight: 600; color: #0a4f8f; }",
    ".isac-more h4 { margin: 6px 0 2px; font-size: 15px; color: #5e0e26; }",
    "#isac-root a { color: #0a4f8f; }",
    ".isac-links { list-style: none; margin: 6px 0 0; padding: 0; display: flex; flex-wrap: wrap; gap: 6px; }",
    ".isac-links a { display: inline-block; padding: 4px 10px; border: 2px solid #0a4f8f; border-radius: 999px; text-decoration: none; font-weight: 600; font-size: 14px; }",
    ".isac-group { margin-top: 8px; display: flex; flex-wrap: wrap; gap: 6px; align-items: center; }",
    ".isac-group-label { width: 100%; margin: 0; font-size: 14px; color: #4a4a4a; }",
    ".isac-chip { font: inherit; font-size: 14px; text-align: left; color: #8a1538; background: #fff; border: 2px solid #8a1538; border-radius: 999px; padding: 5px 12px; cursor: pointer; min-height: 36px; max-width: 100%; }",
    ".isac-chip:hover { background: #8a1538; color: #fff; }",
    ".isac-chip:disabled { color: #4a4a4a; border-color: #8c8c8c; background: #eee; cursor: default; }",
    ".isac-typing { display: inline-flex; gap: 5px; align-items: center; min-height: 34px; }",
    ".isac-dot { width: 8px; height: 8px; border-radius: 50%; background: #5e0e26; animation: isac-blink 1.2s infinite ease-in-out; }",
    ".isac-dot:nth-child(2) { animation-delay: .2s; } .isac-dot:nth-child(3) { animation-delay: .4s; }",
    "@keyframes isac-blink { 0%, 80%, 100% { opacity: .25; transform: translateY(0); } 40% { opacity: 1; transform: translateY(-3px); } }",
    "@media (prefers-reduced-motion: reduce) { .isac-dot { animation: none; opacity: .8; } }",
    ".isac-form { position: relative; display: flex; flex-wrap: wrap; gap: 6px; padding: 10px; border-top: 1px solid #c8c8c8; background: #fff; }",
    ".isac-form label { width: 100%; font-size: 14px; font-weight: 600; }",
    ".isac-input { flex: 1; min-width: 0; font: inherit; padding: 9px 10px; border: 2px solid #595959; border-radius: 6px; }",
    ".isac-send { font: inherit; font-weight: 700; color: #fff; background: #8a1538; border: 2px solid #8a1538; border-radius: 6px; padding: 0 14px; cursor: pointer; min-height: 44px; }",
    ".isac-send:disabled { background: #6b6b6b; border-color: #6b6b6b; }",
    ".isac-list { position: absolute; left: 8px; right: 8px; bottom: 100%; margin: 0 0 2px; padding: 0; list-style: none; background: #fff; border: 2px solid #595959; border-radius: 6px; max-height: 40vh; overflow-y: auto; z-index: 1; box-shadow: 0 -2px 8px rgba(0,0,0,.15); }",
    ".isac-list[hidden] { display: none; }",
    ".isac-option { padding: 7px 10px; cursor: pointer; border-bottom: 1px solid #e6e6e6; }",
    ".isac-option:last-child { border-bottom: 0; }",
    ".isac-option .isac-proc { display: block; font-size: 13px; color: #4a4a4a; }",
    ".isac-option[aria-selected='true'], .isac-option:hover { background: #8a1538; color: #fff; }",
    ".isac-option[aria-selected='true'] .isac-proc, .isac-option:hover .isac-proc { color: #fff; }",
    // phones: the panel takes the whole screen (no border, nothing bleeds out) and the launcher steps aside
    "@media (max-width: 480px) { .isac-panel { top: 0; right: 0; bottom: 0; left: 0; width: 100%; max-width: none; height: 100%; max-height: none; border: 0; border-radius: 0; box-shadow: none; }",
    "  .isac-launcher[aria-expanded='true'] { display: none; } .isac-msg, .isac-note { max-width: 100%; } }"
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

  // -- the stored conversation -----------------------------------------------------------------
  // isac.session: the server's session id; isac.chat: {sid, lang, at, items} with items
  // {t: "user", text, lang} | {t: "bot", q, r: reply, picked, rated} | {t: "note", key, lang}
  var state = { sid: null, lang: pageLang, at: 0, items: [] };
  var expiredOnLoad = false;

  function now() { return Math.floor(Date.now() / 1000); }

  function storage() {
    try { return window.sessionStorage; } catch (e) { return null; }  // blocked: the conversation lasts for the page
  }

  function load() {
    var store = storage();
    if (!store) { return; }
    try {
      var sid = store.getItem(KEY_SESSION);
      var data = JSON.parse(store.getItem(KEY_CHAT) || "null");
      if (!sid) { store.removeItem(KEY_CHAT); return; }
      if (data && data.sid === sid && Array.isArray(data.items)) {
        if (now() - (data.at || 0) > TTL_S) {
          // the server has forgotten it by now: the transcript goes too
          expiredOnLoad = data.items.length > 0;
          lang = known(data.lang) || lang;
          forget();
          return;
        }
        state = { sid: sid, lang: known(data.lang) || pageLang, at: data.at, items: data.items };
        lang = state.lang;
      } else {
        state.sid = sid;  // a session from an older widget: keep it, there is no transcript to show
      }
    } catch (e) { forget(); }
  }

  function save() {
    var store = storage();
    if (!store || !state.sid) { return; }
    state.at = now();
    state.lang = lang;
    if (state.items.length > MAX_ITEMS) { state.items = state.items.slice(-MAX_ITEMS); }
    try {
      store.setItem(KEY_SESSION, state.sid);
      store.setItem(KEY_CHAT, JSON.stringify(state));
    } catch (e) { /* full or blocked: the conversation lasts for the page */ }
  }

  function forget() {
    state = { sid: null, lang: lang, at: 0, items: [] };
    var store = storage();
    if (!store) { return; }
    try { store.removeItem(KEY_SESSION); store.removeItem(KEY_CHAT); } catch (e) { /* blocked */ }
  }

  // -- the DOM ------------------------------------------------------------------------------
  // a labelled landmark, so that the launcher is not loose content on the host page
  var root = el("aside", { id: "isac-root" });
  var style = el("style", null, CSS);
  var launcher = el("button", { type: "button", "class": "isac-launcher", "aria-expanded": "false", "aria-controls": "isac-panel" });
  var panel = el("div", { id: "isac-panel", "class": "isac-panel", role: "dialog", "aria-modal": "false", "aria-labelledby": "isac-title" });
  panel.hidden = true;
  var head = el("div", { "class": "isac-head" });
  var title = el("h2", { id: "isac-title" });
  head.appendChild(title);
  var closeBtn = el("button", { type: "button", "class": "isac-close" }, "×");
  head.appendChild(closeBtn);
  // role=log is a polite live region: each reply appended here is read out
  var log = el("div", { "class": "isac-log", role: "log", "aria-live": "polite", tabindex: "0" });
  var form = el("form", { "class": "isac-form", novalidate: "" });
  var label = el("label", { "for": "isac-input", id: "isac-label" });
  var input = el("input", {
    id: "isac-input", "class": "isac-input", type: "text", maxlength: "500", autocomplete: "off",
    role: "combobox", "aria-autocomplete": "list", "aria-expanded": "false", "aria-controls": "isac-suggestions"
  });
  var list = el("ul", { id: "isac-suggestions", "class": "isac-list", role: "listbox" });
  list.hidden = true;
  var send = el("button", { type: "submit", "class": "isac-send" });
  form.appendChild(label);
  form.appendChild(list);
  form.appendChild(input);
  form.appendChild(send);
  panel.appendChild(head);
  panel.appendChild(log);
  panel.appendChild(form);
  root.appendChild(style);
  root.appendChild(panel);
  root.appendChild(launcher);

  // the whole interface follows the conversation's language
  function setLang(l) {
    lang = known(l) || lang;
    var lt = TEXT[lang];
    root.setAttribute("lang", lang);
    root.setAttribute("aria-label", lt.region);
    launcher.textContent = lt.open;
    launcher.setAttribute("lang", lang);  // it may live in the page's header, outside the root
    title.textContent = lt.title;
    closeBtn.setAttribute("aria-label", lt.close);
    log.setAttribute("aria-label", lt.log);
    label.textContent = lt.label;
    input.setAttribute("placeholder", lt.placeholder);
    list.setAttribute("aria-label", lt.suggestions);
    send.textContent = lt.send;
  }

  var greeted = false;
  var busy = false;

  function open(focus) {
    panel.hidden = false;
    root.classList.add("isac-open");
    launcher.setAttribute("aria-expanded", "true");
    if (!greeted) {
      greeted = true;
      log.appendChild(botBox(lang, [el("p", null, tx(lang).hello)]));
      if (expiredOnLoad) { expiredOnLoad = false; log.appendChild(note("expired", lang)); }
      state.items.forEach(function (item) { render(item, true); });
      scroll();
    }
    if (focus !== false) { input.focus(); }
  }

  function close() {
    closeList();
    panel.hidden = true;
    root.classList.remove("isac-open");
    launcher.setAttribute("aria-expanded", "false");
    launcher.focus();
  }

  // show the start of a long reply, not its feedback buttons
  function scroll(box) { log.scrollTop = box ? Math.max(0, box.offsetTop - 8) : log.scrollHeight; }

  function botBox(l, children) {
    var box = el("div", { "class": "isac-msg isac-bot", lang: l });
    box.appendChild(el("span", { "class": "isac-sr" }, tx(l).bot + " "));
    children.forEach(function (c) { box.appendChild(c); });
    return box;
  }

  function userBox(text, l) {
    var box = el("div", { "class": "isac-msg isac-user" });
    if (l) { box.setAttribute("lang", l); }
    box.appendChild(el("span", { "class": "isac-sr" }, tx(l).you + " "));
    box.appendChild(el("p", null, text));
    return box;
  }

  function note(key, l) {
    return el("p", { "class": "isac-note", lang: l }, tx(l)[key]);
  }

  function chips(labelText, entries, onPick) {
    var group = el("div", { "class": "isac-group", role: "group", "aria-label": labelText });
    group.appendChild(el("p", { "class": "isac-group-label", "aria-hidden": "true" }, labelText));
    entries.forEach(function (entry) {
      var b = el("button", { type: "button", "class": "isac-chip" }, entry.label);
      if (entry.lang) { b.setAttribute("lang", entry.lang); }
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

  function cardEl(c, reply) {
    var l = reply.lang;
    var labels = reply.labels || {};
    var card = el("div", { "class": "isac-card", lang: bodyLang(l) });
    if (c.category_name) { card.appendChild(el("p", { "class": "isac-cat", lang: l }, c.category_name)); }
    var h = el("h3");
    h.appendChild(anchor(c.url, c.title));
    card.appendChild(h);
    if (c.section_title) { card.appendChild(el("p", { "class": "isac-section", lang: l }, c.section_title)); }
    card.appendChild(el("p", null, c.text || reply.text || c.summary));
    if (c.note) { card.appendChild(el("p", { "class": "isac-dated", lang: l }, c.note)); }
    if (c.more_text) {
      var more = el("details", { "class": "isac-more" });
      more.appendChild(el("summary", { lang: l }, labels.more || tx(l).more));
      if (c.more_title && c.more_title !== (labels.more || tx(l).more)) { more.appendChild(el("h4", { lang: l }, c.more_title)); }
      more.appendChild(el("p", null, c.more_text));
      card.appendChild(more);
    }
    if (c.links && c.links.length) {
      var ul = linksList(c.links);
      ul.setAttribute("lang", l);
      card.appendChild(ul);
    }
    return card;
  }

  // "Potser busqueu…" is a guess: the channels stay below the options
  function replyLinks(reply) {
    if (reply.links && reply.links.length) { return reply.links; }
    if (reply.status === "clarify" && reply.reason === "uncertain") {
      var labels = reply.labels || {};
      return ["seu", "cita", "010"].map(function (k) {
        return { kind: k, label: labels[k] || tx(reply.lang)[k], url: CHANNELS[k] };
      });
    }
    return [];
  }

  function feedback(item, box) {
    var reply = item.r;
    var lt = tx(reply.lang);
    var entry = reply.cards && reply.cards[0] ? reply.cards[0].id : null;
    var group = chips(lt.useful, [{ label: lt.yes, useful: true }, { label: lt.no, useful: false }], function (pick, g) {
      disable(g);
      fetch(base + "/api/feedback", {
        method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ session_id: state.sid, question: item.q, entry_id: entry, useful: pick.useful })
      }).catch(function () { /* feedback is best effort */ });
      g.appendChild(el("p", { "class": "isac-group-label", role: "status" }, lt.thanks));
      item.rated = true;
      save();
      input.focus();
    });
    if (item.rated) {
      disable(group);
      group.appendChild(el("p", { "class": "isac-group-label" }, lt.thanks));
    }
    box.appendChild(group);
  }

  // one stored item in the log; returns the first clarification button, if any
  function render(item, restoring) {
    if (item.t === "user") { log.appendChild(userBox(item.text, item.lang)); return null; }
    if (item.t === "note") { log.appendChild(note(item.key, item.lang)); return null; }
    var reply = item.r || {};
    var l = known(reply.lang) || lang;
    var lt = tx(l);
    var cards = reply.cards || [];
    var parts = [];
    if (reply.status === "answer" && cards.length) {
      cards.forEach(function (c) { parts.push(cardEl(c, reply)); });
    } else {
      // isac's own sentences are in the conversation's language; an out-of-scope pointer is an entry text
      var routed = reply.status === "none" && (reply.links || []).every(function (x) { return x.kind === "outside"; });
      parts.push(el("p", { lang: routed ? bodyLang(l) : l }, reply.text));
      cards.forEach(function (c) { parts.push(cardEl(c, reply)); });
    }
    var box = botBox(l, parts);
    var first = null;
    if (reply.options && reply.options.length) {
      var group = chips(lt.options, reply.options.map(function (o) { return { label: o.title, id: o.id, lang: bodyLang(l) }; }),
        function (pick, g) { disable(g); item.picked = true; save(); ask(pick.label, pick.id); });
      if (item.picked) { disable(group); }
      box.appendChild(group);
      first = group.querySelector("button:not([disabled])");
    }
    var links = replyLinks(reply);
    if (links.length) {
      var outside = links.every(function (x) { return x.kind === "outside"; });
      var heading = outside ? lt.outside : (reply.status === "clarify" ? lt.alsoHelp : lt.where);
      box.appendChild(el("p", { "class": "isac-section" }, heading));
      box.appendChild(linksList(links));
    }
    if (reply.followups && reply.followups.length) {
      box.appendChild(chips(lt.followups, reply.followups.map(function (f) { return { label: f }; }),
        function (pick) { ask(pick.label); }));
    }
    if (item.q && (reply.status === "answer" || reply.status === "none")) { feedback(item, box); }
    log.appendChild(box);
    if (!restoring) { scroll(box); }
    return first;
  }

  function typing() {
    var box = el("div", { "class": "isac-msg isac-bot isac-waiting" });
    var dots = el("span", { "class": "isac-typing", "aria-hidden": "true" });
    for (var i = 0; i < 3; i++) { dots.appendChild(el("span", { "class": "isac-dot" })); }
    box.appendChild(dots);
    box.appendChild(el("span", { "class": "isac-sr" }, tx(lang).wait));
    return box;
  }

  function ask(text, optionId) {
    text = (text || "").trim();
    if (!text || busy) { return; }
    busy = true;
    send.disabled = true;
    cancelSuggestions();
    var mine = userBox(text, null);
    log.appendChild(mine);
    var waiting = typing();
    log.appendChild(waiting);
    scroll();
    var body = { message: text };
    if (state.sid) { body.session_id = state.sid; }
    if (optionId) {
      body.option_id = optionId;
      body.lang = lang;  // a button is in the conversation's language
    }
    fetch(base + "/api/chat", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) })
      .then(function (r) {
        return r.json().then(function (data) {
          // the API's details are for developers; the citizen gets the 010 in their language
          if (!r.ok) { throw new Error(typeof data.detail === "string" ? data.detail : "error"); }
          return data;
        });
      })
      .then(function (data) {
        var reply = data.reply;
        var l = known(reply.lang) || lang;
        if (data.expired) {
          // the server forgot the conversation: so does the page, and it says so
          Array.prototype.slice.call(log.children, 1).forEach(function (node) {
            if (node !== mine && node !== waiting) { log.removeChild(node); }
          });
          state.items = [];
          var expiredNote = { t: "note", key: "expired", lang: l };
          log.insertBefore(note("expired", l), mine);
          state.items.push(expiredNote);
        }
        state.sid = data.session_id;
        mine.setAttribute("lang", l);
        mine.firstChild.textContent = tx(l).you + " ";
        setLang(l);
        if (waiting.parentNode) { waiting.parentNode.removeChild(waiting); }
        var item = { t: "bot", q: text, r: reply };
        state.items.push({ t: "user", text: text, lang: l }, item);
        var first = render(item, false);
        scroll(mine);  // the question and the start of its answer
        save();
        if (first) { first.focus(); } else { input.focus(); }
      })
      .catch(function (err) {
        if (window.console) { window.console.warn("isac:", err && err.message); }
        if (waiting.parentNode) { waiting.parentNode.removeChild(waiting); }
        log.appendChild(botBox(lang, [el("p", null, tx(lang).error)]));
        scroll();
        input.focus();
      })
      .then(function () {
        busy = false;
        send.disabled = false;
      });
  }

  // -- suggestions as the citizen types (ARIA 1.2 combobox), in the conversation's language ----
  var items = [];
  var active = -1;
  var timer = null;
  var pending = null;
  var generation = 0;

  function closeList() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function cancelSuggestions() {
    generation += 1;
    clearTimeout(timer);
    if (pending) { pending.abort(); pending = null; }
    closeList();
  }

  function highlight(index) {
    var options = list.children;
    for (var i = 0; i < options.length; i++) {
      options[i].setAttribute("aria-selected", i === index ? "true" : "false");
    }
    active = index;
    if (index >= 0 && options[index]) {
      input.setAttribute("aria-activedescendant", options[index].id);
      options[index].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function showSuggestions(suggestions) {
    list.replaceChildren();
    items = suggestions;
    suggestions.forEach(function (s, i) {
      var option = el("li", { id: "isac-opt-" + i, "class": "isac-option", role: "option", "aria-selected": "false" });
      if (s.lang) { option.setAttribute("lang", s.lang); }
      option.appendChild(el("span", null, s.text));
      if (s.title && s.title.toLowerCase() !== String(s.text).toLowerCase()) {
        option.appendChild(el("span", { "class": "isac-proc" }, s.title));
      }
      option.addEventListener("mousedown", function (ev) { ev.preventDefault(); });
      option.addEventListener("click", function () { pickSuggestion(i); });
      list.appendChild(option);
    });
    if (suggestions.length) {
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    } else {
      closeList();
    }
    active = -1;
  }

  function fetchSuggestions() {
    var q = input.value.trim();
    if (pending) { pending.abort(); }
    if (!q || busy) { showSuggestions([]); return; }
    pending = new AbortController();
    var mine = generation;
    fetch(base + "/api/suggest?limit=5&lang=" + encodeURIComponent(lang) + "&q=" + encodeURIComponent(q), { signal: pending.signal })
      .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
      .then(function (data) { if (mine === generation) { showSuggestions(data.suggestions || []); } })
      .catch(function () { /* aborted or offline: typing still works */ });
  }

  function pickSuggestion(i) {
    if (!items[i]) { return; }
    var text = items[i].text;
    input.value = "";
    cancelSuggestions();
    ask(text);
  }

  input.addEventListener("input", function () {
    generation += 1;
    clearTimeout(timer);
    timer = setTimeout(fetchSuggestions, 150);
  });

  input.addEventListener("keydown", function (ev) {
    var isOpen = !list.hidden && items.length > 0;
    if (ev.key === "ArrowDown") {
      if (!isOpen) { return; }
      ev.preventDefault();
      highlight(active + 1 >= items.length ? 0 : active + 1);
    } else if (ev.key === "ArrowUp") {
      if (!isOpen) { return; }
      ev.preventDefault();
      highlight(active - 1 < 0 ? items.length - 1 : active - 1);
    } else if (ev.key === "Enter") {
      if (isOpen && active >= 0) { ev.preventDefault(); pickSuggestion(active); }
    } else if (ev.key === "Escape") {
      if (isOpen) { ev.preventDefault(); ev.stopPropagation(); closeList(); }
    } else if (ev.key === "Tab") {
      closeList();
    }
  });

  input.addEventListener("blur", function () { setTimeout(closeList, 150); });

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

  load();
  setLang(lang);

  // on phones a page may give the launcher a place in its own layout (an element with
  // data-isac-launcher, e.g. in its header), so that no floating button covers its content
  var phone = window.matchMedia ? window.matchMedia("(max-width: 480px)") : null;
  function placeLauncher() {
    var slot = document.querySelector("[data-isac-launcher]");
    var inline = !!(slot && phone && phone.matches);
    var parent = inline ? slot : root;
    launcher.classList.toggle("isac-inline", inline);
    if (launcher.parentNode !== parent) {
      var focused = document.activeElement === launcher;
      parent.appendChild(launcher);
      if (focused) { launcher.focus(); }
    }
  }
  if (phone) {
    if (phone.addEventListener) { phone.addEventListener("change", placeLauncher); } else if (phone.addListener) { phone.addListener(placeLauncher); }
  }

  function mount() {
    document.body.appendChild(root);
    placeLauncher();
  }
  if (document.body) { mount(); } else { document.addEventListener("DOMContentLoaded", mount); }
})();
