"""A recorded customer post (bot.inbound.record) becomes a Slack root message
or a reply in its thread.

Order of events for each post: record it (message row + clock) and commit;
claim it (a lease, so two replicas never post the same row) and commit; post
to Slack with the post's platform id as message metadata; write the Slack ts
and commit. A crash after the post leaves a row with no slack_ts: the next pass
(publish_unposted) sees it was attempted and finds the message in Slack by its
metadata instead of posting it twice.

A webhook's posts are claimed in the transaction that records them
(record_posts(claimed=…)): one commit fewer a post. Such a claim is renewed
before its post once half its lease has run (a surge at Slack's limit can hold
a post for minutes) — by compare-and-swap, so a claim another process took
over after the lease ran out is left to it — and given back if unused.

A post Slack refuses for good (invalid_blocks, msg_too_long, …: retrying the
same message can never work) is parked: shown as a short notice with a link to
the original, so it never blocks the customers after it.
"""
from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.orm import Session

from adapters.base import InboundPost, NameFinder
from bot.deps import Deps
from bot.inbound.record import SLACK_OR_DATABASE_AWAY, record_post
from bot.slack.render import followup_message, root_message
from bot.slack.root import (cannot_go_privately, listening_note, park, parking_if_refused, refresh_root, root_update,
                            window_closes)
from bot.slack.slack_pace import NOT_READ
from bot.store import publish_rows
from bot.store import queries as store
from bot.store.models import Conversation, Message

log = logging.getLogger(__name__)
# In a publishing session's info: the posts it holds claims on from their recording ({message id: lease}),
# and the posting turn read with them (channel, paced_until): only the pass's first post is that fresh.
CLAIMED, TURN = "socialdesk_claimed", "socialdesk_turn"


def publish(session: Session, deps: Deps, message: Message, now: datetime, repaint: set | None = None,
            last: bool = True, first: Message | None = None) -> bool:
    """Post a recorded message to Slack (root or thread reply) and store its ts.
    The caller has committed the record; Slack errors propagate. False when
    another process is posting it (or its root) right now. With `repaint`, the
    root of a follow-up is repainted once after a burst (publish_unposted): by
    the burst's `last` post of the thread, whose failure to repaint is logged
    and stops nothing, or by the caller. `first`: the conversation's first
    customer message, when the caller has it already."""
    conv = session.get(Conversation, message.conversation_id)
    label = deps.label(message.platform, conv.private)
    if conv.slack_root_ts is None:
        if first is None:
            first_id = store.first_customer_message_id(session, conv.id)
            first = message if first_id == message.id else session.get(Message, first_id)
        look_up_name(session, deps, conv, first)
        private_ok = cannot_go_privately(deps, conv, first) is None
        closes = window_closes(deps, conv, first.created_at)
        ts = _post_or_park(session, deps, first, lambda: root_message(
            conv, first, label, now, can_private=private_ok, window_closes=closes,
            listening=listening_note(deps, conv, first)), None, now)
        if ts is None:
            return False
        store.store_slack_ts(session, first, ts, root_of=conv)
        session.commit()
        log.info("#%s %s %s: new conversation posted to Slack", conv.id, label, first.author_handle)
        if first.id == message.id:
            return True
    look_up_name(session, deps, conv, message)
    someone_else = message.author_id != conv.customer_id and not message.private
    ts = _post_or_park(session, deps, message, lambda: followup_message(message, deps.label(message.platform, message.private), someone_else,
                                                            conv.private or message.private),
                       conv.slack_root_ts, now)
    if ts is None:
        return False
    store.store_slack_ts(session, message, ts)
    log.info("#%s %s %s: follow-up threaded%s", conv.id, label, message.author_handle,
             " (someone else, not the customer)" if someone_else else "")
    if repaint is None:
        refresh_root(session, deps, conv, now)  # commits slack_ts with the root's reads: one transaction
    elif last:
        repaint.discard(conv.id)
        update = root_update(session, deps, conv, now, first)
        session.commit()  # slack_ts with the root's reads, as above
        _repainting(conv.id, update)
    else:
        session.commit()
        repaint.add(conv.id)
    return True


def look_up_name(session: Session, deps: Deps, conv: Conversation, message: Message) -> None:
    """The delivery named the author only by id (a Messenger PSID, an X user id
    with no `includes`): ask the platform now — after the webhook was answered,
    before Slack shows the post. A slow or failing look-up keeps the stand-in
    handle; it never holds the post back."""
    if not message.name_pending:
        return
    session.info.pop(TURN, None)  # the platform's answer may take a while: the turn read before is old then
    adapter = deps.adapters.get(message.platform)
    found = None
    if isinstance(adapter, NameFinder):
        try:
            found = adapter.find_name(message.author_id)
        except Exception as exc:  # noqa: BLE001 - a name is never worth losing the post over
            log.warning("%s author %s: name look-up failed (%s); shown as %s", message.platform,
                        message.author_id, exc, message.author_handle)
    if found:
        handle, name = found
        message.author_handle, message.author_name = handle[:128], (name or None) and name[:256]
        if conv.customer_id == message.author_id:
            conv.customer_handle, conv.customer_name = message.author_handle, message.author_name
    message.name_pending = False
    session.commit()


def _post_or_park(session: Session, deps: Deps, message: Message, render, thread_ts: str | None,
                  now: datetime) -> str | None:
    return parking_if_refused(session, message,
                               lambda: _post_claimed(session, deps, message, render(), thread_ts, now))


def _post_claimed(session: Session, deps: Deps, message: Message, payload: dict,
                  thread_ts: str | None, now: datetime) -> str | None:
    claim = _claim(session, deps, message, now)
    if claim is None:
        return None
    marker = {"platform": message.platform, "external_id": message.external_id or str(message.id)}
    try:  # claim: (attempt, the channel's shared posting turn)
        return deps.slack.post_unique(message.slack_channel, payload, thread_ts, marker,
                                      since=message.recorded_at, look_first=claim[0] > 1, paced_until=claim[1])
    except Exception:
        # Free it for the next pass at once; that pass looks it up before posting.
        store.release_publish(session, message.id)
        session.commit()
        raise


def _claim(session: Session, deps: Deps, message: Message, now: datetime) -> tuple[int, float | None] | None:
    """(attempt, the channel's shared posting turn) for posting `message` now,
    or None when another process holds it or posted it. Committed before the
    network call: no transaction stays open across it, and the claim is
    visible to other replicas."""
    held = session.info.get(CLAIMED, {}).pop(message.id, None)
    channel, turn = session.info.pop(TURN, (None, NOT_READ))
    if held is None:
        claim = store.claim_to_post(session, message.id, now, deps.lease_until(now))
    else:  # claimed as it was recorded (attempt 1)
        at = max(now, deps.clock())
        if at < held - deps.settings.delivery_lease / 2:
            session.commit()  # nothing to write, as a rule: only ends the session's transaction, if any
            return 1, turn if channel == message.slack_channel else NOT_READ
        # Half its lease gone (a surge held it): renewed unless its lease ran out and another process took it.
        claim = publish_rows.renew_claim(session, message.id, 1, held, deps.lease_until(at))
    session.commit()
    return claim


def _give_back(session: Session) -> None:
    """Claims taken at recording that no post used (the pass stopped, or the
    post's root is another process's to post): free for the next pass at once."""
    left = session.info.pop(CLAIMED, None)
    if not left:
        return
    try:
        session.rollback()
        for message_id, held in left.items():
            publish_rows.unclaim(session, message_id, 1, held)
        session.commit()
    except Exception as exc:  # noqa: BLE001 - their leases run out instead
        session.rollback()
        log.warning("claims on %d unposted post(s) not given back (%s); free once their lease runs out",
                    len(left), exc)


def ingest_post(deps: Deps, post: InboundPost, now: datetime) -> int | None:
    """Record and publish one post. The conversation id if it was new to Slack."""
    with deps.sessions() as session:
        message_id = record_post(session, deps.channel, deps, post, now)
        session.commit()
        if message_id is None:
            return None
        message = session.get(Message, message_id)
        return message.conversation_id if publish_or_park(session, deps, message, now) else None


def publish_unposted(deps: Deps, now: datetime, only_ids=None, recorded_before: datetime | None = None,
                     claimed: dict | None = None) -> int:
    """Post what an earlier pass recorded but could not get into Slack (or, with only_ids, what a
    webhook just recorded), oldest first, one pass per process at a time (a recovery pass finding
    one at work tries next time). Slack or the database away stops the pass; a post failing on its
    own is parked; a 429 is waited out (the pacer); a root is repainted once, after its last post.
    claimed: {message id: lease} of only_ids claimed as they were recorded (record_posts)."""
    if not deps.slack.pacer.publisher.acquire(blocking=only_ids is not None):
        log.debug("unposted posts left to the next pass: this process is posting already")
        return 0
    try:
        with deps.sessions() as session:
            firsts = {}
            if only_ids is None:
                messages = store.unposted_customer_messages(session, recorded_before=recorded_before)
            else:
                # Their conversations (and first posts) come in the same SELECT and
                # stay referenced (the session's identity map is weak): publish
                # reads them again only after a rollback. Posts claimed already need
                # no transaction before their post: read outside one.
                turns = {}
                loaded = publish_rows.messages_to_publish(session, only_ids, turns, outside=bool(claimed))
                messages = [message for message, _conv, _first in loaded]
                firsts = {message.conversation_id: first for message, _conv, first in loaded}
                if claimed and messages:
                    session.info[CLAIMED] = {i: claimed[i] for i in only_ids if i in claimed}
                    session.info[TURN] = (messages[0].slack_channel, turns[messages[0].id])
            try:
                return _publish_in_order(session, deps, now, messages, refresh=only_ids is None, firsts=firsts)
            finally:
                session.info.pop(TURN, None)
                _give_back(session)
    finally:
        deps.slack.pacer.publisher.release()


def _publish_in_order(session: Session, deps: Deps, now: datetime, messages: list, refresh: bool,
                      firsts: dict) -> int:
    count, repaint = 0, set()
    last_of = {m.conversation_id: i for i, m in enumerate(messages) if m is not None}
    try:
        for i, message in enumerate(messages):
            if message is None:
                continue
            if refresh:  # loaded before the posts ahead of it went out, maybe by another replica meanwhile
                session.refresh(message)
            if message.slack_ts is None and publish_or_park(session, deps, message, now, repaint,
                                                            last_of[message.conversation_id] == i,
                                                            firsts.get(message.conversation_id)):
                count += 1
            if last_of[message.conversation_id] == i and message.conversation_id in repaint:
                repaint.discard(message.conversation_id)
                _repaint(session, deps, message.conversation_id, now)
    finally:
        if repaint:  # the pass stopped (Slack or the database away): shown posts still get their root
            session.rollback()
            for conv_id in sorted(repaint):
                _repaint(session, deps, conv_id, now)
    return count


def _repaint(session: Session, deps: Deps, conv_id: int, now: datetime) -> None:
    try:
        refresh_root(session, deps, session.get(Conversation, conv_id), now)
    except Exception as exc:  # noqa: BLE001 - a root's paint never stops the posts after it
        session.rollback()
        _not_repainted(conv_id, exc)


def _repainting(conv_id: int, update) -> None:
    try:
        update()
    except Exception as exc:  # noqa: BLE001 - a root's paint never stops the posts after it
        _not_repainted(conv_id, exc)


def _not_repainted(conv_id: int, exc: Exception) -> None:
    log.warning("root of #%s not repainted (%s: %s); its next change does it", conv_id, type(exc).__name__, exc)


def publish_or_park(session: Session, deps: Deps, message: Message, now: datetime, repaint: set | None = None,
                    last: bool = True, first: Message | None = None) -> bool:
    """publish(); a post that fails on its own (not Slack or the database being
    away) is parked — shown as a short notice with a link — so it never blocks
    the posts after it."""
    try:
        return publish(session, deps, message, now, repaint, last, first)
    except SLACK_OR_DATABASE_AWAY:
        raise
    except Exception as exc:  # noqa: BLE001 - one bad post never stops the others
        session.rollback()
        if message.parked_reason:
            raise  # even its notice failed: nothing more to try here
        log.exception("%s post %s could not be shown", message.platform, message.external_id)
        park(session, message, f"it could not be shown ({type(exc).__name__})")
        return publish(session, deps, message, now, repaint, last, first)
