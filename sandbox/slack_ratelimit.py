"""Slack's per-channel limit on chat.postMessage, for the emulator.

Slack documents it as "one message per second per channel", with "short
bursts >1 allowed", and answers a post over the limit with HTTP 429, a
`Retry-After` header (whole seconds) and {"ok": false, "error": "ratelimited"}
(docs.slack.dev/apis/web-api/rate-limits). Modelled as a token bucket per
channel: `burst` posts at once, then one per 1/rate seconds, on the
emulator's clock (tests hand in theirs, so nobody sleeps).
"""
from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass
class TokenBucket:
    rate: float   # posts per second
    burst: int    # posts at once, from a rested channel
    tokens: float = -1.0
    at: float = 0.0

    def take(self, now: float) -> float:
        """Take a token at `now`: 0 when granted, else the seconds until one is there."""
        if self.tokens < 0:  # a channel first seen is rested
            self.tokens, self.at = float(self.burst), now
        self.tokens = min(float(self.burst), self.tokens + max(0.0, now - self.at) * self.rate)
        self.at = max(self.at, now)
        if self.tokens >= 1.0 - 1e-9:
            self.tokens -= 1.0
            return 0.0
        return (1.0 - self.tokens) / self.rate


def retry_after(wait: float) -> int:
    """Slack's Retry-After is whole seconds, never 0 on a refusal."""
    return max(1, math.ceil(wait - 1e-9))


def floor(arrivals: list[float], rate: float, burst: int) -> float:
    """The limit's own floor: how long after the first arrival the last of
    these posts can be in the channel if each is posted the moment both it
    has arrived and the bucket has a token (in arrival order)."""
    if not arrivals:
        return 0.0
    bucket, last = TokenBucket(rate, burst), 0.0
    for arrived in sorted(arrivals):
        at = max(arrived, last)
        wait = bucket.take(at)
        while wait > 0:
            at += wait
            wait = bucket.take(at)
        last = at
    return last - min(arrivals)
