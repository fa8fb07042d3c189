"""A staff message shown in its Slack thread by the bot — a reply written in
the composer, a `/social private` message, what a `!name` saved reply became.

Each is posted once: marked with its outbox id and part as message metadata,
and a lost Slack answer is looked for rather than posted again. Where the copy
is the message's own place in Slack (composer, private), its ts is stored on
the message row, so a second call is a no-op. The customer's reply never waits
on it: a Slack failure costs only the copy, with one warning line.
"""
from __future__ import annotations

import logging
from typing import Callable

from bot.deps import Deps
from bot.slack.slack_out import SLACK_ERRORS
from bot.store.models import Conversation, Message, Outbox

log = logging.getLogger(__name__)


def quoted(text: str) -> str:
    return "\n".join(f"> {line}" for line in text.splitlines() or [""])


def show_in_thread(deps: Deps, outbox_id: int, part: str, words: Callable[[Outbox, Conversation], str], *,
                   keep_ts: bool, look_first: bool) -> None:
    """words(row, conv): the copy's text. keep_ts: the copy is the message's
    Slack ts (stored; a copy already there is not posted again). look_first:
    search the thread for the mark before the first post (a retry of the
    whole step could have posted it already)."""
    with deps.sessions() as session:
        row = session.get(Outbox, outbox_id)
        conv = session.get(Conversation, row.conversation_id)
        message = session.get(Message, row.message_id) if keep_ts else None
        if message is not None and message.slack_ts is not None:
            return
        text = words(row, conv)
        session.commit()  # no lock held while Slack answers
        try:
            ts = deps.slack.notice_once(conv.slack_channel, conv.slack_root_ts, text,
                                        {"outbox": str(row.id), "part": part},
                                        since=row.created_at, look_first=look_first)
        except SLACK_ERRORS as exc:  # the customer still gets it; the thread misses the copy
            log.warning("#%s: the %s copy could not be posted in the thread: %s", conv.id, part, exc)
            return
        if message is not None:
            message.slack_ts = ts
            session.commit()
