"""The widget and the demo page in headless Chromium (Debian's chromium + chromium-driver).

A uvicorn server runs in a thread on a free 127.0.0.1 port over the fixture engine. Install
the browser and axe-core with scripts/install_browser.sh (`make browser`); without
/usr/bin/chromium these tests skip. Every test starts on a 375 px phone unless it says
otherwise; the desktop checks use 1366 x 768.

Screenshots of the page and the widget (desktop and phone, Catalan and Spanish) are taken by
`test_screenshots`; with ISAC_SCREENSHOTS=docs/img they land where docs/widget.md shows them.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import socket
import struct
import threading
import time
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
REPO = Path(__file__).resolve().parents[2]
FIXTURE_KB = REPO / "tests" / "fixtures" / "knowledge"
AXE = REPO / ".cache" / "axe" / "axe.min.js"
HOSTILE = '<img src=x onerror="window.__pwned=1">'
PHONE = (375, 812, True)
DESKTOP = (1366, 768, False)

pytestmark = pytest.mark.browser
if not CHROMIUM.exists():
    pytest.skip("Chromium is not installed at /usr/bin/chromium (run scripts/install_browser.sh)",
                allow_module_level=True)

import uvicorn  # noqa: E402
from fastapi.responses import HTMLResponse  # noqa: E402
from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

# another site that embeds the widget with one tag, in Spanish and without any CSP
EMBED_PAGE = """<!doctype html><html lang="es"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Otra web</title></head>
<body><main><h1>Una web municipal cualquiera</h1></main><script src="/widget.js"></script></body></html>"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, app):
        self.app = app
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> Server:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(10)


def _app(engine, settings_for, data_dir: Path):
    from isac.api.app import create_app

    # no rate limit: a browser test sends a burst of suggestions and questions
    app = create_app(settings_for(data_dir=data_dir, rate_limit=""), engine=engine)

    @app.get("/embed", include_in_schema=False)
    def embed():
        return HTMLResponse(EMBED_PAGE)

    return app


def _serve(engine, settings_for, tmp_path_factory):
    return Server(_app(engine, settings_for, tmp_path_factory.mktemp("data")))


@pytest.fixture(scope="module")
def site(engine, settings_for, tmp_path_factory):
    with _serve(engine, settings_for, tmp_path_factory) as server:
        yield server


@pytest.fixture(scope="module")
def unsure_site(engine, settings_for, tmp_path_factory):
    from isac.engine import Engine

    # asks for clarification whenever two entries compete, whatever the calibration says
    unsure = Engine(engine.index, engine.encoder,
                    dataclasses.replace(engine.config, clarify_margin=10.0, answer_threshold=0.0))
    with _serve(unsure, settings_for, tmp_path_factory) as server:
        yield server


@pytest.fixture(scope="module")
def maybe_site(engine, settings_for, tmp_path_factory):
    from isac.engine import Engine

    # never confident, but the top entries share a theme: "Potser busqueu…"
    maybe = Engine(engine.index, engine.encoder,
                   dataclasses.replace(engine.config, answer_threshold=1.01, choice_margin=10.0))
    with _serve(maybe, settings_for, tmp_path_factory) as server:
        yield server


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory, encoder, settings_for):
    """The fixture knowledge base with HTML in an entry's title, summary and sections."""
    import yaml

    from isac.engine import Engine
    from isac.index import load_index
    from isac.indexing import build_index
    from isac.knowledge import load_knowledge

    kb = tmp_path_factory.mktemp("hostile") / "knowledge"
    shutil.copytree(FIXTURE_KB, kb)
    path = kb / "residus" / "deixalleria.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["title"]["ca"] = f"Deixalleria {HOSTILE} municipal"
    data["summary"]["ca"] = "Residus <script>window.__pwned=2</script> que no van als contenidors."
    data["sections"] = {k: {lang: f'{text} <a href="javascript:window.__pwned=3">aquí</a>' for lang, text in v.items()}
                        for k, v in data["sections"].items()}
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    directory = kb.parent / "index"
    build_index(load_knowledge(kb), encoder, directory)
    # the shipped calibration belongs to the real encoder: on hashed words its confidence means
    # nothing, and this site is about rendering hostile text, so it always answers
    from isac.config import EngineConfig

    config = dataclasses.replace(EngineConfig.tuned(), answer_threshold=0.0, clarify_margin=0.0)
    engine = Engine(load_index(directory, encoder.name), encoder, config)
    with _serve(engine, settings_for, tmp_path_factory) as server:
        yield server


@pytest.fixture(scope="module")
def driver(tmp_path_factory):
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--hide-scrollbars", "--force-color-profile=srgb", "--lang=ca",
                 f"--user-data-dir={tmp_path_factory.mktemp('chromium')}", "--window-size=1366,812"):
        options.add_argument(flag)
    drv = webdriver.Chrome(options=options, service=Service(executable_path=str(CHROMEDRIVER)))
    drv.set_script_timeout(60)
    yield drv
    drv.quit()


@pytest.fixture(autouse=True)
def _phone_first(request):
    """Each test starts on a phone-sized viewport with motion allowed: everything must work at 375 px."""
    if "driver" in request.fixturenames:
        drv = request.getfixturevalue("driver")
        viewport(drv, PHONE)
        drv.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})


# -- helpers ---------------------------------------------------------------------------------
def viewport(driver, size) -> None:
    width, height, mobile = size
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile})


def wait(driver, condition, timeout: float = 20):
    return WebDriverWait(driver, timeout).until(lambda d: condition(d))


def fresh(driver, url: str) -> None:
    """Loads ``url`` with no stored conversation (sessionStorage is per tab and origin)."""
    driver.get(url)
    driver.execute_script("window.sessionStorage.clear()")
    driver.get(url)


def open_widget(driver, url: str | None = None, new: bool = True):
    if url is not None:
        fresh(driver, url) if new else driver.get(url)
    launcher = wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, ".isac-launcher"))[0]
    launcher.send_keys(Keys.ENTER)  # keyboard, not a click
    wait(driver, lambda d: d.switch_to.active_element.get_attribute("id") == "isac-input")
    return driver.find_element(By.ID, "isac-input")


def bot_messages(driver):
    return driver.find_elements(By.CSS_SELECTOR, "#isac-root .isac-bot:not(.isac-waiting)")


def ask(driver, text: str):
    """Types a question in the widget and presses Enter; returns the bot's reply element."""
    last = bot_messages(driver)[-1:]
    box = driver.find_element(By.ID, "isac-input")
    box.send_keys(text, Keys.ENTER)
    # a new last reply (an expired session clears the old ones, so counting would not do)
    wait(driver, lambda d: bot_messages(d)[-1:] != last and d.find_element(By.CSS_SELECTOR, ".isac-send").is_enabled())
    return bot_messages(driver)[-1]


def card_title(reply) -> str:
    return reply.find_element(By.CSS_SELECTOR, ".isac-card h3").text


def hrefs(node) -> dict[str, str]:
    return {a.text: a.get_attribute("href") for a in node.find_elements(By.CSS_SELECTOR, "a")}


def pwned(driver):
    return driver.execute_script("return window.__pwned")


def rect(driver, selector: str) -> dict:
    return driver.execute_script(
        "const r = document.querySelector(arguments[0]).getBoundingClientRect();"
        "return {left: r.left, top: r.top, right: r.right, bottom: r.bottom, width: r.width, height: r.height};",
        selector)


def overlap(a: dict, b: dict) -> bool:
    return a["left"] < b["right"] and a["right"] > b["left"] and a["top"] < b["bottom"] and a["bottom"] > b["top"]


def search(driver, text: str) -> None:
    """Types a question in the demo page's search box and waits for the results."""
    box = driver.find_element(By.ID, "q")
    box.clear()
    box.send_keys(text, Keys.ENTER)
    wait(driver, lambda d: d.find_element(By.ID, "results").is_displayed()
         and d.find_element(By.ID, "results").get_attribute("aria-busy") == "false")


def stored(driver) -> dict:
    return json.loads(driver.execute_script("return window.sessionStorage.getItem('isac.chat') || 'null'") or "null")


def _vendored_axe() -> Path:
    """axe-core as scripts/install_browser.sh vendors it from the npm registry (never a CDN)."""
    if not AXE.is_file():
        # a machine that had Chromium before axe-core was needed: `make browser` skips the script there
        import subprocess

        subprocess.run(["bash", str(REPO / "scripts" / "install_browser.sh"), "--axe"], cwd=REPO, check=False,
                       timeout=300, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    if not AXE.is_file():
        pytest.fail(f"{AXE.relative_to(REPO)} is missing: run `bash scripts/install_browser.sh --axe`")
    return AXE


def axe(driver, context: str = "document") -> list[dict]:
    """axe-core's violations on the current page."""
    if not driver.execute_script("return !!window.axe"):
        driver.execute_script(_vendored_axe().read_text(encoding="utf-8"))
    assert str(driver.execute_script("return window.axe.version")).startswith("4.")
    return driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "const context = arguments[0] === 'document' ? document : arguments[0];"
        "axe.run(context, {resultTypes: ['violations']}).then(r => done(r.violations.map(v => ({"
        "  id: v.id, impact: v.impact, help: v.help,"
        "  nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' :: ' + n.failureSummary)}))))"
        ".catch(e => done([{id: 'axe-error', help: String(e), nodes: []}]));", context)


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


# -- the widget ----------------------------------------------------------------------------------
def test_question_gets_the_right_card(driver, site):
    open_widget(driver, site.url + "/")
    log = driver.find_element(By.CSS_SELECTOR, "#isac-root [role=log]")
    assert log.get_attribute("aria-live") == "polite"
    assert driver.find_element(By.CSS_SELECTOR, "label[for=isac-input]").text == "Escriviu la vostra pregunta"
    reply = ask(driver, "com m'empadrono?")
    assert card_title(reply) == "Alta al padró municipal d'habitants"
    card = reply.find_element(By.CSS_SELECTOR, ".isac-card")
    assert card.get_attribute("lang") == "ca" and reply.get_attribute("lang") == "ca"
    assert card.find_element(By.CSS_SELECTOR, ".isac-cat").text.lower() == "padró"
    links = hrefs(card)
    assert links["Alta al padró municipal d'habitants"] == "https://aoberta.terrassa.cat/tramits/fitxa.jsp?id=141"
    assert {"Fitxa del tràmit", "Cita prèvia OAC"} <= set(links)
    # after a reply, focus is back in the input
    assert driver.switch_to.active_element.get_attribute("id") == "isac-input"


def test_follow_up_applies_to_the_same_procedure(driver, site):
    open_widget(driver, site.url + "/")
    ask(driver, "com m'empadrono?")
    reply = ask(driver, "i quant costa?")
    assert card_title(reply) == "Alta al padró municipal d'habitants"
    assert "És gratuït." in reply.text and "Cost" in reply.find_element(By.CSS_SELECTOR, ".isac-section").text
    # a suggested follow-up button works from the keyboard too
    chip = next(b for b in reply.find_elements(By.CSS_SELECTOR, ".isac-chip") if b.text == "Quina documentació cal?")
    before = len(bot_messages(driver))
    chip.send_keys(Keys.ENTER)
    wait(driver, lambda d: len(bot_messages(d)) > before)
    assert "Documentació" in bot_messages(driver)[-1].find_element(By.CSS_SELECTOR, ".isac-section").text


def test_follow_up_without_a_procedure_asks_which_one(driver, site):
    open_widget(driver, site.url + "/")
    reply = ask(driver, "i quant costa?")
    assert "De quin tràmit?" in reply.text
    assert not reply.find_elements(By.CSS_SELECTOR, ".isac-card, .isac-links a")  # never routed, never guessed


def test_spanish_conversation_has_spanish_chrome(driver, site):
    # the page is Catalan; the citizen writes in Spanish and the whole widget follows
    box = open_widget(driver, site.url + "/")
    assert box.get_attribute("placeholder") == "Ex.: com m'empadrono?"
    reply = ask(driver, "¿Cómo me empadrono en Terrassa?")
    assert reply.get_attribute("lang") == "es"
    card = reply.find_element(By.CSS_SELECTOR, ".isac-card")
    assert card.get_attribute("lang") == "es"
    assert card_title(reply) == "Alta en el padrón municipal de habitantes"
    assert "Ficha del trámite" in hrefs(card)
    assert reply.find_elements(By.CSS_SELECTOR, "[role=group][aria-label='¿Le ha sido útil?']")
    assert "¿Y cuánto cuesta?" in [b.text for b in reply.find_elements(By.CSS_SELECTOR, ".isac-chip")]
    user = driver.find_elements(By.CSS_SELECTOR, "#isac-root .isac-user")[-1]
    assert user.get_attribute("lang") == "es"
    chrome = driver.execute_script("""
        const q = s => document.querySelector(s);
        return {label: q('label[for=isac-input]').textContent, placeholder: q('#isac-input').placeholder,
                send: q('.isac-send').textContent, title: q('#isac-title').textContent,
                close: q('.isac-close').getAttribute('aria-label'), log: q('[role=log]').getAttribute('aria-label'),
                launcher: q('.isac-launcher').textContent, lang: q('#isac-root').lang,
                listbox: q('#isac-suggestions').getAttribute('aria-label')};""")
    assert chrome == {"label": "Escriba su pregunta", "placeholder": "Ej.: ¿cómo me empadrono?", "send": "Enviar",
                      "title": "isac · Atención ciudadana", "close": "Cerrar el chat", "log": "Conversación con isac",
                      "launcher": "Pregunte a isac", "lang": "es", "listbox": "Sugerencias"}
    # suggestions are asked for in the conversation's language
    box = driver.find_element(By.ID, "isac-input")
    box.send_keys("empadr")
    wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#isac-suggestions [role=option]"))
    options = driver.find_elements(By.CSS_SELECTOR, "#isac-suggestions [role=option]")
    assert options[0].get_attribute("lang") == "es"
    box.send_keys(Keys.ARROW_DOWN)
    assert box.get_attribute("aria-activedescendant") == "isac-opt-0"
    box.send_keys(Keys.ESCAPE)  # closes the list, not the panel
    assert box.get_attribute("aria-expanded") == "false"
    assert driver.find_element(By.ID, "isac-panel").is_displayed()


def test_the_widget_starts_in_the_host_pages_language(driver, site):
    open_widget(driver, site.url + "/embed")
    assert driver.find_element(By.CSS_SELECTOR, ".isac-launcher").get_attribute("textContent") == "Pregunte a isac"
    hello = bot_messages(driver)[0]
    assert hello.get_attribute("lang") == "es" and "¡Hola! Soy isac" in hello.text
    reply = ask(driver, "¿Cómo me empadrono en Terrassa?")
    assert reply.find_elements(By.CSS_SELECTOR, "[role=group][aria-label='¿Le ha sido útil?']")


def test_out_of_scope_gets_its_outside_link_only(driver, site):
    open_widget(driver, site.url + "/")
    reply = ask(driver, "quin temps farà demà?")
    links = hrefs(reply)
    assert links == {"Servei Meteorològic de Catalunya": "https://www.meteo.cat/"}
    assert "On us heu d'adreçar" in reply.text
    # the demo page's search box: the same pointer, no municipal channel, no related procedures
    driver.get(site.url + "/")
    search(driver, "quin temps farà demà?")
    answer = driver.find_element(By.ID, "answer")
    assert hrefs(answer) == {"Servei Meteorològic de Catalunya": "https://www.meteo.cat/"}
    assert not driver.find_elements(By.CSS_SELECTOR, "#ranked li")


def test_clarification_buttons(driver, unsure_site):
    open_widget(driver, unsure_site.url + "/")
    reply = ask(driver, "quant costa el padró?")
    buttons = {b.text: b for b in reply.find_elements(By.CSS_SELECTOR, ".isac-group button")}
    assert {"Alta al padró municipal d'habitants", "Volant d'empadronament"} <= set(buttons)
    # focus goes to the first option
    first = reply.find_element(By.CSS_SELECTOR, ".isac-group button")
    assert driver.switch_to.active_element == first
    before = len(bot_messages(driver))
    buttons["Volant d'empadronament"].click()
    wait(driver, lambda d: len(bot_messages(d)) > before)
    answer = bot_messages(driver)[-1]
    assert card_title(answer) == "Volant d'empadronament"
    assert "És gratuït." in answer.text  # the cost, as first asked
    assert not buttons["Alta al padró municipal d'habitants"].is_enabled()


def test_uncertain_offers_procedures_and_keeps_the_channels(driver, maybe_site):
    open_widget(driver, maybe_site.url + "/")
    reply = ask(driver, "padró")
    assert "Potser busqueu…" in reply.text
    options = reply.find_elements(By.CSS_SELECTOR, ".isac-group[aria-label='Trieu una opció'] button")
    assert 2 <= len(options) <= 3
    assert driver.switch_to.active_element == options[0]
    links = reply.find_elements(By.CSS_SELECTOR, ".isac-links a")
    assert {a.get_attribute("href") for a in links} == {"https://seuelectronica.terrassa.cat/",
                                                        "https://citaprevia.terrassa.cat/", "tel:010"}
    # the channels come below the options
    assert links[0].location["y"] > options[-1].location["y"]
    # the search box: the same choice as buttons, the first one focused, the channels below
    driver.get(maybe_site.url + "/")
    search(driver, "padró")
    buttons = driver.find_elements(By.CSS_SELECTOR, "#answer .options button")
    assert 2 <= len(buttons) <= 3
    assert driver.switch_to.active_element == buttons[0]
    assert "Potser busqueu…" in driver.find_element(By.ID, "answer").text
    fallback = driver.find_elements(By.CSS_SELECTOR, "#answer .fallback a")
    assert {a.get_attribute("href") for a in fallback} >= {"https://seuelectronica.terrassa.cat/", "tel:010"}
    title = buttons[1].text
    buttons[1].send_keys(Keys.ENTER)
    wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#answer .card h3"))
    assert driver.find_element(By.CSS_SELECTOR, "#answer .card h3").text == title


def test_feedback_is_sent(driver, site):
    open_widget(driver, site.url + "/")
    reply = ask(driver, "com m'empadrono?")
    group = reply.find_element(By.CSS_SELECTOR, "[role=group][aria-label='Us ha estat útil?']")
    group.find_element(By.XPATH, ".//button[text()='Sí']").click()
    wait(driver, lambda d: "Gràcies per la vostra opinió." in group.text)
    store = site.app.state.store
    wait(driver, lambda d: any(row[3] == "padro-alta" for row in store.rows("feedback")), timeout=10)
    row = [r for r in store.rows("feedback") if r[3] == "padro-alta"][-1]  # (id, at, useful, entry_id, question, comment)
    assert row[2] == 1 and row[4] == "com m'empadrono?"


def test_the_conversation_survives_a_reload(driver, site):
    open_widget(driver, site.url + "/")
    ask(driver, "com m'empadrono?")
    before = [m.text for m in driver.find_elements(By.CSS_SELECTOR, "#isac-root .isac-msg")]
    sid = driver.execute_script("return window.sessionStorage.getItem('isac.session')")
    driver.refresh()
    open_widget(driver)
    after = [m.text for m in driver.find_elements(By.CSS_SELECTOR, "#isac-root .isac-msg")]
    assert after == before
    # the server still has the conversation: a follow-up is answered from the same procedure
    reply = ask(driver, "i quant costa?")
    assert card_title(reply) == "Alta al padró municipal d'habitants" and "És gratuït." in reply.text
    assert driver.execute_script("return window.sessionStorage.getItem('isac.session')") == sid
    assert len(stored(driver)["items"]) == 4


def test_the_transcript_expires_with_the_session(driver, site):
    open_widget(driver, site.url + "/")
    ask(driver, "com m'empadrono?")
    # the server forgets the conversation (an idle session, a restart): its id is no longer known
    driver.execute_script(
        "const c = JSON.parse(sessionStorage.getItem('isac.chat')); c.sid = 'forgotten-session-1';"
        "sessionStorage.setItem('isac.chat', JSON.stringify(c)); sessionStorage.setItem('isac.session', c.sid);")
    driver.refresh()
    open_widget(driver)
    assert len(driver.find_elements(By.CSS_SELECTOR, "#isac-root .isac-user")) == 1  # still shown until the server says
    reply = ask(driver, "on és la deixalleria?")
    notes = driver.find_elements(By.CSS_SELECTOR, "#isac-root .isac-note")
    assert [n.text for n in notes] == ["La conversa anterior ha caducat. Comencem de nou."]
    users = [u.text for u in driver.find_elements(By.CSS_SELECTOR, "#isac-root .isac-user p")]
    assert users == ["on és la deixalleria?"]  # the old transcript is gone
    assert card_title(reply) == "Deixalleria municipal"
    kept = stored(driver)
    assert [i["t"] for i in kept["items"]] == ["note", "user", "bot"]
    assert kept["sid"] == driver.execute_script("return window.sessionStorage.getItem('isac.session')")
    # a transcript older than the server's session lifetime is dropped on load, and said so
    driver.execute_script("const c = JSON.parse(sessionStorage.getItem('isac.chat')); c.at = 1;"
                          "sessionStorage.setItem('isac.chat', JSON.stringify(c));")
    driver.refresh()
    open_widget(driver)
    assert not driver.find_elements(By.CSS_SELECTOR, "#isac-root .isac-user")
    assert [n.text for n in driver.find_elements(By.CSS_SELECTOR, "#isac-root .isac-note")] == \
        ["La conversa anterior ha caducat. Comencem de nou."]
    assert driver.execute_script("return window.sessionStorage.getItem('isac.session')") is None


def test_waiting_state_is_visible_and_respects_reduced_motion(driver, site):
    open_widget(driver, site.url + "/")
    # slow the API down so the waiting state can be seen
    driver.execute_script("const f = window.fetch; window.fetch = (...a) => new Promise(r => setTimeout(r, 1500)).then(() => f(...a));")
    driver.find_element(By.ID, "isac-input").send_keys("com m'empadrono?", Keys.ENTER)
    dots = wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#isac-root .isac-waiting .isac-dot"), timeout=2)
    assert dots[0].is_displayed()
    assert dots[0].value_of_css_property("animation-name") == "isac-blink"
    assert "L'isac està escrivint…" in driver.find_element(By.CSS_SELECTOR, ".isac-waiting").get_attribute("textContent")
    wait(driver, lambda d: not d.find_elements(By.CSS_SELECTOR, ".isac-waiting"))
    driver.find_element(By.CSS_SELECTOR, ".isac-close").click()
    box = driver.find_element(By.ID, "q")
    box.send_keys("com m'empadrono?", Keys.ENTER)
    spinner = wait(driver, lambda d: [s for s in d.find_elements(By.ID, "q-spinner") if s.is_displayed()], timeout=2)[0]
    assert spinner.value_of_css_property("animation-name") == "spin"
    wait(driver, lambda d: not d.find_element(By.ID, "q-spinner").is_displayed())
    # prefers-reduced-motion: still visible, but nothing moves
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia",
                           {"features": [{"name": "prefers-reduced-motion", "value": "reduce"}]})
    open_widget(driver, site.url + "/")
    driver.execute_script("const f = window.fetch; window.fetch = (...a) => new Promise(r => setTimeout(r, 1500)).then(() => f(...a));")
    driver.find_element(By.ID, "isac-input").send_keys("com m'empadrono?", Keys.ENTER)
    dots = wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#isac-root .isac-waiting .isac-dot"), timeout=2)
    assert dots[0].is_displayed() and dots[0].value_of_css_property("animation-name") == "none"
    driver.find_element(By.CSS_SELECTOR, ".isac-close").click()
    driver.find_element(By.ID, "q").send_keys("com m'empadrono?", Keys.ENTER)
    spinner = wait(driver, lambda d: [s for s in d.find_elements(By.ID, "q-spinner") if s.is_displayed()], timeout=2)[0]
    assert spinner.value_of_css_property("animation-name") == "none"


# -- layout ----------------------------------------------------------------------------------------
OVERLAPPED = """
const launcher = document.querySelector('.isac-launcher');
const L = launcher.getBoundingClientRect();
const hits = [];
for (const n of document.querySelectorAll('a, button, input, label, h1, h2, li, strong, p')) {
  if (n.closest('#isac-root') || n.classList.contains('skip-link') || n.contains(launcher)) continue;
  const r = n.getBoundingClientRect();
  if (!r.width || !r.height || r.bottom <= 0 || r.top >= innerHeight) continue;
  if (r.left < L.right && r.right > L.left && r.top < L.bottom && r.bottom > L.top) hits.push(n.textContent.trim().slice(0, 60));
}
return hits;"""


def test_phone_layout(driver, site):
    fresh(driver, site.url + "/")
    # the launcher covers nothing of the page at the top (the "Seu Electrònica" item included) nor at the end
    assert not overlap(rect(driver, ".isac-launcher"), rect(driver, ".nav a[href^='https://seuelectronica']"))
    launcher = driver.find_element(By.CSS_SELECTOR, ".isac-launcher")
    assert launcher.is_displayed() and launcher.value_of_css_property("position") == "static"
    search(driver, "com m'empadrono?")  # a longer page, to scroll through
    height = driver.execute_script("return document.documentElement.scrollHeight")
    for y in range(0, height, 200):
        driver.execute_script("window.scrollTo(0, arguments[0])", y)
        assert driver.execute_script(OVERLAPPED) == [], y
    # the page's language links and the launcher share the header without overlapping
    assert not overlap(rect(driver, ".isac-launcher"), rect(driver, ".langs"))
    assert driver.execute_script("return document.documentElement.scrollWidth") <= 375
    # open, the panel is the whole screen: no border bleeding out, the launcher out of the way
    open_widget(driver)
    ask(driver, "com m'empadrono?")
    panel = rect(driver, "#isac-panel")
    assert (panel["left"], panel["top"], panel["width"], panel["height"]) == (0, 0, 375, 812)
    assert not driver.find_element(By.CSS_SELECTOR, ".isac-launcher").is_displayed()
    widest = driver.execute_script(
        "return Math.max(...[...document.querySelectorAll('#isac-panel *')].map(n => n.getBoundingClientRect().right))")
    assert widest <= 375
    assert driver.execute_script("return document.documentElement.scrollWidth") <= 375
    driver.find_element(By.CSS_SELECTOR, ".isac-close").click()
    assert driver.switch_to.active_element == driver.find_element(By.CSS_SELECTOR, ".isac-launcher")
    # another site without a place for it: the launcher floats, and still opens a full-screen panel
    open_widget(driver, site.url + "/embed")
    assert driver.find_element(By.CSS_SELECTOR, ".isac-launcher").value_of_css_property("position") == "fixed"
    panel = rect(driver, "#isac-panel")
    assert (panel["left"], panel["top"], panel["width"], panel["height"]) == (0, 0, 375, 812)


def test_desktop_panel_leaves_the_search_form_clear(driver, site):
    viewport(driver, DESKTOP)
    fresh(driver, site.url + "/")
    search(driver, "com m'empadrono?")
    open_widget(driver)
    ask(driver, "com m'empadrono?")
    panel = rect(driver, "#isac-panel")
    assert panel["width"] == 380 and panel["right"] <= 1366
    for selector in ("#search-form", "#q", "#answer", "#ranked", "h1"):
        assert not overlap(panel, rect(driver, selector)), selector
    assert not overlap(rect(driver, ".isac-launcher"), rect(driver, "#search-form"))


def test_favicon(driver, site):
    driver.get(site.url + "/")
    href = driver.execute_script("return document.querySelector('link[rel=icon]').href")
    assert href == site.url + "/favicon.ico"
    ok = driver.execute_async_script(
        "const done = arguments[0]; fetch('/favicon.ico').then(r => done([r.status, r.headers.get('content-type')]))")
    assert ok == [200, "image/svg+xml"]


# -- the demo page -----------------------------------------------------------------------------------
def test_search_box_keyboard_and_results(driver, site):
    driver.get(site.url + "/")
    box = driver.find_element(By.ID, "q")
    assert box.get_attribute("role") == "combobox"
    box.send_keys("empadr")
    wait(driver, lambda d: box.get_attribute("aria-expanded") == "true")
    box.send_keys(Keys.ARROW_DOWN, Keys.ARROW_DOWN)
    assert box.get_attribute("aria-activedescendant") == "q-opt-1"
    box.send_keys(Keys.ESCAPE)
    assert box.get_attribute("aria-expanded") == "false"
    search(driver, "com m'empadrono?")
    assert driver.find_element(By.CSS_SELECTOR, "#answer .card h3").text == "Alta al padró municipal d'habitants"
    ranked = driver.find_elements(By.CSS_SELECTOR, "#ranked li a")
    assert ranked and ranked[0].text == "Alta al padró municipal d'habitants"
    assert "Resposta" in driver.find_element(By.ID, "search-status").get_attribute("textContent")
    # the related list reads like a person wrote it: category name, the summary's first sentence
    metas = [m.text for m in driver.find_elements(By.CSS_SELECTOR, "#ranked .meta")]
    assert metas[0].startswith("Padró · ") and metas[0].endswith(".")
    for li in driver.find_elements(By.CSS_SELECTOR, "#ranked li"):
        title, meta = li.find_element(By.CSS_SELECTOR, ".title").text, li.find_element(By.CSS_SELECTOR, ".meta").text
        assert title not in meta and "-" not in meta.split(" · ")[0]  # no slug, no title repeated


def test_search_in_spanish_speaks_spanish(driver, site):
    driver.get(site.url + "/")
    search(driver, "¿cuánto cuesta el vado?")
    assert driver.find_element(By.CSS_SELECTOR, "#answer h2").text == "Respuesta"
    assert driver.find_element(By.CSS_SELECTOR, "#ranked h2").text == "Trámites relacionados"
    assert driver.find_element(By.CSS_SELECTOR, "#answer .card").get_attribute("lang") == "es"
    assert driver.find_element(By.CSS_SELECTOR, "#answer .card h3").text == "Licencia de vado"
    assert driver.find_element(By.ID, "results").get_attribute("lang") == "es"
    # the search box follows: label, button, placeholder
    assert driver.find_element(By.CSS_SELECTOR, "label[for=q]").text == "Busque un trámite o haga una pregunta"
    assert driver.find_element(By.CSS_SELECTOR, "#search-form button").text == "Buscar"
    assert driver.find_element(By.ID, "search-form").get_attribute("lang") == "es"
    assert "Movilidad" in driver.find_element(By.CSS_SELECTOR, "#ranked .meta").text


def test_page_in_spanish(driver, site):
    fresh(driver, site.url + "/?lang=es")
    assert driver.execute_script("return document.documentElement.lang") == "es"
    assert driver.find_element(By.TAG_NAME, "h1").text == "Trámites y gestiones"
    assert driver.find_element(By.ID, "q").get_attribute("placeholder") == "Ej.: ¿cuánto cuesta el vado?"
    assert driver.find_element(By.CSS_SELECTOR, ".isac-launcher").get_attribute("textContent") == "Pregunte a isac"
    current = driver.find_element(By.CSS_SELECTOR, ".langs a[aria-current]")
    assert current.get_attribute("lang") == "es"
    # suggestions are asked for in the page's language
    driver.find_element(By.ID, "q").send_keys("empadr")
    wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#q-suggestions [role=option]"))
    assert driver.find_elements(By.CSS_SELECTOR, "#q-suggestions [role=option]")[0].get_attribute("lang") == "es"
    # and in English
    fresh(driver, site.url + "/?lang=en")
    assert driver.find_element(By.TAG_NAME, "h1").text == "Procedures"
    assert driver.find_element(By.CSS_SELECTOR, ".isac-launcher").get_attribute("textContent") == "Ask isac"
    open_widget(driver)
    assert driver.find_element(By.CSS_SELECTOR, "label[for=isac-input]").text == "Type your question"


def test_injected_html_never_runs(driver, site, hostile_site):
    # a question with HTML, on a page without any CSP to hide behind
    open_widget(driver, site.url + "/embed")
    ask(driver, HOSTILE)
    user = driver.find_elements(By.CSS_SELECTOR, "#isac-root .isac-user")[-1]
    assert HOSTILE in user.text
    # an entry with HTML in its title, summary and sections
    open_widget(driver, hostile_site.url + "/embed")
    reply = ask(driver, "on és la deixalleria?")
    assert HOSTILE in card_title(reply)
    time.sleep(0.5)  # an onerror would have fired by now
    assert pwned(driver) is None
    assert driver.execute_script("return document.querySelectorAll('#isac-root img, #isac-root script').length") == 0
    links = driver.execute_script("return [...document.querySelectorAll('#isac-root a')].map(a => a.href)")
    assert not any(h.startswith("javascript:") for h in links)
    # the stored transcript is rendered as text too
    driver.refresh()
    open_widget(driver)
    assert HOSTILE in card_title(bot_messages(driver)[-1])
    time.sleep(0.3)
    assert pwned(driver) is None
    # the search box on the demo page: suggestions and results
    driver.get(hostile_site.url + "/")
    box = driver.find_element(By.ID, "q")
    box.send_keys("deixall")
    wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#q-suggestions [role=option]"))
    assert any("<img" in o.text for o in driver.find_elements(By.CSS_SELECTOR, "#q-suggestions [role=option]"))
    box.send_keys(Keys.ARROW_DOWN)
    assert box.get_attribute("aria-activedescendant") == "q-opt-0"
    box.send_keys(Keys.ENTER)
    wait(driver, lambda d: d.find_element(By.ID, "results").is_displayed()
         and d.find_elements(By.CSS_SELECTOR, "#answer .card, #answer .notice"))
    time.sleep(0.5)
    assert pwned(driver) is None
    assert driver.execute_script("return document.querySelectorAll('main img, main script').length") == 0


# -- accessibility ---------------------------------------------------------------------------------
def _no_violations(driver, what: str, context: str = "document") -> None:
    violations = axe(driver, context)
    assert violations == [], f"{what}: " + json.dumps(violations, ensure_ascii=False, indent=1)


def test_axe_finds_no_violations(driver, site, maybe_site):
    # the page with an answer and the related procedures, the widget closed
    fresh(driver, site.url + "/")
    search(driver, "com m'empadrono?")
    _no_violations(driver, "demo page, answer")
    # suggestions open
    driver.find_element(By.ID, "q").send_keys(Keys.CONTROL, "a")
    driver.find_element(By.ID, "q").send_keys("empadr")
    wait(driver, lambda d: d.find_element(By.ID, "q").get_attribute("aria-expanded") == "true")
    _no_violations(driver, "demo page, suggestions")
    # the widget with a conversation: an answer, a follow-up, an out-of-scope pointer, a Spanish turn
    open_widget(driver)
    ask(driver, "com m'empadrono?")
    ask(driver, "i quant costa?")
    ask(driver, "quin temps farà demà?")
    ask(driver, "¿Cómo me empadrono en Terrassa?")
    _no_violations(driver, "widget, conversation (phone)")
    viewport(driver, DESKTOP)
    _no_violations(driver, "widget, conversation (desktop)")
    # "Potser busqueu…" in both places, in Spanish on a Spanish page
    viewport(driver, PHONE)
    fresh(driver, maybe_site.url + "/?lang=es")
    search(driver, "padrón")
    _no_violations(driver, "demo page in Spanish, clarification")
    open_widget(driver)
    ask(driver, "padrón")
    _no_violations(driver, "widget, clarification")
    # another site's page: only the widget is ours to check
    open_widget(driver, site.url + "/embed")
    ask(driver, "¿Cómo me empadrono en Terrassa?")
    _no_violations(driver, "widget on another site", "#isac-root")


# -- screenshots for docs/widget.md ----------------------------------------------------------------
def test_screenshots(driver, site, tmp_path):
    """Desktop and phone, Catalan and Spanish; ISAC_SCREENSHOTS=docs/img keeps them for the docs."""
    out = Path(os.environ.get("ISAC_SCREENSHOTS") or tmp_path)
    out.mkdir(parents=True, exist_ok=True)
    questions = {"ca": ("quant costa el gual?", "com m'empadrono?"),
                 "es": ("¿cuánto cuesta el vado?", "¿Cómo me empadrono en Terrassa?")}
    for lang, (page_question, chat_question) in questions.items():
        for name, size in (("desktop", DESKTOP), ("phone", PHONE)):
            viewport(driver, size)
            fresh(driver, f"{site.url}/?lang={lang}")
            if name == "desktop":
                search(driver, page_question)
                driver.execute_script("window.scrollTo(0, 0)")
            open_widget(driver)
            ask(driver, chat_question)
            driver.execute_script("document.activeElement.blur()")
            time.sleep(0.2)
            data = driver.get_screenshot_as_png()
            assert png_size(data) == size[:2], (name, lang)
            (out / f"widget-{name}-{lang}.png").write_bytes(data)
