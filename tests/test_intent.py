import pytest

from isac.intent import detect_intent


@pytest.mark.parametrize("text,intent", [
    ("quant costa el certificat?", "cost"),
    ("¿cuánto cuesta el vado?", "cost"),
    ("i quant es paga?", "cost"),
    ("quins documents he de portar?", "documents"),
    ("¿qué papeles necesito?", "documents"),
    ("quin és el termini per presentar-ho?", "deadlines"),
    ("¿cuándo se paga el IBI?", "deadlines"),
    ("qui el pot demanar?", "who"),
    ("on es fa?", "how"),
    ("¿dónde se hace?", "how"),
    ("volant padró", None),
])
def test_section_intents(text, intent):
    assert detect_intent(text) == intent
