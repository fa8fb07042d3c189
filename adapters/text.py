"""Outside text made storable, and the one refusal every adapter shares: a reply with nothing a customer could
read. Re-exported by adapters.base."""
from __future__ import annotations

import re


# Characters no stored or shown text may hold: NUL (PostgreSQL refuses it in
# text), the other C0/C1 controls but tab and newlines, and lone surrogates
# (a JSON "\\ud800" escape decodes to one; no database encoding can store it).
_UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def clean_text(value) -> str | None:
    """Outside text made storable: numbers become text (older Meta deliveries
    send ids as JSON numbers), None stays None, and characters no database can
    hold are dropped (surrogates become U+FFFD). Anything else is malformed."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise ValueError(f"expected text, got {type(value).__name__}")
    text = str(value)
    return _UNSTORABLE.sub(lambda m: "\ufffd" if "\ud800" <= m.group() <= "\udfff" else "", text)


def _cut(value: str | None, longest: int) -> str | None:
    return value[:longest - 1] + "…" if value and len(value) > longest else value


# Characters that take no room on screen: a reply made only of these (and
# spaces) reads as empty to the customer, so it is refused like an empty one.
INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e\u2800"), None)


def empty_reply_problem(text: str) -> str | None:
    """Shared by every adapter's check_reply: nothing a customer could read."""
    if not text.translate(INVISIBLE).strip():
        return ("The reply has no visible text, so there is nothing to send (attached files are not "
                "sent to the customer). Write the answer as text.")  # the thread or the composer: both read it
    return None
