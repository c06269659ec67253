/* Demo page: search box with suggestions (ARIA 1.2 combobox + listbox) and results.
 * Everything from the API is inserted with textContent/createElement, never as HTML.
 *
 * The page speaks Catalan, Spanish or English (?lang=es); the search box and its results
 * then follow the language of each question (the API's `lang` and `labels`). This script
 * runs before widget.js (both are deferred, in order), so the widget starts in the page's
 * language too. */
(function () {
  "use strict";

  // Catalan in the vós register, Spanish in usted
  var I18N = {
    ca: {
      title: "Tràmits i gestions · Ajuntament de Terrassa (demostració d'isac)",
      skip: "Salta al contingut principal", brand: "Ajuntament de Terrassa", nav: "Navegació principal",
      langs: "Idioma", "nav.tramits": "Tràmits i gestions", "nav.seu": "Seu Electrònica", "nav.cita": "Cita prèvia",
      "nav.010": "Telèfon 010",
      demo: "Pàgina de demostració: el cercador i l'assistent responen a partir de les fitxes de tràmits.",
      h1: "Tràmits i gestions",
      lead: "Escriviu el que necessiteu amb les vostres paraules, per exemple «com m'empadrono?» o «quant costa el gual?».",
      "search.label": "Cerqueu un tràmit o feu una pregunta", "search.placeholder": "Ex.: quant costa el gual?",
      "search.button": "Cerca", "search.suggestions": "Suggeriments",
      "search.help": "Amb les fletxes amunt i avall trieu un suggeriment; Retorn cerca; Esc tanca la llista.",
      results: "Resultats de la cerca",
      "channels.title": "Altres maneres de fer els tràmits", "channels.seu": "Seu Electrònica",
      "channels.seu.text": "oberta les 24 hores, amb identificació digital.",
      "channels.oac": "Oficines d'Atenció Ciutadana (OAC)", "channels.oac.text": "amb cita prèvia.",
      "channels.010": "Telèfon 010", "channels.010.text": "900 922 010 si truqueu des de fora de Terrassa.",
      "footer.1": "Ajuntament de Terrassa · Telèfon 010 (900 922 010 des de fora de Terrassa) · Seu Electrònica oberta 24 hores",
      "footer.2": "Pàgina de demostració de l'assistent isac. Les respostes són orientatives: la fitxa de cada tràmit és la font oficial.",
      one: "1 suggeriment disponible.", many: "{n} suggeriments disponibles.", searching: "Cercant…",
      empty: "Escriviu una pregunta per cercar.", error: "No s'ha pogut fer la cerca. Torneu-ho a provar o truqueu al 010.",
      answer: "Resposta", related: "Tràmits relacionats", more: "Més informació", options: "Trieu una opció",
      alsoHelp: "Si no és cap d'aquests, us poden ajudar aquí:", said: "Resposta: {title}."
    },
    es: {
      title: "Trámites y gestiones · Ayuntamiento de Terrassa (demostración de isac)",
      skip: "Saltar al contenido principal", brand: "Ayuntamiento de Terrassa", nav: "Navegación principal",
      langs: "Idioma", "nav.tramits": "Trámites y gestiones", "nav.seu": "Sede Electrónica", "nav.cita": "Cita previa",
      "nav.010": "Teléfono 010",
      demo: "Página de demostración: el buscador y el asistente responden a partir de las fichas de trámites.",
      h1: "Trámites y gestiones",
      lead: "Escriba lo que necesita con sus propias palabras, por ejemplo «¿cómo me empadrono?» o «¿cuánto cuesta el vado?».",
      "search.label": "Busque un trámite o haga una pregunta", "search.placeholder": "Ej.: ¿cuánto cuesta el vado?",
      "search.button": "Buscar", "search.suggestions": "Sugerencias",
      "search.help": "Con las flechas arriba y abajo elige una sugerencia; Intro busca; Esc cierra la lista.",
      results: "Resultados de la búsqueda",
      "channels.title": "Otras maneras de hacer los trámites", "channels.seu": "Sede Electrónica",
      "channels.seu.text": "abierta las 24 horas, con identificación digital.",
      "channels.oac": "Oficinas de Atención Ciudadana (OAC)", "channels.oac.text": "con cita previa.",
      "channels.010": "Teléfono 010", "channels.010.text": "900 922 010 si llama desde fuera de Terrassa.",
      "footer.1": "Ayuntamiento de Terrassa · Teléfono 010 (900 922 010 desde fuera de Terrassa) · Sede Electrónica abierta 24 horas",
      "footer.2": "Página de demostración del asistente isac. Las respuestas son orientativas: la ficha de cada trámite es la fuente oficial.",
      one: "1 sugerencia disponible.", many: "{n} sugerencias disponibles.", searching: "Buscando…",
      empty: "Escriba una pregunta para buscar.", error: "No se ha podido hacer la búsqueda. Vuelva a intentarlo o llame al 010.",
      answer: "Respuesta", related: "Trámites relacionados", more: "Más información", options: "Elija una opción",
      alsoHelp: "Si no es ninguno de estos, le pueden ayudar aquí:", said: "Respuesta: {title}."
    },
    en: {
      title: "Procedures · Terrassa City Council (isac demo)",
      skip: "Skip to main content", brand: "Terrassa City Council", nav: "Main navigation",
      langs: "Language", "nav.tramits": "Procedures", "nav.seu": "Online office (Seu Electrònica)", "nav.cita": "Appointments",
      "nav.010": "Phone 010",
      demo: "Demo page: the search box and the assistant answer from the procedure sheets.",
      h1: "Procedures",
      lead: "Type what you need in your own words, for example “how do I register as a resident?” or “how much is a vado?”.",
      "search.label": "Search for a procedure or ask a question", "search.placeholder": "E.g.: how much is a vado?",
      "search.button": "Search", "search.suggestions": "Suggestions",
      "search.help": "Up and down arrows choose a suggestion; Enter searches; Esc closes the list.",
      results: "Search results",
      "channels.title": "Other ways to do your procedures", "channels.seu": "Online office (Seu Electrònica)",
      "channels.seu.text": "open 24 hours, with a digital ID.",
      "channels.oac": "Citizen Service Offices (OAC)", "channels.oac.text": "by appointment.",
      "channels.010": "Phone 010", "channels.010.text": "900 922 010 when calling from outside Terrassa.",
      "footer.1": "Terrassa City Council · Phone 010 (900 922 010 from outside Terrassa) · Online office open 24 hours",
      "footer.2": "Demo page of the isac assistant. Answers are for guidance: each procedure's sheet is the official source.",
      one: "1 suggestion available.", many: "{n} suggestions available.", searching: "Searching…",
      empty: "Type a question to search.", error: "The search failed. Please try again or call 010.",
      answer: "Answer", related: "Related procedures", more: "More information", options: "Choose one",
      alsoHelp: "If it is none of these, you can get help here:", said: "Answer: {title}."
    }
  };

  function known(lang) { return lang && I18N[lang] ? lang : null; }
  // answer bodies are Catalan or Spanish; an English question reads Catalan entries
  function bodyLang(lang) { return lang === "es" ? "es" : "ca"; }

  var asked = null;
  try { asked = new URLSearchParams(window.location.search).get("lang"); } catch (e) { asked = null; }
  var pageLang = known(asked) || known((document.documentElement.lang || "ca").slice(0, 2)) || "ca";
  var formLang = pageLang;  // the search box follows the last question's language

  var form = document.getElementById("search-form");
  var input = document.getElementById("q");
  var list = document.getElementById("q-suggestions");
  var spinner = document.getElementById("q-spinner");
  var status = document.getElementById("search-status");
  var results = document.getElementById("results");
  var answerBox = document.getElementById("answer");
  var rankedBox = document.getElementById("ranked");
  var items = [];
  var active = -1;
  var timer = null;
  var pending = null;
  var generation = 0;  // bumped by every keystroke and search: late suggestions are dropped
  var waits = 0;

  function tr(key, lang) { var t = I18N[known(lang) || formLang]; return t[key] !== undefined ? t[key] : I18N.ca[key]; }

  // texts of one part of the page in ``lang``: data-i18n (text), data-i18n-aria, data-i18n-placeholder
  function translate(scope, lang) {
    Array.prototype.forEach.call(scope.querySelectorAll("[data-i18n]"), function (node) {
      node.textContent = tr(node.getAttribute("data-i18n"), lang);
    });
    Array.prototype.forEach.call(scope.querySelectorAll("[data-i18n-aria]"), function (node) {
      node.setAttribute("aria-label", tr(node.getAttribute("data-i18n-aria"), lang));
    });
    Array.prototype.forEach.call(scope.querySelectorAll("[data-i18n-placeholder]"), function (node) {
      node.setAttribute("placeholder", tr(node.getAttribute("data-i18n-placeholder"), lang));
    });
  }

  function setPageLang(lang) {
    document.documentElement.lang = lang;
    document.title = tr("title", lang);
    translate(document, lang);
    Array.prototype.forEach.call(document.querySelectorAll(".langs a[data-lang]"), function (a) {
      if (a.getAttribute("data-lang") === lang) { a.setAttribute("aria-current", "true"); } else { a.removeAttribute("aria-current"); }
    });
  }

  // the search box, its help and the results speak the question's language
  function setFormLang(lang) {
    formLang = known(lang) || pageLang;
    translate(form, formLang);
    form.setAttribute("lang", formLang);
    results.setAttribute("lang", formLang);
    results.setAttribute("aria-label", tr("results", formLang));
  }

  setPageLang(pageLang);
  setFormLang(pageLang);

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

  function link(url, text) {
    var href = safeUrl(url);
    if (!href) { return el("span", null, text); }
    return el("a", { href: href }, text);
  }

  // a visible waiting state in the search box (a spinner; static under prefers-reduced-motion)
  function busy(on) {
    waits = Math.max(0, waits + (on ? 1 : -1));
    spinner.hidden = waits === 0;
  }

  // -- suggestions --------------------------------------------------------------------------
  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
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

  function same(a, b) { return String(a || "").trim().toLowerCase() === String(b || "").trim().toLowerCase(); }

  function render(suggestions) {
    list.replaceChildren();
    items = suggestions;
    suggestions.forEach(function (s, i) {
      var option = el("li", { id: "q-opt-" + i, role: "option", "aria-selected": "false" });
      if (s.lang) { option.setAttribute("lang", s.lang); }
      option.appendChild(el("span", { "class": "text" }, s.text));
      // a citizen's question shows the procedure it leads to
      if (s.title && !same(s.title, s.text)) { option.appendChild(el("span", { "class": "proc" }, s.title)); }
      option.addEventListener("mousedown", function (ev) { ev.preventDefault(); });
      option.addEventListener("click", function () { choose(i); });
      list.appendChild(option);
    });
    if (suggestions.length) {
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      status.textContent = suggestions.length === 1 ? tr("one") : tr("many").replace("{n}", suggestions.length);
    } else {
      close();
    }
    active = -1;
  }

  function fetchSuggestions() {
    var q = input.value.trim();
    if (pending) { pending.abort(); }
    if (!q) { render([]); return; }
    pending = new AbortController();
    var mine = generation;
    busy(true);
    fetch("api/suggest?lang=" + encodeURIComponent(formLang) + "&q=" + encodeURIComponent(q), { signal: pending.signal })
      .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
      .then(function (data) { if (mine === generation) { render(data.suggestions || []); } })
      .catch(function () { /* aborted or offline: typing still works */ })
      .then(function () { busy(false); });
  }

  function choose(i) {
    if (!items[i]) { return; }
    input.value = items[i].text;
    close();
    search(input.value);
  }

  input.addEventListener("input", function () {
    generation += 1;
    clearTimeout(timer);
    timer = setTimeout(fetchSuggestions, 120);
  });

  input.addEventListener("keydown", function (ev) {
    var open = !list.hidden && items.length > 0;
    if (ev.key === "ArrowDown") {
      ev.preventDefault();
      if (!open) { fetchSuggestions(); return; }
      highlight(active + 1 >= items.length ? 0 : active + 1);
    } else if (ev.key === "ArrowUp") {
      if (!open) { return; }
      ev.preventDefault();
      highlight(active - 1 < 0 ? items.length - 1 : active - 1);
    } else if (ev.key === "Enter") {
      if (open && active >= 0) { ev.preventDefault(); choose(active); }
    } else if (ev.key === "Escape") {
      if (open) { ev.preventDefault(); close(); } else { input.value = ""; }
    } else if (ev.key === "Tab") {
      close();
    }
  });

  input.addEventListener("blur", function () { setTimeout(close, 150); });

  // -- results ------------------------------------------------------------------------------
  function linksList(links, lang) {
    var ul = el("ul", { "class": "links", lang: lang });
    (links || []).forEach(function (l) {
      var li = el("li");
      li.appendChild(link(l.url, l.label));
      ul.appendChild(li);
    });
    return ul;
  }

  // an entry's card: category, title (a link to its fitxa when it has one), the answering
  // section, a stale-fact note, the section a detail answer belongs to, and the links
  function card(data, lang, labels) {
    var article = el("article", { "class": "card", lang: bodyLang(lang) });
    if (data.category_name) { article.appendChild(el("p", { "class": "meta category", lang: lang }, data.category_name)); }
    var h = el("h3");
    h.appendChild(link(data.url, data.title));
    article.appendChild(h);
    if (data.section_title) { article.appendChild(el("p", { "class": "section-title", lang: lang }, data.section_title)); }
    article.appendChild(el("p", null, data.text || data.summary));
    if (data.note) { article.appendChild(el("p", { "class": "dated", lang: lang }, data.note)); }
    if (data.more_text) {
      var more = el("details", { "class": "more" });
      var moreLabel = (labels && labels.more) || tr("more", lang);
      more.appendChild(el("summary", { lang: lang }, moreLabel));
      if (data.more_title && data.more_title !== moreLabel) { more.appendChild(el("h4", { lang: lang }, data.more_title)); }
      more.appendChild(el("p", null, data.more_text));
      article.appendChild(more);
    }
    article.appendChild(linksList(data.links, lang));
    return article;
  }

  function heading(text, lang) { return el("h2", { lang: lang }, text); }

  function renderAnswer(ans) {
    var lang = known(ans.lang) || formLang;
    var labels = ans.labels || {};
    answerBox.replaceChildren();
    if (ans.status === "answer" && ans.answer) {
      answerBox.appendChild(heading(labels.answer || tr("answer", lang), lang));
      answerBox.appendChild(card(ans.answer, lang, labels));
      return { said: tr("said", lang).replace("{title}", ans.answer.title) };
    }
    if (ans.status === "clarify") {
      // "Potser busqueu…" / "Quin voleu dir?": the procedures as buttons, the first one focused
      answerBox.appendChild(el("p", { "class": "notice", lang: lang }, ans.message));
      var group = el("ul", { "class": "options", "aria-label": tr("options", lang) });
      var first = null;
      (ans.options || []).forEach(function (o) {
        var li = el("li", { lang: bodyLang(lang) });
        var b = el("button", { type: "button", "class": "option" }, o.title);
        b.addEventListener("click", function () { pick(o, ans); });
        li.appendChild(b);
        if (o.summary && !same(o.summary, o.title)) { li.appendChild(el("span", { "class": "meta" }, o.summary)); }
        group.appendChild(li);
        first = first || b;
      });
      answerBox.appendChild(group);
      if (ans.fallback) {
        // a guess among close procedures: where to get help stays below it
        var help = el("div", { "class": "notice fallback", lang: lang });
        help.appendChild(el("p", null, tr("alsoHelp", lang)));
        help.appendChild(linksList(ans.fallback.links, lang));
        answerBox.appendChild(help);
      }
      return { said: ans.message, focus: first };
    }
    var fb = ans.fallback || { message: "", links: [] };
    // another administration's topic: its own link only, no municipal channel
    var box = el("div", { "class": "notice", lang: fb.route ? bodyLang(lang) : lang });
    box.appendChild(el("p", null, fb.message));
    box.appendChild(linksList(fb.links, lang));
    answerBox.appendChild(box);
    return { said: fb.message, routed: !!fb.route };
  }

  // the chosen procedure of a clarification, from the card the API already sent
  function pick(option, ans) {
    var lang = known(ans.lang) || formLang;
    var labels = ans.labels || {};
    answerBox.replaceChildren();
    var h = heading(labels.answer || tr("answer", lang), lang);
    h.setAttribute("tabindex", "-1");
    answerBox.appendChild(h);
    answerBox.appendChild(card(option, lang, labels));
    status.textContent = tr("said", lang).replace("{title}", option.title);
    h.focus();
  }

  // the related procedures: category name and the summary's first sentence, never a raw passage
  function renderRanked(data, lang, labels) {
    rankedBox.replaceChildren();
    if (!data.results || !data.results.length) { return; }
    labels = labels || {};
    rankedBox.appendChild(heading(labels.related || tr("related", lang), lang));
    var ol = el("ol", { "class": "ranked" });
    data.results.forEach(function (r) {
      var li = el("li", { lang: bodyLang(lang) });
      var name = link(r.url, r.title);
      name.setAttribute("class", "title");
      li.appendChild(name);
      var meta = el("span", { "class": "meta" });
      if (r.category_name) { meta.appendChild(el("span", { "class": "category", lang: lang }, r.category_name)); }
      if (r.summary && !same(r.summary, r.title)) {
        if (r.category_name) { meta.appendChild(document.createTextNode(" · ")); }
        meta.appendChild(el("span", null, r.summary));
      }
      li.appendChild(meta);
      ol.appendChild(li);
    });
    rankedBox.appendChild(ol);
  }

  function showError(message) {
    answerBox.replaceChildren(el("p", { "class": "notice error" }, message));
    rankedBox.replaceChildren();
    results.hidden = false;
    status.textContent = message;
  }

  function search(q) {
    generation += 1;
    clearTimeout(timer);
    if (pending) { pending.abort(); }
    close();
    q = q.trim();
    if (!q) { input.focus(); status.textContent = tr("empty"); return; }
    results.setAttribute("aria-busy", "true");
    status.textContent = tr("searching");
    busy(true);
    var ask = fetch("api/ask", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ question: q })
    }).then(function (r) {
      return r.json().then(function (body) { if (!r.ok) { throw new Error(body.detail || "error"); } return body; });
    });
    var ranked = fetch("api/search?k=5&q=" + encodeURIComponent(q))
      .then(function (r) { return r.ok ? r.json() : { results: [] }; })
      .catch(function () { return { results: [] }; });
    Promise.all([ask, ranked]).then(function (both) {
      var ans = both[0];
      setFormLang(ans.lang);
      var shown = renderAnswer(ans);
      if (shown.routed) { rankedBox.replaceChildren(); } else { renderRanked(both[1], formLang, ans.labels); }
      results.hidden = false;
      status.textContent = shown.said;
      if (shown.focus) { shown.focus.focus(); }
    }).catch(function (err) {
      if (window.console) { window.console.warn("isac:", err && err.message); }
      showError(tr("error"));
    }).then(function () {
      results.setAttribute("aria-busy", "false");
      busy(false);
    });
  }

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    close();
    search(input.value);
  });
})();
