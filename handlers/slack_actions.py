"""Reactions and buttons on the root message (filled in with the staff workflow)."""
from __future__ import annotations

from slack_bolt import App

from bot.deps import Deps


def register(app: App, deps: Deps) -> None:
    return None
