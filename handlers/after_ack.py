"""After the ack: what a Slack listener leaves for once its answer is on its
way — the one routine for a reply that was recorded (a thread message, a
held reply released, `/social private`), the author look-up the ack path
must not wait for, and the private answers to the person who acted.

Nothing here may lose a reply: a look-up that Slack refuses, answers too
slowly or fails is retried (publishers.standing_patiently) and, if it still
cannot say, the reply is held and its author told — never sent unchecked,
never turned into a note."""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.outbound import held
from bot.store.db import reading
from bot.outbound.deliver import PRIVATE_REACTION, deliver
from bot.deps import Deps
from bot.slack.root import refresh_root
from bot.store.models import Conversation, Outbox
from bot.outbound.notices import post_due_notices
from bot.outbound.saved import post_expansion
from bot.outbound.thread_copy import show_in_thread
from bot.desk.private import thread_copy_text
from bot.slack.publishers import LOOKUP_BUDGET, LookupFailed
from bot.outbound.relay import Relay, RelayResult, settle_author, unsettled_authors
from bot.slack.slack_out import SLACK_ERRORS

log = logging.getLogger(__name__)
LEFTOVERS_EVERY = timedelta(minutes=1)
_leftovers_at: list[datetime] = []   # when this process last settled others' unfinished look-ups
_leftovers_lock = threading.Lock()


def tell(deps: Deps, context: dict) -> None:
    """The private answer to the person who acted (context["tell"])."""
    told = context.get("tell")
    if told:
        channel, user, text, thread_ts = told
        try:
            deps.slack.ephemeral(channel, user, text, thread_ts=thread_ts)
        except SLACK_ERRORS as exc:
            log.warning("could not tell %s privately: %s", user, exc)


def refresh(deps: Deps, conversation_id: int | None) -> None:
    if conversation_id is None:
        return
    with reading(deps.sessions) as look:
        conv = look.get(Conversation, conversation_id)
    try:
        with deps.sessions() as session:  # written to only if Slack refuses the root for good (parked)
            refresh_root(session, deps, conv, deps.clock())
    except SLACK_ERRORS as exc:
        log.warning("root refresh failed: %s", exc)


@dataclass(frozen=True)
class Recorded:
    """A staff reply recorded on the ack path, and what is owed after it."""
    result: RelayResult
    channel: str
    user: str
    thread_ts: str | None
    user_team: str | None = None
    mark_private: tuple[str, str] | None = None   # (channel, ts): a message armed by Reply privately
    files: bool = False                           # it had files, which never go out


def settle(deps: Deps, recorded: Recorded, now: datetime) -> RelayResult:
    """Look the author up (retrying as Slack allows) and settle the reply,
    as of `now` (taken before the look-up: due by the time it is over)."""
    result = recorded.result
    not_allowed = unknown = None
    try:
        standing = deps.publishers.standing_patiently(recorded.user, recorded.user_team) if deps.publishers else None
        not_allowed = None if standing is None or standing.may_publish else standing.reason
    except LookupFailed as exc:
        unknown = exc.why
        log.warning("#%s: who %s is could not be looked up (%s); their reply is held and they are told",
                    result.conversation_id, recorded.user, exc.why)
    with deps.sessions() as session:
        settled = settle_author(session, deps, result.outbox_id, now, not_allowed, unknown)
        session.commit()
    if settled.outcome is Relay.NOTE:
        tell(deps, {"tell": (recorded.channel, recorded.user, f"🔒 Kept as an internal note — *not sent* to the "
                             f"customer — because {not_allowed}.", recorded.thread_ts)})
    if settled.say:  # an unknown `!name`: nothing was sent
        tell(deps, {"tell": (recorded.channel, recorded.user, settled.say, recorded.thread_ts)})
    return settled


def after_reply(deps: Deps, recorded: Recorded, now: datetime, copy: bool = False, refresh_root: bool = True) -> None:
    """The one after-ack routine for a recorded reply: its author looked up if
    the ack path could not, then its ⚠️, ✋, Undo or warning, its 🔒 copy or
    mark, the root repainted, and the send."""
    result = recorded.result
    if result.outcome is Relay.CHECKING:
        now = deps.clock()  # the look-up may have taken a while: due from now, sent below
        result = settle(deps, recorded, now)
        if result.saved:
            post_expansion(deps, result.outbox_id, result.saved)  # the thread reads what `!name` became
    if result.outbox_id is None or result.outcome not in (Relay.QUEUED, Relay.REFUSED, Relay.HELD):
        return
    if recorded.files and result.outcome is not Relay.REFUSED:
        # Only the text goes out; say so rather than let staff think the file did.
        tell(deps, {"tell": (recorded.channel, recorded.user, "📎 Only the text of your reply goes to the customer; "
                             "attached files are not sent. Share a link in the text instead.", recorded.thread_ts)})
    if result.outcome is Relay.REFUSED:
        post_due_notices(deps, now, only_id=result.outbox_id)  # the ⚠️ at once; retried by deliver
        return
    if result.outcome is Relay.HELD:
        held.tell_author(deps, result.outbox_id, result.findings, None, held=True, now=now)
        return
    if copy:
        post_private_copy(deps, result.outbox_id)
    held.tell_author(deps, result.outbox_id, result.findings, result.send_at, held=False, now=now)
    if recorded.mark_private:
        try:
            deps.slack.react(*recorded.mark_private, PRIVATE_REACTION)
        except SLACK_ERRORS as exc:
            log.warning("could not mark the private message: %s", exc)
    if refresh_root:
        refresh(deps, result.conversation_id)
    deliver(deps, now, only_id=result.outbox_id)  # the worker's pass would also pick it up


def post_private_copy(deps: Deps, outbox_id: int) -> None:
    """A private message from `/social private` shows in the thread, marked 🔒
    (📤 lands on it once sent)."""
    show_in_thread(deps, outbox_id, "private_copy",
                   lambda row, conv: thread_copy_text(row.staff_user, conv.customer_handle,
                                                      deps.label(conv.platform, True), row.slack_text),
                   keep_ts=True, look_first=False)


def settle_leftovers(deps: Deps, now: datetime) -> int:
    """Replies whose look-up another process began and never finished (it
    died after its ack): settled here, at most once a minute per process."""
    with _leftovers_lock:
        if _leftovers_at and now - _leftovers_at[0] < LEFTOVERS_EVERY:
            return 0
        _leftovers_at[:] = [now]
    with reading(deps.sessions) as session:  # a look: no write lock
        ids = unsettled_authors(session, now - timedelta(seconds=2 * LOOKUP_BUDGET))
        rows = [session.get(Outbox, i) for i in ids]
        found = [(row.id, row.staff_user, session.get(Conversation, row.conversation_id)) for row in rows]
    for outbox_id, user, conv in found:
        recorded = Recorded(RelayResult(Relay.CHECKING, conv.id, outbox_id), conv.slack_channel, user,
                            conv.slack_root_ts)
        log.info("#%s: settling reply %s, whose author look-up a stopped process left unfinished",
                 conv.id, outbox_id)
        after_reply(deps, recorded, now)
    return len(found)


# How long a reply waits for the root it answers to be stored: the root's ts
# is committed right after chat.postMessage returns, so milliseconds at most.
ROOT_WAITS = (0.05, 0.1, 0.2, 0.4, 0.8, 1.6, 3.2)


def waited_for_root(record) -> RelayResult | None:
    """record() again after each wait until it finds the thread's
    conversation; None if it never does (bounded: about 6 s)."""
    for wait in ROOT_WAITS:
        time.sleep(wait)
        result = record()
        if result is None or result.outcome is not Relay.NOT_OURS:
            return result
    return None
