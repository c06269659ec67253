"""`make bench`: latency, throughput, memory, start-up and build times, in one run.

Prints a table and, as its last line, one JSON object with the keys docs/performance.md
explains. In process: the encoder alone, a whole search, and everything but the encoder.
Over HTTP: it starts `isac serve` itself on a free loopback port over a copy of the index
and drives it with a bounded load (httpx threads). Builds run on temporary copies; the
real index/ is never touched. Figures are read, never asserted in tests.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent


def pct(values, q: float) -> float:
    return round(float(np.percentile(np.array(values), q)), 2) if values else 0.0


def in_process(questions: list[str]) -> dict:
    from isac.engine import load_engine
    from isac.settings import Settings

    engine = load_engine(Settings())
    for q in questions[:30]:
        engine.search(q)  # lemma tables, tokenizer and encoder warm
    encode, search, overhead = [], [], []
    for q in questions:
        t0 = time.perf_counter()
        engine.encoder.encode_queries([q])
        encode.append((time.perf_counter() - t0) * 1e3)
        t0 = time.perf_counter()
        r = engine.search(q)
        engine.answer(q, result=r)
        total = (time.perf_counter() - t0) * 1e3
        search.append(total)
        overhead.append(total - r.timings_ms.get("encode", 0.0))
    # a 500-character story costs at most a few short queries: the encoder sees a bounded text
    stories = [(q + " ") * (500 // (len(q) + 1)) for q in questions[:60]]
    long = []
    for q in stories:
        t0 = time.perf_counter()
        engine.answer(q[:500])
        long.append((time.perf_counter() - t0) * 1e3)
    return {"encode_p50_ms": pct(encode, 50), "search_p50_ms": pct(search, 50), "overhead_p50_ms": pct(overhead, 50),
            "long_query_p50_ms": pct(long, 50)}


def load(base: str, questions: list[str], clients: int, seconds: float, path: str = "/api/ask",
         repeat: bool = False) -> dict:
    import httpx

    lat: list[float] = []
    errors = [0]
    stop = time.monotonic() + seconds
    lock = threading.Lock()

    def worker(i: int) -> None:
        with httpx.Client(base_url=base, timeout=30) as c:
            n = i
            while time.monotonic() < stop:
                q = questions[0] if repeat else questions[n % len(questions)]
                n += clients
                t0 = time.perf_counter()
                if path.startswith("/health"):
                    r = c.get(path)
                elif path == "/api/suggest":
                    r = c.get(path, params={"q": q[:40]})
                else:
                    r = c.post(path, json={"question": q})
                ms = (time.perf_counter() - t0) * 1e3
                with lock:
                    lat.append(ms)
                    errors[0] += r.status_code != 200

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    return {"rps": round(len(lat) / wall, 1), "p50": pct(lat, 50), "p99": pct(lat, 99), "errors": errors[0]}


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def over_http(questions: list[str], work: Path) -> dict:
    import httpx

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "ISAC_INDEX_DIR": str(work / "index"), "ISAC_DATA_DIR": str(work / "data"),
           "ISAC_PORT": str(port), "ISAC_RATE_LIMIT": ""}
    server = subprocess.Popen([str(BIN / "isac"), "serve"], env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        while True:
            try:
                if httpx.get(f"{base}/health/ready", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        t0 = time.perf_counter()
        httpx.post(f"{base}/api/ask", json={"question": "on puc llençar un matalàs vell?"}, timeout=30)
        first = (time.perf_counter() - t0) * 1e3
        one = load(base, questions, 1, 8)
        many = load(base, questions, 20, 12)
        cached = load(base, questions, 20, 8, repeat=True)
        health = load(base, questions, 20, 8, path="/health/live")
        suggest = load(base, questions, 20, 8, path="/api/suggest")
        return {"http_p50_ms_1client": one["p50"], "http_rps_20clients": many["rps"],
                "http_p99_ms_20clients": many["p99"], "cached_rps_20clients": cached["rps"],
                "health_rps_20clients": health["rps"], "suggest_p99_ms_20clients": suggest["p99"],
                "rss_mb": rss_mb(server.pid), "first_query_ms": round(first, 1),
                "http_errors": one["errors"] + many["errors"] + cached["errors"] + health["errors"]}
    finally:
        server.terminate()
        server.wait(timeout=20)


def builds(work: Path) -> dict:
    knowledge = work / "knowledge"
    shutil.copytree(ROOT / "knowledge", knowledge)
    env = {**os.environ, "ISAC_KNOWLEDGE_DIR": str(knowledge)}
    fresh = work / "fresh-index"
    t0 = time.perf_counter()
    subprocess.run([str(BIN / "isac"), "--index-dir", str(fresh), "build"], env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    full = time.perf_counter() - t0
    entry = next(knowledge.rglob("padro-volant.yaml"))
    entry.write_text(entry.read_text().replace("updated: ", "# edited by make bench\nupdated: ", 1))
    text = entry.read_text()
    entry.write_text(text.replace("Volant d'empadronament", "Volant d'empadronament (còpia)", 1))
    t0 = time.perf_counter()
    subprocess.run([str(BIN / "isac"), "--index-dir", str(fresh), "build"], env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return {"full_build_s": round(full, 1), "one_entry_build_s": round(time.perf_counter() - t0, 1)}


def main() -> int:
    rows = [json.loads(x) for x in (ROOT / "eval" / "questions.jsonl").read_text().splitlines()]
    wild = [json.loads(x) for x in (ROOT / "eval" / "questions-wild.jsonl").read_text().splitlines()]
    questions = [r["question"] for r in rows + wild]
    work = Path(tempfile.mkdtemp(prefix="isac-bench-"))
    try:
        shutil.copytree(ROOT / "index", work / "index")
        out = in_process(questions[:600])
        out |= over_http(questions, work)
        out |= builds(work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    width = max(map(len, out))
    for key, value in out.items():
        print(f"{key:<{width}}  {value}")
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
