"""The content team's pages fit a phone: the /admin dashboard and the `isac eval --html` report.

Each page is rendered from the fixture engine, written to a file (neither has a script or
an external asset) and opened in headless Chromium emulating a 375 px wide phone, with
every collapsed section opened: nothing may be wider than the screen.
"""

from __future__ import annotations

import types
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")

pytestmark = pytest.mark.browser
if not CHROMIUM.exists():
    pytest.skip("Chromium is not installed at /usr/bin/chromium (run scripts/install_browser.sh)",
                allow_module_level=True)

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402

PHONE = 375


@pytest.fixture(scope="module")
def driver(tmp_path_factory):
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--hide-scrollbars", f"--user-data-dir={tmp_path_factory.mktemp('chromium')}"):
        options.add_argument(flag)
    drv = webdriver.Chrome(options=options, service=Service(executable_path=str(CHROMEDRIVER)))
    drv.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                        {"width": PHONE, "height": 812, "deviceScaleFactor": 2, "mobile": True})
    yield drv
    drv.quit()


def overflow(driver, page: Path) -> tuple[int, list[str]]:
    """The page's scroll width with every <details> open, and the elements sticking out (outside scrollers)."""
    driver.get(page.as_uri())
    driver.execute_script("document.querySelectorAll('details').forEach(d => d.open = true)")
    width = driver.execute_script("return document.documentElement.scrollWidth")
    wide = driver.execute_script(
        "const w = document.documentElement.clientWidth;"
        "return [...document.querySelectorAll('body *')]"
        ".filter(e => e.getBoundingClientRect().right > w + 1 && !e.closest('.wide'))"
        ".slice(0, 5).map(e => e.tagName + '.' + e.className)")
    return width, wide


def test_dashboard_and_login_fit_a_phone(driver, engine, settings_for, tmp_path, monkeypatch):
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    import isac.store
    from isac.analyzer.routes import router
    from isac.store import SQLiteStore
    from tests.test_analyzer import NOW, _write

    clock = [NOW]
    with monkeypatch.context() as m:
        m.setattr(isac.store, "time", types.SimpleNamespace(time=lambda: clock[0]))
        _write(tmp_path, clock)
    app = FastAPI()
    app.state.settings = settings_for(admin_token="t0ken", data_dir=tmp_path / "data")
    app.state.store, app.state.engine = SQLiteStore(tmp_path / "data" / "isac.sqlite3"), engine
    app.include_router(router)
    client = TestClient(app)
    pages = {"dashboard": client.get("/admin", headers={"Authorization": "Bearer t0ken"}).text,
             "login": client.get("/admin").text}
    for name, html in pages.items():
        page = tmp_path / f"{name}.html"
        page.write_text(html, encoding="utf-8")
        width, wide = overflow(driver, page)
        assert width <= PHONE and not wide, (name, width, wide)


def test_eval_report_fits_a_phone(driver, engine, tmp_path):
    import json

    from isac.evaluation import EvalOptions, run_eval
    from tests.test_report import ROWS

    questions = tmp_path / "q.jsonl"
    questions.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in ROWS))
    page = tmp_path / "report.html"
    assert run_eval(engine, EvalOptions(file=questions, html=page, json=True)) == 0
    width, wide = overflow(driver, page)
    assert width <= PHONE and not wide, (width, wide)
