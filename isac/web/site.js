/* Demo page: search box with suggestions (ARIA 1.2 combobox + listbox) and results.
 * Everything from the API is inserted with textContent/createElement, never as HTML. */
(function () {
  "use strict";

  var form = document.getElementById("search-form");
  var input = document.getElementById("q");
  var list = document.getElementById("q-suggestions");
  var status = document.getElementById("search-status");
  var results = document.getElementById("results");
  var answerBox = document.getElementById("answer");
  var rankedBox = document.getElementById("ranked");
  var items = [];
  var active = -1;
  var timer = null;
  var pending = null;
  var generation = 0;  // bumped by every keystroke and search: late suggestions are dropped

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

  function render(suggestions) {
    list.replaceChildren();
    items = suggestions;
    suggestions.forEach(function (s, i) {
      var option = el("li", { id: "q-opt-" + i, role: "option", "aria-selected": "false" }, s.text);
      option.addEventListener("mousedown", function (ev) { ev.preventDefault(); });
      option.addEventListener("click", function () { choose(i); });
      list.appendChild(option);
    });
    if (suggestions.length) {
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      status.textContent = suggestions.length === 1 ? "1 suggeriment disponible." : suggestions.length + " suggeriments disponibles.";
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
    fetch("api/suggest?q=" + encodeURIComponent(q), { signal: pending.signal })
      .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
      .then(function (data) { if (mine === generation) { render(data.suggestions || []); } })
      .catch(function () { /* aborted or offline: keep typing works */ });
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
  function linksList(links) {
    var ul = el("ul", { "class": "links" });
    (links || []).forEach(function (l) {
      var li = el("li");
      li.appendChild(link(l.url, l.label));
      ul.appendChild(li);
    });
    return ul;
  }

  function card(data, heading) {
    var article = el("article", { "class": "card" });
    var h = el("h3");
    h.appendChild(link(data.url, data.title));
    article.appendChild(h);
    if (heading) { article.appendChild(el("p", { "class": "section-title" }, heading)); }
    article.appendChild(el("p", null, data.text || data.summary));
    article.appendChild(linksList(data.links));
    return article;
  }

  function renderAnswer(ans) {
    answerBox.replaceChildren();
    if (ans.status === "answer" && ans.answer) {
      answerBox.appendChild(el("h2", null, "Resposta"));
      answerBox.appendChild(card(ans.answer, ans.answer.section_title));
      return "Resposta: " + ans.answer.title + ".";
    }
    if (ans.status === "clarify") {
      answerBox.appendChild(el("p", { "class": "notice" }, ans.message));
      ans.options.forEach(function (o) { answerBox.appendChild(card(o)); });
      return ans.message;
    }
    var box = el("div", { "class": "notice" });
    box.appendChild(el("p", null, ans.fallback ? ans.fallback.message : ""));
    box.appendChild(linksList(ans.fallback ? ans.fallback.links : []));
    answerBox.appendChild(box);
    return ans.fallback ? ans.fallback.message : "";
  }

  function renderRanked(data) {
    rankedBox.replaceChildren();
    if (!data.results || !data.results.length) { return; }
    rankedBox.appendChild(el("h2", null, "Tràmits relacionats"));
    var ol = el("ol", { "class": "ranked" });
    data.results.forEach(function (r) {
      var li = el("li");
      li.appendChild(link(r.url, r.title));
      li.appendChild(el("span", { "class": "meta" }, r.category + " · " + r.passage.text));
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
    if (!q) { input.focus(); status.textContent = "Escriu una pregunta per cercar."; return; }
    results.setAttribute("aria-busy", "true");
    status.textContent = "Cercant…";
    var ask = fetch("api/ask", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ question: q })
    }).then(function (r) {
      return r.json().then(function (body) { if (!r.ok) { throw new Error(body.detail || "error"); } return body; });
    });
    var ranked = fetch("api/search?k=5&q=" + encodeURIComponent(q))
      .then(function (r) { return r.ok ? r.json() : { results: [] }; })
      .catch(function () { return { results: [] }; });
    Promise.all([ask, ranked]).then(function (both) {
      var said = renderAnswer(both[0]);
      renderRanked(both[1]);
      results.hidden = false;
      status.textContent = said;
    }).catch(function (err) {
      showError("No s'ha pogut fer la cerca (" + err.message + "). Torna-ho a provar o truca al 010.");
    }).then(function () { results.setAttribute("aria-busy", "false"); });
  }

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    close();
    search(input.value);
  });
})();
