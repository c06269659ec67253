"""Personal data out of anything isac stores or logs: IDs, phones, e-mails, IBANs, cards.

Regular expressions find candidates; python-stdnum's checksums decide the ones that have
one (IBAN, card numbers via Luhn, DNI/NIE control letters). An ID-shaped token with a
wrong control letter is still someone's number mistyped, so it is redacted too; only the
label differs. Redaction runs before text reaches a log, the store or the Analyzer.
"""

from __future__ import annotations

import re

from stdnum import iban, luhn
from stdnum.es import dni, nie

# the order matters: IBANs and cards contain digit runs that look like phones
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:[ -]?[A-Z0-9]{4}){3,7}(?:[ -]?[A-Z0-9]{1,4})?\b", re.IGNORECASE)
_CARD = re.compile(r"\b\d(?:[ -]?\d){12,18}\b")
_NIE = re.compile(r"\b[XYZ][ -]?\d{7}[ -]?[A-Z]\b", re.IGNORECASE)
_DNI = re.compile(r"\b\d{8}[ -]?[A-Z]\b", re.IGNORECASE)
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
# Spanish numbers (9 digits from 6, 7, 8 or 9), with an optional +34/0034 and spacing
_PHONE = re.compile(r"(?<![\w+])(?:(?:\+|00)34[ .-]?)?[6789](?:[ .-]?\d){8}(?![\w])")


def _iban(m: re.Match) -> str:
    return "[IBAN]" if iban.is_valid(m.group(0)) else m.group(0)


def _card(m: re.Match) -> str:
    digits = re.sub(r"\D", "", m.group(0))
    return "[CARD]" if 13 <= len(digits) <= 19 and luhn.is_valid(digits) else m.group(0)


def _nie(m: re.Match) -> str:
    return "[NIE]" if nie.is_valid(m.group(0)) else "[ID]"


def _dni(m: re.Match) -> str:
    return "[DNI]" if dni.is_valid(m.group(0)) else "[ID]"


def _phone(m: re.Match) -> str:
    digits = re.sub(r"\D", "", m.group(0))
    return "[PHONE]" if len(digits) in (9, 11, 13) else m.group(0)


def redact(text: str) -> str:
    """``text`` with personal data replaced by ``[DNI]``, ``[NIE]``, ``[ID]``, ``[PHONE]``, ``[EMAIL]``, ``[IBAN]``, ``[CARD]``."""
    if not text:
        return text
    text = _EMAIL.sub("[EMAIL]", text)
    text = _IBAN.sub(_iban, text)
    text = _CARD.sub(_card, text)
    text = _NIE.sub(_nie, text)
    text = _DNI.sub(_dni, text)
    return _PHONE.sub(_phone, text)


def redact_record(record: dict) -> dict:
    """Every text value of a log record redacted (numbers and flags untouched)."""
    return {k: redact(v) if isinstance(v, str) else v for k, v in record.items()}
