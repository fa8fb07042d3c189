"""Platform name → adapter, for the platforms whose credentials are present."""
from __future__ import annotations

import logging

from adapters.base import Adapter
from bot.config import Settings

log = logging.getLogger(__name__)


def build_adapters(settings: Settings) -> dict[str, Adapter]:
    adapters: dict[str, Adapter] = {}
    if settings.x:
        from adapters.x import XAdapter
        adapters["x"] = XAdapter(settings.x)
    else:
        log.info("X is off: set X_API_KEY, X_API_SECRET, X_ACCESS_TOKEN and X_ACCESS_TOKEN_SECRET to turn it on")
    return adapters
