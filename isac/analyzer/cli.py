"""`isac gaps`: the content gaps report in the terminal, or as JSON, CSV or YAML snippets.

``add_commands(sub)`` registers the command on the ``isac`` parser's subparsers; settings,
the engine, the store and scikit-learn load only when the command runs.
"""

from __future__ import annotations

import sys

TREND_WORDS = {"new": "new", "up": "up", "down": "down", "flat": "flat"}


def _settings(args):
    from isac.settings import Settings

    overrides = {name: getattr(args, name) for name in ("knowledge_dir", "index_dir", "encoder")
                 if getattr(args, name, None) is not None}
    return Settings(**overrides)


def render_text(doc: dict) -> str:
    """The report for a terminal: one block per theme, biggest first."""
    cons = doc["considered"]
    src = cons["by_source"]
    lines = [f"GAPS {doc['from']} – {doc['to']} ({doc['since_days']:g} days), encoder {doc['encoder']}",
             f"  {cons['rows']} questions ({src['unanswered']} unanswered, {src['low_confidence']} low confidence, "
             f"{src['not_useful']} not useful; {cons['routed_elsewhere']} routed to another administration left out), "
             f"{cons['distinct']} distinct",
             f"  {len(doc['clusters'])} themes; {doc['noise']['rows']} questions in no theme"
             + (f"; {cons['omitted_rows']} least-asked left out (over the limit)" if cons["omitted_rows"] else ""),
             f"  thresholds: confidence < {doc['thresholds']['low_confidence']:g}, theme cosine >= "
             f"{doc['thresholds']['cluster_similarity']:g}, entry cosine >= {doc['thresholds']['entry_similarity']:g}",
             ""]
    for c in doc["clusters"]:
        t = c["trend"]
        near = c["nearest_entry"]
        lines.append(f"#{c['id']}  {c['size']} questions ({c['distinct']} distinct) · this week {t['this_week']}, "
                     f"previous {t['previous_week']} ({TREND_WORDS[t['change']]})")
        lines.extend(f"     “{x}”" for x in c["examples"])
        if near:
            lines.append(f"     nearest entry: {near['id']} ({near['similarity']:.3f})")
        lines.append(f"  →  {c['action']['text']}")
        lines.append("")
    return "\n".join(lines)


def cmd_gaps(args) -> int:
    """`isac gaps`: cluster what isac could not answer well; never edits knowledge/."""
    from isac.analyzer.gaps import EmbeddingCache, GapOptions, find_gaps, gaps_to_csv, gaps_to_yaml
    from isac.engine import load_engine
    from isac.store import open_store

    settings = _settings(args)
    store = open_store(settings.database_url, settings.data_dir)
    engine = load_engine(settings)
    options = GapOptions(days=args.since, min_size=args.min_size, low_confidence=args.low_confidence,
                         cluster_similarity=args.cluster_similarity, entry_similarity=args.entry_similarity)
    cache = EmbeddingCache(settings.data_dir / "gaps-embeddings.npz", max_age_days=settings.retention_days)
    try:
        doc = find_gaps(store, engine, options, cache=cache)
    except ImportError as exc:  # scikit-learn is what clusters; say how to get it
        sys.stderr.write(f"isac: error: {exc}; install scikit-learn (pip install scikit-learn)\n")
        return 2
    if args.json:
        import json

        out = json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    elif args.csv:
        out = gaps_to_csv(doc)
    elif args.yaml:
        out = gaps_to_yaml(doc)
    else:
        out = render_text(doc) + "\n"
    sys.stdout.write(out)
    return 0


def add_commands(sub) -> None:
    """Register `isac gaps` on the ``isac`` parser's subparsers."""
    p = sub.add_parser("gaps", help="themes in what isac could not answer well, and which entry to extend")
    p.add_argument("--since", type=float, default=30.0, metavar="DAYS", help="look back this many days (default 30)")
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="the whole report as JSON")
    fmt.add_argument("--csv", action="store_true", help="one row per theme, for a spreadsheet")
    fmt.add_argument("--yaml", action="store_true", help="snippets to paste into the entries (review them first)")
    p.add_argument("--min-size", type=int, default=3, help="askings a theme needs (default 3)")
    p.add_argument("--low-confidence", type=float, help="confidence under which a logged query counts "
                                                         "(default: the engine's answer threshold)")
    p.add_argument("--cluster-similarity", type=float, help="cosine that holds a theme together (default: per encoder)")
    p.add_argument("--entry-similarity", type=float, help="cosine from which an entry is close enough to extend")
    p.set_defaults(func=cmd_gaps)
