"""The widget and the demo page in headless Chromium (Debian's chromium + chromium-driver).

A uvicorn server runs in a thread on a free 127.0.0.1 port over the fixture engine. Install
the browser with scripts/install_browser.sh; without /usr/bin/chromium these tests skip.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
FIXTURE_KB = Path(__file__).resolve().parents[1] / "fixtures" / "knowledge"
HOSTILE = '<img src=x onerror="window.__pwned=1">'

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
<body><h1>Una web municipal cualquiera</h1><script src="/widget.js"></script></body></html>"""


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


def _app(engine, settings_for, reports: Path):
    from isac.api.app import create_app

    app = create_app(settings_for(), engine=engine)
    app.state.reports_dir = reports

    @app.get("/embed", include_in_schema=False)
    def embed():
        return HTMLResponse(EMBED_PAGE)

    return app


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("reports")


@pytest.fixture(scope="module")
def site(engine, settings_for, reports):
    with Server(_app(engine, settings_for, reports)) as server:
        yield server


@pytest.fixture(scope="module")
def unsure_site(engine, settings_for, reports):
    from isac.engine import Engine

    # asks for clarification whenever two entries compete, whatever the calibration says
    unsure = Engine(engine.index, engine.encoder,
                    dataclasses.replace(engine.config, clarify_margin=10.0, answer_threshold=0.0))
    with Server(_app(unsure, settings_for, reports)) as server:
        yield server


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory, encoder, settings_for, reports):
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
    data["sections"] = {k: f'{v} <a href="javascript:window.__pwned=3">aquí</a>' for k, v in data["sections"].items()}
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    directory = kb.parent / "index"
    build_index(load_knowledge(kb), encoder, directory)
    engine = Engine(load_index(directory, encoder.name), encoder)
    with Server(_app(engine, settings_for, reports)) as server:
        yield server


@pytest.fixture(scope="module")
def driver(tmp_path_factory):
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 f"--user-data-dir={tmp_path_factory.mktemp('chromium')}", "--window-size=375,812"):
        options.add_argument(flag)
    drv = webdriver.Chrome(options=options, service=Service(executable_path=str(CHROMEDRIVER)))
    # a phone-sized viewport: everything must work at 375 px
    drv.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                        {"width": 375, "height": 812, "deviceScaleFactor": 1, "mobile": True})
    yield drv
    drv.quit()


# -- helpers ---------------------------------------------------------------------------------
def wait(driver, condition, timeout: float = 20):
    return WebDriverWait(driver, timeout).until(lambda d: condition(d))


def open_widget(driver, url: str):
    driver.get(url)
    launcher = wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, ".isac-launcher"))[0]
    launcher.send_keys(Keys.ENTER)  # keyboard, not a click
    wait(driver, lambda d: d.switch_to.active_element.get_attribute("id") == "isac-input")
    return driver.find_element(By.ID, "isac-input")


def bot_messages(driver):
    return driver.find_elements(By.CSS_SELECTOR, "#isac-root .isac-bot")


def ask(driver, text: str):
    """Types a question and presses Enter; returns the bot's reply element."""
    before = len(bot_messages(driver))
    box = driver.switch_to.active_element
    assert box.get_attribute("id") == "isac-input", "focus must come back to the input"
    box.send_keys(text, Keys.ENTER)
    wait(driver, lambda d: len(bot_messages(d)) > before and d.find_element(By.CSS_SELECTOR, ".isac-send").is_enabled())
    return bot_messages(driver)[-1]


def card_title(reply) -> str:
    return reply.find_element(By.CSS_SELECTOR, ".isac-card h3").text


def pwned(driver):
    return driver.execute_script("return window.__pwned")


# -- the five checks ----------------------------------------------------------------------------
def test_question_gets_the_right_card(driver, site):
    open_widget(driver, site.url + "/")
    log = driver.find_element(By.CSS_SELECTOR, "#isac-root [role=log]")
    assert log.get_attribute("aria-live") == "polite"
    assert driver.find_element(By.CSS_SELECTOR, "label[for=isac-input]").text
    reply = ask(driver, "com m'empadrono?")
    assert card_title(reply) == "Alta al padró municipal d'habitants"
    links = {a.text: a.get_attribute("href") for a in reply.find_elements(By.CSS_SELECTOR, ".isac-card a")}
    assert links["Alta al padró municipal d'habitants"] == "https://aoberta.terrassa.cat/tramits/fitxa.jsp?id=141"
    assert {"Fitxa del tràmit", "Seu Electrònica (24 h)", "Cita prèvia OAC", "Telèfon 010"} <= set(links)
    # it fits a 375 px phone screen
    panel = driver.find_element(By.ID, "isac-panel").rect
    assert panel["x"] >= 0 and panel["x"] + panel["width"] <= 375


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


def test_clarification_buttons(driver, unsure_site):
    open_widget(driver, unsure_site.url + "/")
    reply = ask(driver, "quant costa el padró?")
    buttons = {b.text: b for b in reply.find_elements(By.CSS_SELECTOR, ".isac-group button")}
    assert {"Alta al padró municipal d'habitants", "Volant d'empadronament"} <= set(buttons)
    before = len(bot_messages(driver))
    buttons["Volant d'empadronament"].click()
    wait(driver, lambda d: len(bot_messages(d)) > before)
    answer = bot_messages(driver)[-1]
    assert card_title(answer) == "Volant d'empadronament"
    assert "És gratuït." in answer.text  # the cost, as first asked
    assert not buttons["Alta al padró municipal d'habitants"].is_enabled()


def test_feedback_is_sent(driver, site, reports):
    open_widget(driver, site.url + "/")
    reply = ask(driver, "com m'empadrono?")
    group = reply.find_element(By.CSS_SELECTOR, "[role=group][aria-label='Et va ser útil?']")
    group.find_element(By.XPATH, ".//button[text()='Sí']").click()
    wait(driver, lambda d: "Gràcies per la teva opinió." in group.text)
    path = reports / "feedback.jsonl"
    wait(driver, lambda d: path.exists() and "padro-alta" in path.read_text(encoding="utf-8"), timeout=10)
    record = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()][-1]
    assert record["useful"] is True and record["entry_id"] == "padro-alta"
    assert record["question"] == "com m'empadrono?" and record["session_id"]


def test_feedback_in_spanish_on_another_site(driver, site):
    open_widget(driver, site.url + "/embed")
    assert driver.find_element(By.CSS_SELECTOR, ".isac-launcher").text == "Pregunta a isac"
    reply = ask(driver, "¿Cómo me empadrono en Terrassa?")
    assert reply.find_elements(By.CSS_SELECTOR, "[role=group][aria-label='¿Te fue útil?']")


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
    hrefs = driver.execute_script("return [...document.querySelectorAll('#isac-root a')].map(a => a.href)")
    assert not any(h.startswith("javascript:") for h in hrefs)
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
    box.clear()
    box.send_keys("com m'empadrono?", Keys.ENTER)
    wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#answer .card h3"))
    assert driver.find_element(By.CSS_SELECTOR, "#answer .card h3").text == "Alta al padró municipal d'habitants"
    ranked = driver.find_elements(By.CSS_SELECTOR, "#ranked li a")
    assert ranked and ranked[0].text == "Alta al padró municipal d'habitants"
    assert "Resposta" in driver.find_element(By.ID, "search-status").get_attribute("textContent")
