"""isac: natural-language citizen Q&A over the Ajuntament de Terrassa's 010 knowledge."""

__version__ = "0.1.0"
