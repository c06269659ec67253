"""Every citizen-facing sentence and label isac writes itself, in Catalan, Spanish and English.

One place, so a content editor reviews the wording and the register once: Catalan uses
*vós*, Spanish *usted*. Entry texts come from the knowledge base, not from here. English
labels exist because foreign residents are understood; answer bodies stay ca or es.
A test checks that every message has all three languages.
"""

from __future__ import annotations

UI_LANGS = ("ca", "es", "en")

SEU_URL = "https://seuelectronica.terrassa.cat/"
CITA_URL = "https://citaprevia.terrassa.cat/"

MESSAGES: dict[str, dict[str, str]] = {
    "fallback": {
        "ca": "No n'estic prou segur per donar-vos una resposta. Us poden ajudar al telèfon 010 "
              "(900 922 010 des de fora de Terrassa), a les Oficines d'Atenció Ciutadana amb cita "
              "prèvia o a la Seu Electrònica, oberta 24 hores.",
        "es": "No estoy lo bastante seguro para darle una respuesta. Le pueden ayudar en el teléfono "
              "010 (900 922 010 desde fuera de Terrassa), en las Oficinas de Atención Ciudadana con "
              "cita previa o en la Sede Electrónica, abierta 24 horas.",
        "en": "I am not sure enough to answer. The 010 phone line (900 922 010 from outside Terrassa), "
              "the Citizen Service Offices (by appointment) or the online Seu Electrònica, open 24 hours, "
              "can help you.",
    },
    "clarify": {
        "ca": "La vostra pregunta pot referir-se a més d'un tràmit. Quin voleu dir?",
        "es": "Su pregunta puede referirse a más de un trámite. ¿Cuál quiere decir?",
        "en": "Your question may refer to more than one procedure. Which one do you mean?",
    },
    "maybe": {
        "ca": "Potser busqueu…",
        "es": "Quizá busca…",
        "en": "Perhaps you are looking for…",
    },
    "which_procedure": {
        "ca": "De quin tràmit? Digueu-me'n el nom o escolliu-ne un.",
        "es": "¿De qué trámite? Dígame su nombre o elija uno.",
        "en": "Which procedure? Tell me its name or choose one.",
    },
    "missing_section": {
        "ca": "La fitxa de «{title}» no detalla aquest punt. Consulteu-la o truqueu al 010.",
        "es": "La ficha de «{title}» no detalla este punto. Consúltela o llame al 010.",
        "en": "The sheet for “{title}” does not cover this point. Check it or call 010.",
    },
    "dated": {
        "ca": "Dada del {year}; confirmeu-la a la fitxa o al 010.",
        "es": "Dato de {year}; confírmelo en la ficha o en el 010.",
        "en": "Information from {year}; please confirm it on the official page or at 010.",
    },
    "session_expired": {
        "ca": "La conversa anterior ha caducat. Comencem de nou.",
        "es": "La conversación anterior ha caducado. Empecemos de nuevo.",
        "en": "The previous conversation has expired. Let's start again.",
    },
}

LABELS: dict[str, dict[str, str]] = {
    "fitxa": {"ca": "Fitxa del tràmit", "es": "Ficha del trámite", "en": "Procedure sheet"},
    "seu": {"ca": "Seu Electrònica (24 h)", "es": "Sede Electrónica (24 h)", "en": "Online office (24 h)"},
    "cita": {"ca": "Cita prèvia OAC", "es": "Cita previa OAC", "en": "Book an appointment"},
    "010": {"ca": "Telèfon 010", "es": "Teléfono 010", "en": "Phone 010"},
    "more": {"ca": "Més informació", "es": "Más información", "en": "More information"},
    "answer": {"ca": "Resposta", "es": "Respuesta", "en": "Answer"},
    "related": {"ca": "Tràmits relacionats", "es": "Trámites relacionados", "en": "Related procedures"},
}

SECTION_TITLES: dict[str, dict[str, str]] = {
    "what": {"ca": "Què és", "es": "Qué es", "en": "What it is"},
    "who": {"ca": "Qui ho pot demanar", "es": "Quién puede pedirlo", "en": "Who can apply"},
    "documents": {"ca": "Documentació", "es": "Documentación", "en": "Documents"},
    "cost": {"ca": "Cost", "es": "Coste", "en": "Cost"},
    "deadlines": {"ca": "Terminis", "es": "Plazos", "en": "Deadlines"},
    "how": {"ca": "Com i on", "es": "Cómo y dónde", "en": "How and where"},
    "where": {"ca": "Servei responsable", "es": "Servicio responsable", "en": "Responsible service"},
    "faq": {"ca": "Resposta concreta", "es": "Respuesta concreta", "en": "Specific answer"},
}

CATEGORY_NAMES: dict[str, dict[str, str]] = {
    "activitats": {"ca": "Activitats i comerç", "es": "Actividades y comercio", "en": "Businesses"},
    "administracio": {"ca": "Administració", "es": "Administración", "en": "Administration"},
    "animals": {"ca": "Animals", "es": "Animales", "en": "Animals"},
    "cultura": {"ca": "Cultura", "es": "Cultura", "en": "Culture"},
    "educacio": {"ca": "Educació", "es": "Educación", "en": "Education"},
    "esports": {"ca": "Esports", "es": "Deportes", "en": "Sports"},
    "estrangeria": {"ca": "Estrangeria", "es": "Extranjería", "en": "Foreign residents"},
    "habitatge": {"ca": "Habitatge", "es": "Vivienda", "en": "Housing"},
    "joventut": {"ca": "Joventut", "es": "Juventud", "en": "Youth"},
    "medi-ambient": {"ca": "Medi ambient", "es": "Medio ambiente", "en": "Environment"},
    "mobilitat": {"ca": "Mobilitat", "es": "Movilidad", "en": "Transport and parking"},
    "multes": {"ca": "Multes", "es": "Multas", "en": "Fines"},
    "obres": {"ca": "Obres i urbanisme", "es": "Obras y urbanismo", "en": "Building works"},
    "ocupacio": {"ca": "Ocupació", "es": "Empleo", "en": "Jobs"},
    "padro": {"ca": "Padró", "es": "Padrón", "en": "Residents' register"},
    "participacio": {"ca": "Participació", "es": "Participación", "en": "Participation"},
    "proveidors": {"ca": "Proveïdors", "es": "Proveedores", "en": "Suppliers"},
    "registre": {"ca": "Registre", "es": "Registro", "en": "Registry"},
    "residus": {"ca": "Residus i neteja", "es": "Residuos y limpieza", "en": "Waste and cleaning"},
    "seguretat": {"ca": "Seguretat", "es": "Seguridad", "en": "Safety"},
    "serveis-socials": {"ca": "Serveis socials", "es": "Servicios sociales", "en": "Social services"},
    "tributs": {"ca": "Impostos i taxes", "es": "Impuestos y tasas", "en": "Taxes"},
}

FOLLOWUP_QUESTIONS: dict[str, dict[str, str]] = {
    "cost": {"ca": "I quant costa?", "es": "¿Y cuánto cuesta?", "en": "How much does it cost?"},
    "documents": {"ca": "Quina documentació cal?", "es": "¿Qué documentos necesito?", "en": "What documents do I need?"},
    "how": {"ca": "On i com es fa?", "es": "¿Dónde y cómo se hace?", "en": "Where and how is it done?"},
    "deadlines": {"ca": "Quins terminis hi ha?", "es": "¿Qué plazos hay?", "en": "What are the deadlines?"},
    "who": {"ca": "Qui ho pot demanar?", "es": "¿Quién puede pedirlo?", "en": "Who can apply?"},
}


def ui_lang(lang: str | None) -> str:
    """The language of labels: ca, es or en (Catalan first)."""
    return lang if lang in UI_LANGS else "ca"


def answer_lang(lang: str | None) -> str:
    """The language of answer bodies: Spanish for es, Catalan for everything else."""
    return "es" if lang == "es" else "ca"


def say(key: str, lang: str | None, **values: str) -> str:
    """One message in ``lang`` (ca, es or en), with ``{placeholders}`` filled."""
    text = MESSAGES[key][ui_lang(lang)]
    return text.format(**values) if values else text


def label(key: str, lang: str | None) -> str:
    """One UI label in ``lang``."""
    return LABELS[key][ui_lang(lang)]


def section_title(key: str | None, lang: str | None) -> str | None:
    """The heading over a section's text, or None for the summary."""
    return SECTION_TITLES[key][ui_lang(lang)] if key else None


def category_name(slug: str, lang: str | None) -> str:
    """A category's display name; the slug itself for a category not listed."""
    names = CATEGORY_NAMES.get(slug)
    return names[ui_lang(lang)] if names else slug.replace("-", " ").capitalize()


SMALL_TALK_REPLIES: dict[str, dict[str, str]] = {
    "greet": {"ca": "Hola! Sóc l'isac, l'assistent de l'Ajuntament de Terrassa. Pregunteu-me sobre tràmits i serveis municipals.",
              "es": "¡Hola! Soy isac, el asistente del Ayuntamiento de Terrassa. Pregúnteme sobre trámites y servicios municipales.",
              "en": "Hello! I am isac, the Terrassa City Council assistant. Ask me about municipal procedures and services."},
    "thanks": {"ca": "De res! Si teniu cap altre dubte, pregunteu-me.", "es": "¡De nada! Si tiene alguna otra duda, pregúnteme.",
               "en": "You're welcome! Ask me anything else."},
    "bye": {"ca": "Adéu! Que vagi bé.", "es": "¡Adiós! Que le vaya bien.", "en": "Goodbye!"},
    "insult": {"ca": "Sento no haver-vos ajudat prou. Digueu-me quin tràmit busqueu i ho torno a provar, o truqueu al 010.",
               "es": "Siento no haberle ayudado lo suficiente. Dígame qué trámite busca y lo vuelvo a intentar, o llame al 010.",
               "en": "Sorry I have not helped enough. Tell me which procedure you need and I will try again, or call 010."},
    "frustration": {"ca": "Perdoneu. Proveu de dir-m'ho amb altres paraules o amb el nom del tràmit. També us poden atendre al 010.",
                    "es": "Perdone. Pruebe a decírmelo con otras palabras o con el nombre del trámite. También le pueden atender en el 010.",
                    "en": "Sorry. Try other words or the name of the procedure. The 010 line can also help you."},
    "help": {"ca": "Us puc orientar sobre tràmits i serveis de l'Ajuntament de Terrassa: què cal, quant costa, on es fa i quins terminis té. Per exemple: «com m'empadrono?»",
             "es": "Le puedo orientar sobre trámites y servicios del Ayuntamiento de Terrassa: qué hace falta, cuánto cuesta, dónde se hace y qué plazos tiene. Por ejemplo: «¿cómo me empadrono?»",
             "en": "I can guide you on Terrassa City Council procedures and services: what you need, what it costs, where to go and the deadlines. For example: “how do I register as a resident?”"},
    "name": {"ca": "Encantat! En què us puc ajudar?", "es": "¡Encantado! ¿En qué le puedo ayudar?", "en": "Nice to meet you! How can I help?"},
    "chitchat": {"ca": "Sóc l'isac, un assistent automàtic de l'Ajuntament de Terrassa. Us puc ajudar amb tràmits i serveis municipals.",
                 "es": "Soy isac, un asistente automático del Ayuntamiento de Terrassa. Le puedo ayudar con trámites y servicios municipales.",
                 "en": "I am isac, an automatic assistant of Terrassa City Council. I can help with municipal procedures and services."},
    "mood": {"ca": "Gràcies per dir-m'ho. Si us puc ajudar amb algun tràmit o servei municipal, pregunteu-me.",
             "es": "Gracias por contármelo. Si le puedo ayudar con algún trámite o servicio municipal, pregúnteme.",
             "en": "Thank you for telling me. If I can help with a municipal procedure or service, just ask."},
    "praise": {"ca": "Moltes gràcies! Què més voleu saber?", "es": "¡Muchas gracias! ¿Qué más quiere saber?", "en": "Thank you! What else would you like to know?"},
    "more": {"ca": "Endavant, pregunteu-me.", "es": "Adelante, pregúnteme.", "en": "Go ahead, ask me."},
    "ack": {"ca": "D'acord. Voleu saber alguna cosa més?", "es": "De acuerdo. ¿Quiere saber algo más?", "en": "All right. Anything else?"},
    "crisis": {"ca": "Si esteu passant un moment molt difícil, no esteu sols: truqueu al 024 (atenció a la conducta suïcida, gratuït, 24 hores) o al 112 si és una urgència.",
               "es": "Si está pasando un momento muy difícil, no está solo: llame al 024 (atención a la conducta suicida, gratuito, 24 horas) o al 112 si es una urgencia.",
               "en": "If you are going through a very hard time, you are not alone: call 024 (suicide prevention line, free, 24 hours) or 112 in an emergency."},
}
