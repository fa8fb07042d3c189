"""What jobs and handlers need, built once per process and passed in."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Callable

from sqlalchemy.orm import Session, sessionmaker

from adapters.base import Adapter
from bot.config import Settings
from bot.slack.slack_out import SlackPoster
from bot.rules.sla import SlaPolicy

if TYPE_CHECKING:
    from bot.slack.publishers import Publishers


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class Deps:
    settings: Settings
    sessions: sessionmaker[Session]
    slack: SlackPoster
    adapters: dict[str, Adapter]
    policy: SlaPolicy
    clock: Callable[[], datetime] = field(default=utc_now)
    publishers: "Publishers | None" = None  # who may speak for the brand (bot.slack.publishers)
    # True once the process is asked to stop (the worker's SIGTERM): a long pass
    # ends between two platform calls, leaving the rest to the next worker.
    stopping: Callable[[], bool] = field(default=lambda: False)

    @property
    def channel(self) -> str:
        assert self.settings.slack_channel, "SLACK_CHANNEL is checked at start"
        return self.settings.slack_channel

    @property
    def listen_channel(self) -> str:
        """Where 👂 listening matches go: LISTEN_CHANNEL, else SLACK_CHANNEL."""
        return self.settings.listen_channel or self.channel

    def label(self, platform: str, private: bool = False) -> str:
        """How staff know the platform ("X"), or its private channel ("X DM")."""
        adapter = self.adapters.get(platform)
        if adapter is None:
            return platform.title() + (" (private)" if private else "")
        return adapter.private_label if private else adapter.label

    def lease_until(self, now: datetime, at_least: timedelta = timedelta(0)) -> datetime:
        """Until when a claim taken now is this process's: DELIVERY_LEASE (or
        at_least) from the later of `now` and the clock. A pass's `now` is when
        it began: a claim late in a long pass counted from it was born expired,
        and another process took the row over while this one was still sending
        it (the scale test on a slow host: a customer's root posted twice)."""
        return max(now, self.clock()) + max(self.settings.delivery_lease, at_least)

    def where_sent(self, row) -> str:
        """Where an outbox row goes, as people call it: a private one goes to
        the platform's private channel ("Messenger", "X DM"), not "Facebook"."""
        return self.label(row.platform, row.kind == "private")


def backoff(attempt: int, first: float = 1.0, cap: float = 300.0) -> timedelta:
    """Exponential backoff starting near 1 s, capped at 5 min."""
    return timedelta(seconds=min(cap, first * 2 ** max(0, attempt - 1)))
