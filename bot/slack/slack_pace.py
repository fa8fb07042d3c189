"""Posting at the rate Slack grants, per channel (the turns themselves are
shared by every process through the database: bot.slack.shared_pace).

Slack allows chat.postMessage about once a second per channel, with short
bursts, and refuses a post over it with HTTP 429 and `Retry-After` (seconds);
a refused post was not made, so it is always safe to make it again. Before
this, a surge met the limit head on: every post tried at once, slack_sdk's
retry handler waited Retry-After plus up to a second of jitter, and gave the
post up to the next pass after two refusals (59 customers took 1.8× what
the limit allows, 60 × 429, 5 posts left for the worker).

A channel Slack has not refused goes at once, as fast as Slack answers (its
burst is Slack's to decide). Once Slack answers 429, the channel is paced for
as long as it stays busy (PACED_FOR after its last paced post): the pacer
hands out turns (a GCRA token bucket) at the documented rate; a caller
reserves the next free turn and waits for it, so posts from several threads
interleave one turn at a time — a staff notice or an SLA ping waits for one
turn, never behind a whole queue of customer posts. Each 429 pushes the
channel's next turn to Retry-After from now, for every caller. Time is
injected (clock and sleep), so tests advance a clock instead of sleeping.
"""
from __future__ import annotations

import logging
import threading
import time
from typing import Callable, TypeVar

from slack_sdk.errors import SlackApiError

log = logging.getLogger(__name__)
T = TypeVar("T")
PACED_FOR = 30.0  # seconds a channel stays paced after its last 429 or paced post
# A caller's hint that it has not read the channel's shared turn (slack_pace.paced_until) itself.
NOT_READ = object()


def retry_after(exc: SlackApiError) -> float | None:
    """The Retry-After of a 429 (seconds), or None when it is not a 429."""
    response = exc.response
    if getattr(response, "status_code", None) != 429:
        return None
    headers = getattr(response, "headers", None) or {}
    value = next((v for k, v in headers.items() if k.lower() == "retry-after"), None)
    if isinstance(value, list):
        value = value[0] if value else None
    try:
        return max(0.0, float(value))
    except (TypeError, ValueError):
        return 1.0  # Slack always sends it; one second is its usual answer for posts


class LocalTurns:
    """One process's turns per channel (GCRA): `reserve` gives the time of the
    channel's next free turn, or None while Slack has not pushed back lately;
    `refuse` moves the next turn to Retry-After from now. bot.slack.shared_pace
    keeps the same two answers in the database, for every process at once."""

    def __init__(self):
        self._due: dict[str, float] = {}  # channel → theoretical time of its next turn
        self._paced_until: dict[str, float] = {}  # channel → when it goes at once again
        self._lock = threading.Lock()

    def reserve(self, channel: str, now: float, interval: float, burst: int, paced_until=NOT_READ) -> float | None:
        with self._lock:
            if now >= self._paced_until.get(channel, now):
                return None  # Slack has not pushed back lately: no turn to wait for
            due = max(self._due.get(channel, now), now)
            turn = due - (burst - 1) * interval
            self._due[channel] = due + interval
            self._paced_until[channel] = max(turn, now) + PACED_FOR
            return turn

    def refuse(self, channel: str, now: float, wait: float, interval: float, burst: int) -> None:
        with self._lock:
            # Nobody goes before now + wait; after that, one turn at a time.
            self._due[channel] = max(self._due.get(channel, now), now + wait + (burst - 1) * interval)
            self._paced_until[channel] = now + wait + PACED_FOR


class ChannelPacer:
    """Turns per channel once Slack has refused one: `burst` at once, then
    one per 1/rate seconds; a 429 moves the next turn to Retry-After from now.
    The turns live in `turns`: this process's own (LocalTurns), or the
    database's, shared by every process posting to the workspace — Slack's
    limit is per channel, not per process. The clock is the wall clock, the
    one every process agrees on."""

    def __init__(self, rate: float = 1.0, burst: int = 1, clock: Callable[[], float] = time.time,
                 sleep: Callable[[float], None] = time.sleep, turns=None):
        self.rate, self.burst, self.clock, self.sleep = rate, burst, clock, sleep
        self.turns = turns or LocalTurns()
        # Held by whoever posts this process's customer posts (bot.inbound.ingest.publish_unposted):
        # one pass at a time, so they go out oldest first.
        self.publisher = threading.Lock()
        self.refusals = 0  # 429s met, for logs and benchmarks

    def wait_turn(self, channel: str, paced_until=NOT_READ) -> None:
        """paced_until: the channel's shared turn as the caller read it in the
        transaction it committed just before (bot.store.queries.claim_to_post),
        so shared turns need no read of their own; LocalTurns ignores it."""
        now = self.clock()
        turn = self.turns.reserve(channel, now, 1.0 / self.rate, self.burst, paced_until)
        if turn is not None and turn > now:
            self.sleep(turn - now)

    def refused(self, channel: str, wait: float) -> None:
        self.refusals += 1
        self.turns.refuse(channel, self.clock(), wait, 1.0 / self.rate, self.burst)

    def call(self, channel: str, send: Callable[[], T], paced: bool = True, paced_until=NOT_READ) -> T:
        """send() in the channel's next turn (paced) or at once (methods of
        another tier, e.g. chat.update); again after each 429, as long as
        Slack answers 429: a refusal is Slack saying "not yet", never a
        reason to give the post up to a later pass."""
        refusals = 0
        while True:
            if paced:
                self.wait_turn(channel, paced_until)
                paced_until = NOT_READ  # after a 429 the turn is the database's to give
            try:
                return send()
            except SlackApiError as exc:
                wait = retry_after(exc)
                if wait is None:
                    raise
            refusals += 1
            self.refused(channel, wait)
            (log.warning if refusals % 10 == 0 else log.debug)(
                "Slack asked to wait %.0f s before posting in %s (%d in a row)", wait, channel, refusals)
            if not paced:
                self.sleep(wait)
