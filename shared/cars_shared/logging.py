"""Structured JSON logs carrying the request and correlation ids through every process."""

from __future__ import annotations

import logging
import sys
import uuid
from typing import Any

import structlog
from structlog.contextvars import bind_contextvars, bound_contextvars, get_contextvars

from cars_shared.config import LOG_LEVEL

__all__ = [
    "bind_contextvars",
    "bound_contextvars",
    "configure",
    "configure_once",
    "correlation_id",
    "get_logger",
    "new_id",
]


def configure(process: str) -> None:
    """JSON lines on stderr, with the process name and any bound ids in every line."""
    level = getattr(logging, LOG_LEVEL.get().upper(), logging.INFO)
    logging.basicConfig(stream=sys.stderr, level=level, format="%(message)s", force=True)
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            structlog.processors.JSONRenderer(),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(level),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=True,
    )
    bind_contextvars(process=process)


def configure_once(process: str) -> None:
    """`configure`, unless this process has configured its logs already (a gateway's app made again)."""
    if not structlog.is_configured():
        configure(process)


def get_logger(name: str) -> Any:
    return structlog.get_logger(name)


def new_id() -> str:
    return str(uuid.uuid4())


def correlation_id() -> str | None:
    """The correlation id bound to the current request or event, if any."""
    return get_contextvars().get("correlation_id")
