"""The seam between the core and each platform: typed frozen dataclasses at the
edge, one error family, and capabilities instead of platform-name checks."""
from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable, Mapping, Protocol, Sequence, runtime_checkable

# Text made storable, and a reply nobody could read, live in adapters/text.py; adapters import them from here.
from adapters.text import INVISIBLE, _cut, clean_text, empty_reply_problem  # noqa: F401


class ActionKind(str, enum.Enum):
    """What an outbox row does on the platform."""
    REPLY = "reply"        # a public reply to the customer's latest post
    PRIVATE = "private"    # a private message to the customer (a DM, a private reply)
    LIKE = "like"
    UNLIKE = "unlike"
    HIDE = "hide"          # a customer's public post hidden from view on the platform (moderation)
    UNHIDE = "unhide"


# An attachment of this kind marks the post read-only: the platform lets nobody
# answer it from here, and its name says why (shown on the root).
READ_ONLY = "read_only"


@dataclass(frozen=True)
class Attachment:
    kind: str               # "image", "sticker", "video", "audio", "file", …
    url: str | None
    name: str | None = None

    def __post_init__(self) -> None:
        """What cannot be shown is dropped, never the post: a kind, URL or name
        that is not text (a Messenger `title` sent as an object) becomes None."""
        for name, longest in (("kind", 32), ("url", 2048), ("name", 256)):
            try:
                value = _cut(clean_text(getattr(self, name)), longest)
            except ValueError:
                value = None
            object.__setattr__(self, name, value if value or name != "kind" else "file")


@dataclass(frozen=True)
class InboundPost:
    platform: str
    external_id: str
    thread_id: str          # conversation on the platform (tweet conversation_id, DM conversation, …)
    author_id: str
    author_handle: str
    author_name: str | None
    text: str               # already decoded from platform entities; raw customer text
    created_at: datetime | None  # platform timestamp (aware UTC) if it gave one
    url: str | None
    platform_label: str     # human name for Slack ("X", "X DM", "Facebook", …)
    account: str = ""       # the brand account it was sent to (X user id, Page id, …)
    private: bool = False   # a private message (DM): answered privately, shown as such
    change: str | None = None  # "edited" / "removed": the customer changed an earlier post (shown, no new wait)
    attachments: tuple[Attachment, ...] = ()
    # author_handle is a stand-in (the delivery named only an id): the name is
    # looked up (NameFinder) after the webhook was answered, before Slack shows it.
    name_pending: bool = False
    # A review (Trustpilot, Google, Yelp): its stars 1–5, headline and the
    # business location it is about. A review's later revision comes with
    # change="revised": shown in its thread, and — unlike an edit — a new wait.
    rating: int | None = None
    title: str | None = None
    location: str | None = None
    # Found by a listening search (LISTEN_TERMS): the customer named the brand
    # without tagging it. A 👂 conversation; whether a public reply may answer
    # it is the adapter's to say (adapters.listening.Searcher).
    listened: bool = False

    def __post_init__(self) -> None:
        """A platform's payload is outside input. What can be cleaned is
        cleaned — ids sent as numbers become text, control characters and NUL
        are dropped, names and links too long to store are cut — so one odd
        field never loses the post. What cannot be (an id missing, an id
        longer than any platform's, text that is not text) is a ValueError:
        the adapter logs and skips that one post, and the rest flow."""
        for name, longest in IDS.items():
            value = clean_text(getattr(self, name))
            if value is None or len(value) > longest or (not value and name != "account"):
                raise ValueError(f"{self.platform} post: {name} must be text of at most {longest} characters")
            object.__setattr__(self, name, value)
        for name, longest in SHOWN.items():
            object.__setattr__(self, name, _cut(clean_text(getattr(self, name)), longest))
        object.__setattr__(self, "text", clean_text(self.text) or "")
        if not isinstance(self.private, bool):
            raise ValueError(f"{self.platform} post: private must be true or false")
        if self.created_at is not None and not isinstance(self.created_at, datetime):
            raise ValueError(f"{self.platform} post: created_at must be a time")
        if self.rating is not None and (isinstance(self.rating, bool) or self.rating not in range(1, 6)):
            raise ValueError(f"{self.platform} post: rating must be a whole number of stars from 1 to 5")
        if not all(isinstance(a, Attachment) for a in self.attachments):
            raise ValueError(f"{self.platform} post: attachments are malformed")


# Column sizes of the stored post (bot/store/models.py): ids must fit, shown names are
# cut. Real ids run long — an Instagram message id is about 164 characters, and an
# edit's key adds its time — so ids get room to spare; a longer one is not an id.
IDS = {"platform": 32, "external_id": 512, "thread_id": 512, "author_id": 128, "account": 128}
SHOWN = {"author_handle": 128, "author_name": 256, "url": 2048, "platform_label": 64, "change": 16,
         "title": 512, "location": 256}
# A change that starts a new wait: the customer revised their review (new stars
# or text), which deserves an answer again — an edit of a comment does not.
REVISED = "revised"


@dataclass(frozen=True)
class PostRef:
    """What an adapter needs to pick an action's target."""
    external_id: str        # the customer's post (or DM event) the action is about
    author_id: str          # the customer
    private: bool           # the conversation is a private channel (a DM thread)
    created_at: datetime | None = None  # when the customer wrote it (messaging windows count from here)
    listened: bool = False  # a listening match: the customer did not tag the brand


@dataclass(frozen=True)
class OutboundAction:
    platform: str
    kind: ActionKind
    target: str             # chosen by the adapter's target_for: a post id, a user id, …
    text: str               # plain text, Slack markup already removed ("" for a like)
    idempotency_key: str
    about_at: datetime | None = None  # the customer's latest message (messaging windows)
    # When staff wrote it: no earlier attempt to send it can be older, so a
    # look for one (find_sent) need not reach further back.
    queued_at: datetime | None = None


@dataclass(frozen=True)
class SentMessage:
    external_id: str
    url: str | None
    note: str | None = None  # what staff should know about how it went out (said in the thread)
    # The platform thread the customer's answer will arrive in (a private reply
    # to a comment opens a Messenger / Instagram DM conversation; an X reply is
    # the parent a customer's answer names): it joins this conversation's Slack thread.
    opens_thread: str | None = None


@dataclass(frozen=True)
class RateLimit:
    remaining: int
    reset_at: datetime


@dataclass(frozen=True)
class FetchResult:
    posts: Sequence[InboundPost]   # oldest first
    cursor: str | None             # what to pass next time (None: unchanged)
    rate_limit: RateLimit | None   # from the last response's headers
    reads: int = 0                 # posts the platform counted as read (billed per post on X)
    listing: "Listing | None" = None  # the pass read everything under a prefix: what is not there is gone


@dataclass(frozen=True)
class Listing:
    """Everything the platform lists under `prefix` (all of a Google location's reviews, read to the last
    page), for a platform that sends nothing when a post is deleted: a thread we hold under the prefix that is
    not `present` was removed by its author (`gone` builds that removal); one we hold as removed that is present
    again was published again (its post as it reads now, a revision, reopens it)."""
    platform: str
    account: str
    prefix: str                                  # the thread ids (review names) it covers start with this
    present: Mapping[str, InboundPost]           # thread id → the post as it reads now (change "revised")
    gone: Callable[[str], "InboundPost | None"]  # thread id → its removal


# The error family lives in adapters/errors.py; every adapter and the core import it from here.
from adapters.errors import (AdapterError, AmbiguousSend, CredentialsRejected, DuplicatePost,  # noqa: E402,F401
                             PermanentSendError, PostGone, RateLimited, UnconfirmedSend)


# -- what an adapter is, and what it may be able to do ----------------------------
# Every adapter is an Adapter; the rest are optional, declared by having the
# methods (runtime-checkable Protocols): the core asks isinstance(adapter, Liker),
# never which platform it is.

@runtime_checkable
class Adapter(Protocol):
    platform: str           # "x", "facebook", …: stored on every row
    label: str              # how people call it in Slack ("X")
    private_label: str      # how its private channel is called ("X DM")

    @property
    def account_key(self) -> str: ...     # "<platform>:<brand account id>"

    def account_id(self) -> str: ...

    def account_name(self) -> str: ...    # "@acme_support"

    def check_reply(self, text: str, kind: ActionKind, about: PostRef | None = None) -> str | None:
        """Checks that need no network (length, emptiness, a closed window),
        run when staff write the reply: a reason it cannot be sent, or None."""

    def target_for(self, kind: ActionKind, post: PostRef) -> str:
        """Whom an action of this kind about the customer's post targets."""


@dataclass(frozen=True)
class Feed:
    """One pollable stream of an account (mentions, DMs): its own cursor and
    rate-limit window, so each is spread over its own limit."""
    key: str                # poll cursor key, "<account_key>" or "<account_key>:<feed>"
    name: str               # "X @acme_support DMs"
    fetch: Callable[[str | None, datetime | None], FetchResult]


@runtime_checkable
class Poller(Protocol):
    def feeds(self) -> Sequence[Feed]: ...


@runtime_checkable
class WebhookSource(Protocol):
    webhook_name: str       # the route is /webhooks/<webhook_name>

    def handshake(self, query: Mapping[str, str]) -> tuple[int, dict | str]:
        """The platform's subscription check (GET): status and body."""

    def verify_webhook(self, headers: Mapping[str, str], body: bytes) -> bool:
        """The signature over the raw body, compared in constant time."""

    def parse_webhook(self, payload: dict) -> list[InboundPost]:
        """Customer posts in a verified payload (our own echoes left out)."""


@runtime_checkable
class Replier(Protocol):
    def send_reply(self, action: OutboundAction) -> SentMessage: ...


@runtime_checkable
class PrivateMessenger(Protocol):
    def send_private(self, action: OutboundAction) -> SentMessage: ...


@dataclass(frozen=True)
class Heart:
    """What a staff ❤️ on one customer message does on the platform. `name`
    says it to people ("Like on Facebook", "React on Messenger"); None: the
    platform offers nothing for this kind of message, so the ❤️ stays a
    reaction among colleagues, and `why_not` is the log line's reason."""
    name: str | None
    why_not: str | None = None


@runtime_checkable
class Liker(Protocol):
    def heart(self, post: PostRef) -> Heart:
        """What a ❤️ on this customer message means here (no network)."""

    def like(self, action: OutboundAction) -> SentMessage: ...

    def unlike(self, action: OutboundAction) -> SentMessage: ...


def heart_for(adapter, post: PostRef) -> Heart:
    """What a staff ❤️ does, asked of the adapter: one that cannot like at all
    says so for every message."""
    if adapter is None:
        return Heart(None, "its platform is not configured here")
    if not isinstance(adapter, Liker):
        return Heart(None, f"{adapter.label} offers no like or reaction an app may send")
    return adapter.heart(post)


@runtime_checkable
class SessionKeeper(Protocol):
    """Logins rate-limited (Bluesky: 300 a day): every process resumes the stored session."""
    session_key: str
    def needs_session(self) -> bool: ...           # not logged in yet: a stored session spares a login
    def use_session(self, saved: str) -> None: ...
    def session_to_store(self) -> str | None: ...  # the session, when it changed since last asked


@runtime_checkable
class Hider(Protocol):
    """A customer's public post can be hidden from others' view (Threads'
    manage_reply): staff react 🙈 on it in the thread; removing the 🙈 shows it."""
    def hide_problem(self, post: PostRef) -> str | None:
        """Why this customer message cannot be hidden (no network), or None."""

    def hide(self, action: OutboundAction) -> SentMessage: ...

    def unhide(self, action: OutboundAction) -> SentMessage: ...


def hide_problem(adapter, post: PostRef) -> str | None:
    """Why a staff 🙈 stays among colleagues, asked of the adapter, or None."""
    if adapter is None:
        return "its platform is not configured here"
    if not isinstance(adapter, Hider):
        return f"{adapter.label} lets no app hide a customer's post"
    return adapter.hide_problem(post)


@runtime_checkable
class SentFinder(Protocol):
    def find_sent(self, action: OutboundAction) -> SentMessage | None:
        """After an ambiguous send: our earlier message if the platform has it."""


@runtime_checkable
class NameFinder(Protocol):
    def find_name(self, author_id: str) -> tuple[str, str | None] | None:
        """The customer's (handle as shown, display name) looked up on the
        platform, or None. Called after a webhook was answered, never before:
        a slow or failing look-up must not hold up the platform's delivery."""


@runtime_checkable
class OneReplyPerPost(Protocol):
    def replaces(self, earlier: str) -> str:
        """The platform keeps one public reply per customer post (a review's
        company reply): what the thread is told, before a later staff reply
        goes out, about the earlier one (`earlier`, as staff wrote it)."""


@runtime_checkable
class ReplyRemover(Protocol):
    def remove_reply(self, target: str, text: str) -> bool:
        """Take back the brand's public reply to `target` (staff deleted it in Slack) when it is
        still `text`: True when the platform shows it no more, False when another reply (a
        later one) stands there — left alone. Idempotent: removing a removed reply is True."""


@runtime_checkable
class AccessChecked(Protocol):
    def check_access(self) -> None:
        """One call at start: raises CredentialsRejected (one line naming the fix) when the
        platform refuses this project or identity outright; an outage only logs."""


@runtime_checkable
class Windowed(Protocol):
    def reply_window(self, private: bool) -> timedelta | None:
        """How long after the customer's last message the brand may still
        answer in this kind of channel (Messenger: 24 h), or None: no limit."""


@runtime_checkable
class Measured(Protocol):
    def measure(self, text: str, kind: ActionKind) -> tuple[int, int]:
        """(the reply's length as the platform counts it, the most it takes):
        the one count check_reply and the composer's live count share."""


def can(adapter, kind: ActionKind) -> bool:
    """Whether the adapter can carry out actions of this kind."""
    return implements(adapter, {ActionKind.REPLY: Replier, ActionKind.PRIVATE: PrivateMessenger,
                                ActionKind.LIKE: Liker, ActionKind.UNLIKE: Liker,
                                ActionKind.HIDE: Hider, ActionKind.UNHIDE: Hider}[kind])


def implements(adapter, protocol) -> bool:
    """isinstance(adapter, protocol), remembered per adapter class (capabilities are class methods): a runtime
    Protocol's isinstance costs ~35 µs on Python 3.11, and every customer post asks several times."""
    key = (type(adapter), protocol)
    if key not in _IMPLEMENTS:
        _IMPLEMENTS[key] = isinstance(adapter, protocol)
    return _IMPLEMENTS[key]


_IMPLEMENTS: dict[tuple[type, type], bool] = {}


def perform(adapter, action: OutboundAction) -> SentMessage:
    """Carry out one outbox action through the adapter's matching method."""
    if action.kind is ActionKind.REPLY:
        return adapter.send_reply(action)
    if action.kind is ActionKind.PRIVATE:
        return adapter.send_private(action)
    if action.kind in (ActionKind.HIDE, ActionKind.UNHIDE):
        return adapter.hide(action) if action.kind is ActionKind.HIDE else adapter.unhide(action)
    return adapter.like(action) if action.kind is ActionKind.LIKE else adapter.unlike(action)
