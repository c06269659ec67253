"""`make loadtest`: a bounded load on loopback, with and without an index rebuild mid-load.

Starts `isac serve` on a free port over a copy of index/ (the real one is never touched),
drives it with a fixed number of clients for a fixed time with varied eval questions,
and prints req/s, p50/p99 and errors. In the second phase `isac build` rebuilds the
served copy halfway through: the server must switch to it without a failed request.

    python scripts/loadtest.py [--clients 8] [--seconds 15]
"""

from __future__ import annotations

import argparse
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

import httpx
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def questions() -> list[str]:
    rows = [json.loads(x) for x in (ROOT / "eval" / "questions.jsonl").read_text().splitlines()]
    return [r["question"] for r in rows][:400]


def drive(base: str, qs: list[str], clients: int, seconds: float, during=None) -> dict:
    """``clients`` threads asking in turn for ``seconds``; ``during`` runs in the middle."""
    latencies: list[float] = []
    errors: list[str] = []
    versions: set[str] = set()
    stop = time.monotonic() + seconds
    lock = threading.Lock()

    def client(i: int) -> None:
        with httpx.Client(base_url=base, timeout=30) as c:
            n = i
            while time.monotonic() < stop:
                q = qs[n % len(qs)]
                n += clients
                t = time.perf_counter()
                try:
                    r = c.post("/api/ask", json={"question": q})
                    ok = r.status_code == 200
                except httpx.HTTPError as exc:
                    ok, r = False, exc
                ms = (time.perf_counter() - t) * 1e3
                with lock:
                    latencies.append(ms)
                    if not ok:
                        errors.append(str(getattr(r, "status_code", r)))
        with httpx.Client(base_url=base) as c:
            versions.add(c.get("/health").json().get("index_version", ""))

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    if during is not None:
        time.sleep(seconds / 3)
        during()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    a = np.array(latencies) if latencies else np.zeros(1)
    return {"requests": len(latencies), "rps": round(len(latencies) / wall, 1),
            "p50_ms": round(float(np.percentile(a, 50)), 1), "p99_ms": round(float(np.percentile(a, 99)), 1),
            "errors": len(errors), "error_kinds": sorted(set(errors))[:5], "index_versions_after": sorted(versions)}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--seconds", type=float, default=15)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="isac-load-"))
    index = work / "index"
    shutil.copytree(ROOT / "index", index)
    port = free_port()
    env = {**os.environ, "ISAC_INDEX_DIR": str(index), "ISAC_DATA_DIR": str(work / "data"), "ISAC_PORT": str(port),
           "ISAC_RATE_LIMIT": "", "ISAC_RELOAD_INTERVAL_S": "1"}
    server = subprocess.Popen([str(BIN / "isac"), "serve"], env=env, cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/health/ready", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        else:
            print("the server did not become ready", file=sys.stderr)
            return 1
        qs = questions()
        steady = drive(base, qs, args.clients, args.seconds)
        print("steady   ", json.dumps(steady))

        def rebuild() -> None:
            subprocess.run([str(BIN / "isac"), "--index-dir", str(index), "build"], env=env, cwd=ROOT, check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

        before = httpx.get(f"{base}/health").json()["index_version"]
        reload = drive(base, qs, args.clients, args.seconds + 10, during=rebuild)
        after = httpx.get(f"{base}/health").json()["index_version"]
        print("rebuild  ", json.dumps({**reload, "switched": before != after}))
        return 0 if steady["errors"] == 0 and reload["errors"] == 0 and before != after else 1
    finally:
        server.terminate()
        server.wait(timeout=20)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
