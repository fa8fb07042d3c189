"""The seam's error family: what an adapter raises and the core understands —
transient (retried with backoff), ambiguous (looked for before any resend) or
permanent (said to staff in the thread). Re-exported by adapters.base."""
from __future__ import annotations

from datetime import datetime


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


class PostGone(PermanentSendError):
    """The platform no longer has the customer's post (a 404 reading it back
    before a reply): refused like any permanent error, and — where the
    adapter can build it — `removal`, the author's removal of that post as an
    InboundPost, is recorded as if the platform had said so."""

    def __init__(self, message: str, removal=None):
        super().__init__(message)
        self.removal = removal


class CredentialsRejected(PermanentSendError):
    """The platform rejected our credentials (401): nothing works until an
    operator fixes them. A one-shot command exits non-zero; the worker backs off."""


class DuplicatePost(PermanentSendError):
    """The platform refuses the text because the account already posted it —
    after an ambiguous attempt, that is proof our reply is there."""


class UnconfirmedSend(PermanentSendError):
    """After an ambiguous attempt, the platform cannot be asked whether it has
    the message (nothing lists it, or the look-up itself is refused): it is not
    sent again, and staff are told it may or may not have reached the customer
    — the message says how to check."""
