"""Reads what the configured console handler (config/settings.py LOGGING) writes, as JSON."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from doorstep.core.logging import JsonFormatter


class Lines:
    def __init__(self, stream: io.StringIO) -> None:
        self.stream = stream

    @property
    def text(self) -> str:
        return self.stream.getvalue()

    def records(self, logger: str | None = None) -> list[dict[str, Any]]:
        lines = [json.loads(line) for line in self.text.splitlines() if line.startswith("{")]
        return [line for line in lines if logger is None or line["logger"] == logger]

    def one(self, logger: str) -> dict[str, Any]:
        found = self.records(logger)
        assert len(found) == 1, found
        return found[0]


@contextmanager
def console_lines() -> Iterator[Lines]:
    """The real "console" handler (its filters: request id, redaction) with LOG_FORMAT=json,
    writing into a buffer for the test."""
    handler = next(h for h in logging.getLogger().handlers if h.name == "console")
    stream = io.StringIO()
    old_stream, old_formatter = handler.setStream(stream), handler.formatter
    handler.setFormatter(JsonFormatter())
    try:
        yield Lines(stream)
    finally:
        handler.setStream(old_stream)
        handler.setFormatter(old_formatter)
