"""Logging set-up for `isac serve`: text or JSON lines, and no uvicorn access log.

isac writes its own access line (method, path, status, time) without query strings or
client addresses: a question can carry personal data, and the path never does.
"""

from __future__ import annotations

import json
import logging


class JsonFormatter(logging.Formatter):
    """One JSON object per record."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as JSON with time, level, logger and message."""
        return json.dumps({"time": self.formatTime(record), "level": record.levelname, "logger": record.name,
                           "message": record.getMessage()}, ensure_ascii=False)


def log_config(json_logs: bool) -> dict:
    """A logging dictConfig for uvicorn and isac."""
    formatter = {"()": "isac.logs.JsonFormatter"} if json_logs else \
        {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}
    handler = {"class": "logging.StreamHandler", "formatter": "default", "stream": "ext://sys.stderr"}
    return {
        "version": 1, "disable_existing_loggers": False,
        "formatters": {"default": formatter},
        "handlers": {"default": handler},
        "loggers": {
            "uvicorn": {"handlers": ["default"], "level": "INFO", "propagate": False},
            "uvicorn.error": {"handlers": ["default"], "level": "INFO", "propagate": False},
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
            "isac": {"handlers": ["default"], "level": "INFO", "propagate": False},
        },
    }
