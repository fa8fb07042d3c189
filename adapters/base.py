"""The seam between the core and each platform: typed frozen dataclasses at the
edge, one error family, and capabilities instead of platform-name checks."""
from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, Sequence


class Capability(enum.Enum):
    PUBLIC_REPLY = "public_reply"
    PRIVATE_REPLY = "private_reply"
    DM = "dm"
    LIKE = "like"
    WEBHOOK = "webhook"
    POLL = "poll"
    FIND_SENT = "find_sent"  # can look up its own earlier reply (crash recovery)


@dataclass(frozen=True)
class InboundPost:
    platform: str
    external_id: str
    thread_id: str          # conversation on the platform (tweet conversation_id, …)
    author_id: str
    author_handle: str
    author_name: str | None
    text: str               # already decoded from platform entities; raw customer text
    created_at: datetime | None  # platform timestamp (aware UTC) if it gave one
    url: str | None
    platform_label: str     # human name for Slack ("X", "Facebook", …)


@dataclass(frozen=True)
class OutboundReply:
    platform: str
    in_reply_to: str        # external id of the customer's post being answered
    text: str               # plain text, Slack markup already removed
    idempotency_key: str


@dataclass(frozen=True)
class SentMessage:
    external_id: str
    url: str | None


@dataclass(frozen=True)
class RateLimit:
    remaining: int
    reset_at: datetime


@dataclass(frozen=True)
class FetchResult:
    posts: Sequence[InboundPost]   # oldest first
    cursor: str | None             # what to pass next time (None: unchanged)
    rate_limit: RateLimit | None   # from the last response's headers


class AdapterError(Exception):
    """Transient: outage, timeout, 5xx. Retried with backoff."""


class RateLimited(AdapterError):
    def __init__(self, retry_at: datetime, message: str = "rate limited"):
        super().__init__(f"{message}; retry at {retry_at:%H:%M:%S} UTC")
        self.retry_at = retry_at


class AmbiguousSend(AdapterError):
    """The request went out but no answer came back (a timeout, a 5xx, a
    connection lost mid-request): the platform may have stored the post.
    Never resent blindly; the next attempt first looks for it (find_sent)."""


class PermanentSendError(Exception):
    """Retrying cannot help (text too long, post deleted, auth revoked).
    The message is shown to staff in the thread, so it says what to do."""


class CredentialsRejected(PermanentSendError):
    """The platform rejected our credentials (401): nothing works until an
    operator fixes them. A one-shot command exits non-zero; the worker backs off."""


class DuplicatePost(PermanentSendError):
    """The platform refuses the text because the account already posted it —
    after an ambiguous attempt, that is proof our reply is there."""


# Characters that take no room on screen: a reply made only of these (and
# spaces) reads as empty to the customer, so it is refused like an empty one.
INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e\u2800"), None)


def empty_reply_problem(text: str) -> str | None:
    """Shared by every adapter's check_reply: nothing a customer could read."""
    if not text.translate(INVISIBLE).strip():
        return ("The reply has no visible text, so there is nothing to send (attached files are not "
                "sent to the customer). Write the answer as text in this thread.")
    return None


class Adapter(Protocol):
    platform: str
    label: str
    capabilities: frozenset[Capability]

    def fetch_since(self, cursor: str | None, start_time: datetime | None) -> FetchResult: ...

    def send_reply(self, reply: OutboundReply) -> SentMessage: ...

    def find_sent(self, reply: OutboundReply) -> SentMessage | None: ...

    def check_reply(self, text: str) -> str | None:
        """A reason the text cannot be sent as is (e.g. too long), or None."""
