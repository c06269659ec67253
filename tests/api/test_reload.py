"""Live index updates: a server follows `isac build` without a restart or a failed request."""

from __future__ import annotations

import yaml
from fastapi.testclient import TestClient

from isac.encoders import HashEncoder
from isac.indexing import build_index
from isac.knowledge import load_knowledge

AUTH = {"Authorization": "Bearer t0ken"}


def _app(index_dir, tmp_path):
    from isac.api.app import create_app
    from isac.settings import Settings

    settings = Settings(index_dir=index_dir, data_dir=tmp_path / "data", encoder="hash", rate_limit="",
                        admin_token="t0ken", reload_interval_s=3600)
    return create_app(settings)


def test_reload_switches_to_a_new_build_and_refuses_a_corrupt_one(kb_copy, tmp_path):
    index_dir = tmp_path / "index"
    build_index(load_knowledge(kb_copy), HashEncoder(), index_dir)
    with TestClient(_app(index_dir, tmp_path)) as client:
        before = client.get("/health/ready").json()["index_version"]
        assert client.post("/admin/reload", headers=AUTH).json()["outcome"] == "unchanged"

        path = kb_copy / "mobilitat" / "gual.yaml"
        data = yaml.safe_load(path.read_text())
        data["title"]["ca"] = "Llicència de gual permanent"
        path.write_text(yaml.safe_dump(data, allow_unicode=True))
        build_index(load_knowledge(kb_copy), HashEncoder(), index_dir)
        r = client.post("/admin/reload", headers=AUTH)
        assert r.status_code == 200 and r.json()["outcome"] == "reloaded"
        after = client.get("/health/ready").json()["index_version"]
        assert after != before
        assert client.get("/api/entries/gual").json()["ca"]["title"] == "Llicència de gual permanent"

        # overwritten bytes inside a file: the checksum refuses it and the old index serves on
        vectors = index_dir / "vectors.npy"
        raw = bytearray(vectors.read_bytes())
        raw[-8:] = b"\x00" * 8
        vectors.write_bytes(bytes(raw))
        manifest = yaml.safe_load((index_dir / "manifest.json").read_text())
        manifest["built_at"] = "2099-01-01T00:00:00+0000"  # looks like a new build
        (index_dir / "manifest.json").write_text(__import__("json").dumps(manifest))
        r = client.post("/admin/reload", headers=AUTH)
        assert r.status_code == 409 and "keeps serving" in r.json()["outcome"]
        assert client.get("/health/ready").json()["index_version"] == after
        assert client.post("/api/ask", json={"question": "vull un gual"}).status_code == 200
        assert "isac_index_reloads_total" in client.get("/metrics").text


def test_a_second_build_is_refused_while_one_runs(kb_copy, tmp_path):
    import pytest

    from isac.indexing import BuildLocked, build_lock

    index_dir = tmp_path / "index"
    with build_lock(index_dir), pytest.raises(BuildLocked, match="another `isac build`"):
        build_index(load_knowledge(kb_copy), HashEncoder(), index_dir)
    assert not index_dir.exists()
