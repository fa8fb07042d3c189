"""What a reply must hold before any platform is asked: something a customer
could read. Shared by every adapter's check_reply (through adapters.base)."""
from __future__ import annotations

# Characters that take no room on screen: a reply made only of these (and
# spaces) reads as empty to the customer, so it is refused like an empty one.
INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e\u2800"), None)


def empty_reply_problem(text: str) -> str | None:
    """Shared by every adapter's check_reply: nothing a customer could read."""
    if not text.translate(INVISIBLE).strip():
        return ("The reply has no visible text, so there is nothing to send (attached files are not "
                "sent to the customer). Write the answer as text in this thread.")
    return None
