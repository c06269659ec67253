"""How long `isac gaps` (and the dashboard's stats) take on a large synthetic query log.

Writes N logged queries (default 100 000) over the last 30 days into a throwaway SQLite
store: mostly well-answered questions taken from the knowledge base, plus doubtful,
unanswered, routed-elsewhere and "not useful" ones drawn from ~30 templated themes and
random noise, so that the gaps input has many distinct phrasings, as citizens' free text
does. Then it times `period_stats` and `find_gaps` twice: cold (every question embedded)
and warm (the embedding cache from the first run).

    .venv/bin/python scripts/gaps_bench.py                  # the real encoder and index/
    .venv/bin/python scripts/gaps_bench.py --encoder hash --index-dir /tmp/idx   # no model
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PREFIXES = ["", "hola, ", "bon dia, ", "una pregunta: ", "perdoneu, ", "si us plau ", "necessito saber ", "hola "]
SUFFIXES = ["", "?", " gràcies", " urgent", " a terrassa", " aquesta setmana", " si us plau", " ???"]
THEMES = {
    # close to existing entries (phrasings the knowledge base may lack)
    "grua": ["la grua s'ha endut el meu cotxe", "on recupero el cotxe que s'ha endut la grua",
             "la grúa se ha llevado mi coche", "quant costa treure el cotxe del dipòsit", "m'han retirat la moto"],
    "padro": ["com m'empadrono en un pis de lloguer", "empadronar-me sense contracte", "empadronarme sin contrato",
              "canvi de domicili al padró", "com empadrono el meu fill nadó"],
    "ibi": ["quan es paga la contribució", "rebut de la contribució duplicat", "cuándo se paga la contribución",
            "fraccionar la contribució", "he rebut dos cops l'ibi"],
    "gual": ["vull un vado pel garatge", "placa de gual trencada", "pintar la vorera del gual",
             "donar de baixa el gual", "cuánto cuesta el vado"],
    "residus": ["on llenço un matalàs vell", "recollida de mobles vells", "dónde tiro un sofá",
                "deixalleria horari diumenge", "on llenço l'oli de cuina"],
    "multa": ["m'han posat una multa injusta", "recórrer una multa d'aparcament", "recurrir una multa",
              "pagar multa amb descompte", "identificar el conductor d'una multa"],
    "cita": ["demanar hora a l'ajuntament", "cita para el ayuntamiento", "hora per a l'oac", "anul·lar la cita",
             "canviar el dia de la cita"],
    # far from every entry
    "drons": ["puc volar un dron al parc", "permís per volar un dron", "se puede volar un dron en la ciudad",
              "on es pot pilotar un dron", "volar dron amb càmera"],
    "wifi": ["hi ha wifi gratuït als parcs", "contrasenya del wifi municipal", "wifi público del ayuntamiento",
             "wifi gratis a la plaça vella", "com em connecto al wifi de la biblioteca"],
    "bici": ["on lloguen bicicletes públiques", "bicing a terrassa", "alquiler de bicicletas municipal",
             "carril bici nou", "aparcament de bicis segur"],
    "festa": ["quan és la festa major", "concerts de la festa major", "programa de fiestas",
              "horari dels focs artificials", "on són les barraques"],
    "piscina": ["horari de la piscina d'estiu", "preu de l'entrada a la piscina", "horario piscina municipal",
                "quan obren les piscines", "abonament piscina estiu"],
    "platja": ["autobús a la platja", "bus a la playa desde terrassa", "com vaig a la platja en tren",
               "horari del bus de la platja", "hi ha bus directe a la costa"],
    "gats": ["colònia de gats al carrer", "alimentar gats al carrer", "gatos callejeros",
             "esterilitzar gats de carrer", "gats abandonats al solar"],
    "soroll": ["els veïns fan soroll de nit", "música alta al bar de sota", "ruido de vecinos",
               "soroll d'obres de matinada", "denunciar soroll de terrassa de bar"],
    "horts": ["horts urbans municipals", "llogar un hort", "huertos urbanos", "llista d'espera dels horts",
              "hort social per a jubilats"],
    "arbres": ["un arbre caigut al carrer", "podar l'arbre de davant de casa", "árbol peligroso",
               "les arrels aixequen la vorera", "branques que toquen el balcó"],
    "pisos": ["pis buit ocupat", "ocupes al meu edifici", "piso ocupado", "okupes a l'escala", "desallotjar un pis"],
}
NOISE_WORDS = ("hola adéu gràcies barça pizza temps pluja demà dilluns cotxe casa feina escola metge tren bus "
               "preu hora carrer plaça parc gos gat festa música llibre botiga mercat futbol cinema").split()


def phrasing(rng: random.Random, theme: list[str]) -> str:
    text = rng.choice(PREFIXES) + rng.choice(theme) + rng.choice(SUFFIXES)
    return text if rng.random() > 0.2 else text.lower().replace("à", "a").replace("è", "e").replace("ó", "o")


def generate(path: Path, n: int, days: float, entries, seed: int = 0) -> dict:
    """N queries over the last ``days`` days, with the unanswered and feedback rows they imply."""
    from isac.store import SQLiteStore

    SQLiteStore(path).migrate()
    rng = random.Random(seed)
    now = time.time()
    known = [(e.id, q) for e in entries for lang in ("ca", "es") for q in e.questions.get(lang, ())]
    themes = list(THEMES.values())
    queries, unanswered, feedback = [], [], []
    for _ in range(n):
        at = now - rng.random() * days * 86400
        channel = rng.choices(("search", "chat", "ask"), (0.5, 0.25, 0.25))[0]
        lang = rng.choice(("ca", "ca", "ca", "es"))
        r = rng.random()
        if r < 0.70:  # answered well
            entry_id, q = rng.choice(known)
            text = rng.choice(PREFIXES) + q
            status = None if channel == "search" else "answer"
            conf = None if channel == "chat" else rng.uniform(0.8, 0.99)
            queries.append((at, channel, text, lang, entry_id, conf, status, rng.uniform(10, 80), "bench"))
            if rng.random() < 0.02:
                useful = rng.random() > 0.3
                feedback.append((at, int(useful), entry_id, text, None if useful or rng.random() < 0.5 else
                                 "no em diu el que necessito"))
            continue
        text = (" ".join(rng.choices(NOISE_WORDS, k=rng.randint(2, 6))) if rng.random() < 0.25
                else phrasing(rng, rng.choice(themes)))
        if r < 0.85:  # doubtful: a search or an ask below the threshold
            status = None if channel == "search" else "clarify"
            queries.append((at, channel, text, lang, rng.choice(known)[0], rng.uniform(0.05, 0.6), status,
                            rng.uniform(10, 80), "bench"))
        elif r < 0.97:  # unanswered; one in six belongs to another administration
            routed = "dni" if rng.random() < 1 / 6 else None
            conf = None if channel == "chat" else rng.uniform(0.0, 0.4)
            queries.append((at, channel if channel != "search" else "ask", text, lang, None, conf, "none",
                            rng.uniform(10, 80), "bench"))
            unanswered.append((at, text, lang, conf, routed, rng.choice(known)[0]))
        else:
            queries.append((at, "chat", "hola", lang, None, None, "smalltalk", 2.0, "bench"))
    with sqlite3.connect(path) as conn:
        conn.executemany("INSERT INTO queries (at, channel, query, lang, top_entry, confidence, status, latency_ms, "
                         "index_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", queries)
        conn.executemany("INSERT INTO unanswered (at, question, lang, confidence, route, top_entry) "
                         "VALUES (?, ?, ?, ?, ?, ?)", unanswered)
        conn.executemany("INSERT INTO feedback (at, useful, entry_id, question, comment) VALUES (?, ?, ?, ?, ?)",
                         feedback)
    return {"queries": len(queries), "unanswered": len(unanswered), "feedback": len(feedback)}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--queries", type=int, default=100_000)
    p.add_argument("--days", type=float, default=30)
    p.add_argument("--encoder", help="ISAC_ENCODER for the engine (default: the settings')")
    p.add_argument("--index-dir", type=Path)
    args = p.parse_args()

    from isac.analyzer.gaps import EmbeddingCache, GapOptions, find_gaps
    from isac.analyzer.stats import period_stats
    from isac.engine import load_engine
    from isac.settings import Settings
    from isac.store import SQLiteStore

    overrides = {k: v for k, v in (("encoder", args.encoder), ("index_dir", args.index_dir)) if v is not None}
    engine = load_engine(Settings(**overrides))
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "isac.sqlite3"
        t = time.perf_counter()
        counts = generate(db, args.queries, args.days, engine.index.entries)
        print(f"generated {counts} in {time.perf_counter() - t:.1f} s")
        store = SQLiteStore(db)
        t = time.perf_counter()
        stats = period_stats(store, args.days, index=engine.index)
        print(f"period_stats: {time.perf_counter() - t:.2f} s ({stats['totals']['queries']} queries)")
        cache = Path(tmp) / "gaps-embeddings.npz"
        for run in ("cold", "warm"):
            t = time.perf_counter()
            doc = find_gaps(store, engine, GapOptions(days=args.days), cache=EmbeddingCache(cache))
            wall = time.perf_counter() - t
            c = doc["considered"]
            print(f"find_gaps ({run}, encoder {doc['encoder']}): {wall:.1f} s; {c['rows']} questions, "
                  f"{c['distinct']} distinct, {len(doc['clusters'])} themes, {doc['noise']['rows']} in none; "
                  f"stages {doc['timings_s']}")
        for cl in doc["clusters"][:12]:
            near = cl["nearest_entry"] or {}
            print(f"  #{cl['id']:>2} {cl['size']:>5} ({cl['distinct']:>4} distinct) {cl['action']['kind']:<6} "
                  f"{near.get('id', '-')} {near.get('similarity', 0):.3f} · {cl['examples'][0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
