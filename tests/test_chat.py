"""The chat: sessions, small talk, follow-ups, clarifications and unanswered questions."""

from __future__ import annotations

import dataclasses
import re
import threading
from pathlib import Path

import pytest
import yaml

from isac.chat import Chat, Session, Turn, small_talk
from isac.chat import MemorySessionStore as SessionStore
from isac.engine import Engine, QueryError
from isac.messages import FOLLOWUP_QUESTIONS, SMALL_TALK_REPLIES

FIXTURE_KB = Path(__file__).parent / "fixtures" / "knowledge"
REPO = Path(__file__).resolve().parents[1]


class Collect(list):
    """Stands in for the store's unanswered log: keeps what the chat hands it."""

    def __call__(self, record: dict) -> None:
        self.append(record)


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture()
def chat(engine, tmp_path) -> Chat:
    return Chat(engine, SessionStore(600, 50, 10), Collect())


def never_sure(engine) -> Engine:
    """An engine that answers nothing: the no-answer path without relying on calibration."""
    return Engine(engine.index, engine.encoder, dataclasses.replace(engine.config, answer_threshold=1.01))


def always_unsure(engine) -> Engine:
    """An engine that asks for clarification whenever two entries compete."""
    return Engine(engine.index, engine.encoder,
                  dataclasses.replace(engine.config, clarify_margin=10.0, answer_threshold=0.0))


def talk(chat: Chat, *messages: str):
    """Sends the messages in one session; returns the replies."""
    sid, replies = None, []
    for m in messages:
        turn = chat.reply(m, sid)
        sid = turn.session_id
        replies.append(turn.reply)
    return replies


# -- sessions -------------------------------------------------------------------------------
def test_sessions_expire_after_the_ttl():
    clock = Clock()
    store = SessionStore(ttl_s=60, max_sessions=10, max_turns=5, clock=clock)
    s = store.save(store.new())
    clock.now += 59
    assert store.get(s.id) is not None
    clock.now += 61
    assert store.get(s.id) is None
    assert len(store) == 0


def test_expired_sessions_are_dropped_when_others_are_saved():
    clock = Clock()
    store = SessionStore(ttl_s=60, max_sessions=10, max_turns=5, clock=clock)
    for _ in range(5):
        store.save(store.new())
    clock.now += 120
    store.save(store.new())
    assert len(store) == 1


def test_least_recently_used_session_goes_first():
    store = SessionStore(ttl_s=600, max_sessions=3, max_turns=5)
    a, b, c = (store.save(store.new()) for _ in range(3))
    assert store.get(a.id)  # a is now the most recent
    store.save(store.new())
    assert len(store) == 3
    assert store.get(b.id) is None
    assert store.get(a.id) and store.get(c.id)


def test_turns_are_bounded():
    store = SessionStore(ttl_s=600, max_sessions=3, max_turns=4)
    s = store.new()
    s = dataclasses.replace(s, turns=tuple(Turn(f"q{i}", "answer", None, 0.0) for i in range(10)))
    saved = store.save(s)
    assert [t.question for t in saved.turns] == ["q6", "q7", "q8", "q9"]


def test_session_ids_are_unguessable_and_unique():
    store = SessionStore(ttl_s=600, max_sessions=3, max_turns=4)
    ids = {store.new().id for _ in range(200)}
    assert len(ids) == 200
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{20,64}", i) for i in ids)


def test_store_is_thread_safe():
    store = SessionStore(ttl_s=600, max_sessions=40, max_turns=3)
    errors = []

    def work():
        try:
            for _ in range(200):
                s = store.save(store.new())
                store.get(s.id)
                store.save(dataclasses.replace(s, turns=s.turns + (Turn("q", "none", None, 0.0),)))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(store) == 40
    assert isinstance(next(iter(store._sessions.values())), Session)


# -- small talk -----------------------------------------------------------------------------
@pytest.mark.parametrize("text, kind, lang", [
    ("Hola!", "greet", None),
    ("bon dia", "greet", "ca"),
    ("Buenas tardes", "greet", "es"),
    ("moltes gràcies!", "thanks", "ca"),
    ("muchas gracias", "thanks", "es"),
    ("adéu, fins aviat", "bye", "ca"),
    ("hasta luego", "bye", "es"),
    ("ets un inútil", "insult", None),
    ("eres idiota", "insult", None),
    ("com estàs?", "chitchat", "ca"),
    ("¿quién eres?", "chitchat", "es"),
    ("d'acord", "ack", None),
    ("què saps fer?", "help", "ca"),
])
def test_small_talk_kinds(text, kind, lang):
    found = small_talk(text)
    assert found is not None and found.kind == kind, found
    assert found.lang == lang


@pytest.mark.parametrize("text", [
    "hola, com m'empadrono?", "bon dia, quant costa el gual?", "gràcies, i quant costa?",
    "estic empadronat?", "tens hora per a l'OAC?", "a quina hora obre la deixalleria?",
    "hi ha cita prèvia?", "quant val?", "vull morir-me de riure amb aquest tràmit",
])
def test_questions_are_not_small_talk(text):
    assert small_talk(text) is None


def test_no_knowledge_question_or_title_is_small_talk(engine):
    texts = [t for e in engine.index.entries for t in (*e.title.values(), *e.questions["ca"], *e.questions["es"])]
    real = REPO / "knowledge"
    if real.is_dir():  # the real knowledge base has ~3,000 more
        for path in real.rglob("*.yaml"):
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            if isinstance(data, dict) and isinstance(data.get("questions"), dict):
                texts += [q for qs in data["questions"].values() for q in (qs or []) if isinstance(q, str)]
    flagged = [t for t in texts if small_talk(t)]
    assert not flagged


# small talk written for these tests (the external minibot NLU set lives outside the
# repository and is an external check only, never read by tests)
SMALL_TALK_SAMPLES = {
    "greet": ["hola", "bon dia", "bona tarda!", "ei, què tal", "buenos días", "hola bon dia"],
    "goodbye": ["adéu", "fins aviat", "a reveure!", "adiós, hasta luego", "bye"],
    "thank_you": ["moltes gràcies", "gràcies!", "mil gràcies", "muchas gracias", "thank you"],
    "insult": ["ets inútil", "quin xatbot més inútil", "eres tonto", "que idiota"],
    "chitchat/how_are_you": ["com estàs?", "com va tot?", "¿cómo estás?"],
    "chitchat/praise": ["ets molt maco", "m'agrades", "lo haces muy bien"],
}


def _nlu_examples() -> dict[str, list[str]]:
    return SMALL_TALK_SAMPLES


@pytest.mark.parametrize("intent, kinds", [
    ("greet", {"greet"}), ("goodbye", {"bye"}), ("thank_you", {"thanks"}), ("insult", {"insult"}),
    ("chitchat/how_are_you", {"chitchat", "greet"}), ("chitchat/praise", {"praise"}),
])
def test_small_talk_is_recognised(intent, kinds):
    examples = _nlu_examples()[intent]
    misses = [x for x in examples if not ((found := small_talk(x)) and found.kind in kinds)]
    assert not misses


def test_small_talk_never_gets_a_procedure(real_engine, tmp_path):
    # whether an insult's leftover words make a question depends on the tuned calibration
    chat = Chat(real_engine, SessionStore(600, 50, 10), Collect())
    examples = _nlu_examples()
    for intent in ("greet", "goodbye", "thank_you", "insult", "chitchat/how_are_you", "chitchat/praise"):
        for text in examples[intent]:
            if small_talk(text) is None:
                continue  # a miss goes to the engine, whose calibration decides
            reply = chat.reply(text).reply
            assert reply.entry is None and reply.status == "smalltalk", (text, reply)


def test_small_talk_replies_in_the_citizens_language(chat):
    assert talk(chat, "moltes gràcies")[0].text == SMALL_TALK_REPLIES["thanks"]["ca"]
    es = talk(chat, "muchas gracias")[0]
    assert (es.lang, es.text) == ("es", SMALL_TALK_REPLIES["thanks"]["es"])
    # "hola" says nothing about the language: the conversation's is kept
    replies = talk(chat, "¿Cómo me empadrono en Terrassa?", "hola")
    assert replies[1].lang == "es" and replies[1].status == "smalltalk" and replies[1].entry is None


def test_crisis_gets_helplines(chat):
    reply = talk(chat, "em vull morir")[0]
    assert "024" in reply.text and reply.entry is None


# -- answers and follow-ups -------------------------------------------------------------------
def test_answer_has_card_links_and_followups(chat):
    from isac.api.presenters import chat_response

    turn = chat.reply("com m'empadrono?")
    reply = turn.reply
    assert reply.status == "answer" and reply.entry_id == "padro-alta"
    card = chat_response(turn).reply.cards[0]
    assert card.id == "padro-alta" and card.title.startswith("Alta al padró")
    # the fixture's padro-alta is done in person with cita prèvia; its how never mentions the Seu
    assert {link.kind for link in card.links} == {"fitxa", "cita"}
    assert reply.followups and all(isinstance(f, str) for f in reply.followups)


def test_followups_apply_to_the_procedure_under_discussion(chat):
    first, cost, where, docs = talk(chat, "com m'empadrono?", "i quant costa?", "i on es fa?", "y qué documentos necesito?")
    assert first.entry_id == "padro-alta" and not first.followup
    assert (cost.entry_id, cost.section, cost.followup) == ("padro-alta", "cost", True)
    assert cost.text == "És gratuït."
    assert (where.entry_id, where.section) == ("padro-alta", "how")
    assert (docs.entry_id, docs.section, docs.lang) == ("padro-alta", "documents", "es")
    assert docs.entry.text("title", docs.lang) == "Alta en el padrón municipal de habitantes"
    assert docs.text.startswith("Documento de identidad")  # the Spanish section, not the Catalan one


def test_every_suggested_followup_is_understood_as_one(chat):
    from isac.intent import detect_intent

    for key, texts in FOLLOWUP_QUESTIONS.items():
        for lang, text in texts.items():
            assert chat.is_followup(text, lang), text
            assert detect_intent(text) == key, text


def test_new_topic_resets(chat, engine):
    replies = talk(chat, "vull un gual", "la grua s'ha endut el cotxe", "i on es fa?")
    assert [r.entry_id for r in replies] == ["gual", "grua-vehicle-retirat", "grua-vehicle-retirat"]
    assert not replies[1].followup and replies[2].followup
    # a topic word of its own makes it a new question, not a follow-up
    sid = chat.reply("vull un gual").session_id
    assert not chat.reply("i quant costa el bus?", sid).reply.followup
    # a topic nobody covers resets too: the follow-up has nothing left to apply to
    sid = chat.reply("vull un gual").session_id
    chat.engine = never_sure(engine)
    assert chat.reply("i quant costa el bus?", sid).reply.status == "none"
    chat.engine = engine
    assert not chat.reply("i on es fa?", sid).reply.followup


def test_followup_on_a_missing_section_says_so(chat):
    reply = talk(chat, "vull un gual", "i quant costa?")[1]
    assert reply.entry_id == "gual" and reply.followup and "no detalla" in reply.text


def test_followup_after_the_session_expired_is_not_one(engine, tmp_path):
    clock = Clock()
    chat = Chat(engine, SessionStore(60, 10, 10, clock=clock), Collect())
    sid = chat.reply("com m'empadrono?").session_id
    clock.now += 61
    turn = chat.reply("i quant costa?", sid)
    assert turn.session_id != sid and not turn.reply.followup


def test_memory_is_bounded(engine, tmp_path):
    chat = Chat(engine, SessionStore(600, 3, 4), Collect())
    sid = None
    for _ in range(9):
        sid = chat.reply("gràcies", sid).session_id
    assert len(chat.store.get(sid).turns) == 4
    for _ in range(5):
        chat.reply("hola")
    assert len(chat.store) == 3


def test_insult_around_a_question_still_gets_the_answer(chat):
    assert talk(chat, "ets tonto, com m'empadrono?")[0].entry_id == "padro-alta"
    assert talk(chat, "quin xatbot més inútil")[0].status == "smalltalk"


# -- clarification ------------------------------------------------------------------------------
@pytest.fixture()
def unsure_chat(engine, tmp_path) -> Chat:
    return Chat(always_unsure(engine), SessionStore(600, 10, 10), Collect())


def test_clarification_offers_options_and_a_pick_answers(unsure_chat):
    turn = unsure_chat.reply("quant costa el padró?")
    reply = turn.reply
    assert reply.status == "clarify" and reply.entry is None
    ids = [e.id for e in reply.options]
    assert {"padro-alta", "padro-volant"} <= set(ids)
    title = next(e for e in reply.options if e.id == "padro-volant").title["ca"]
    picked = unsure_chat.reply(title, turn.session_id, option_id="padro-volant").reply
    # the pick is answered with what the first question asked for: the cost
    assert (picked.status, picked.entry_id, picked.section) == ("answer", "padro-volant", "cost")
    after = unsure_chat.reply("i on es fa?", turn.session_id).reply
    assert (after.entry_id, after.section, after.followup) == ("padro-volant", "how", True)


# -- no answer -------------------------------------------------------------------------------------
def test_no_answer_gives_the_fallback_and_is_logged(chat, engine, tmp_path):
    chat.engine = never_sure(engine)
    reply = talk(chat, "quina és la capital de Mongòlia?")[0]
    assert reply.status == "none" and reply.entry is None
    assert "010" in reply.text
    assert reply.route is None  # the API shows the municipal channels for a plain fallback
    record = chat.on_unanswered[-1]
    assert record["question"] == "quina és la capital de Mongòlia?"
    assert record["lang"] == "ca" and "confidence" in record


def test_small_talk_is_not_logged_as_unanswered(engine):
    chat = Chat(never_sure(engine), SessionStore(600, 10, 10), Collect())
    chat.reply("hola")
    assert chat.on_unanswered == []
    chat.reply("com renovo el DNI?")
    assert len(chat.on_unanswered) == 1


@pytest.mark.parametrize("bad", ["", "   ", "x" * 501, "hola\x00"])
def test_bad_messages_raise_query_errors(chat, bad):
    with pytest.raises(QueryError):
        chat.reply(bad)


def test_a_what_if_follow_up_is_answered_by_the_procedures_faq(engine):
    # "i si…?" about the procedure under discussion: its detail item, then its section
    eager = Engine(engine.index, engine.encoder, dataclasses.replace(engine.config, faq_threshold=0.3),
                   calibrator=engine.calibrator)
    chat = Chat(eager, SessionStore(600, 10, 10), Collect())
    first, detail = talk(chat, "com m'empadrono?", "i si tinc el passaport caducat?")
    assert first.entry_id == "padro-alta"
    assert (detail.entry_id, detail.section, detail.followup) == ("padro-alta", "faq", True)
    assert detail.text.startswith("No: el document d'identitat ha d'estar vigent") and detail.more_text


def test_with_the_second_level_fitted_a_follow_up_gets_its_pick(engine):
    from isac.answering import UNIT_FEATURES

    weights = tuple(1.0 if f == "coverage" else 0.0 for f in UNIT_FEATURES)
    eager = Engine(engine.index, engine.encoder, dataclasses.replace(engine.config, answer_weights=weights),
                   calibrator=engine.calibrator)
    chat = Chat(eager, SessionStore(600, 10, 10), Collect())
    first, detail = talk(chat, "com m'empadrono?", "i si tinc el passaport caducat?")
    assert first.entry_id == "padro-alta"
    assert (detail.section, detail.followup) == ("faq", True) and "vigent" in detail.text
    # a follow-up whose words are a section's: no FAQ item, the section answers
    entry = eager.index.entry("padro-alta")
    assert eager.faq_for(entry, "i el contracte de lloguer per acreditar el domicili?") is None
