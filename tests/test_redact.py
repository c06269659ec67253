"""Personal data is redacted before anything is stored or logged."""

import pytest

from isac.redact import redact, redact_record


@pytest.mark.parametrize("text, planted, label", [
    ("el meu DNI és 12345678Z", "12345678Z", "[DNI]"),
    ("dni 12345678-z, gràcies", "12345678-z", "[DNI]"),
    ("mi NIE es X1234567L", "X1234567L", "[NIE]"),
    ("truqueu-me al 612 34 56 78", "612 34 56 78", "[PHONE]"),
    ("mi móvil +34 612345678", "612345678", "[PHONE]"),
    ("fixe 93 739 70 00", "93 739 70 00", "[PHONE]"),
    ("escriviu a pep.garcia@example.cat", "pep.garcia@example.cat", "[EMAIL]"),
    ("compte ES91 2100 0418 4502 0005 1332", "2100 0418 4502 0005 1332", "[IBAN]"),
    ("targeta 4111 1111 1111 1111", "4111 1111 1111 1111", "[CARD]"),
])
def test_planted_personal_data_is_replaced_by_its_label(text, planted, label):
    out = redact(text)
    assert planted not in out and label in out


def test_a_mistyped_id_is_still_redacted():
    # a wrong control letter is still somebody's number
    assert redact("DNI 12345678A") == "DNI [ID]"


@pytest.mark.parametrize("text", [
    "quant costa el certificat d'empadronament?",
    "el 2024 vaig pagar 120 euros de taxa",
    "expedient 2023/123456 de la llicència",
    "truqueu al 010",
    "codi postal 08221",
])
def test_ordinary_text_and_numbers_are_untouched(text):
    assert redact(text) == text


def test_card_numbers_that_fail_luhn_are_not_cards():
    assert "[CARD]" not in redact("referència 1234 5678 9012 3456")


def test_records_redact_text_fields_only():
    out = redact_record({"question": "sóc 12345678Z", "confidence": 0.5, "lang": "ca"})
    assert out == {"question": "sóc [DNI]", "confidence": 0.5, "lang": "ca"}
