"""Staff actions on a customer's message that carry no words — a ❤️ (like or
react) and a 🙈 (hide from view) — each a toggle: queued for the platform only
when it changes anything, and only where the adapter says the platform can;
elsewhere it stays among colleagues."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from adapters.base import ActionKind, PostRef, heart_for, hide_problem
from bot.deps import Deps
from bot.outbound.relay import Relay, RelayResult, post_ref, queue_action
from bot.store import queries as store
from bot.store.models import FAILED, IN, Conversation, Outbox


def record_like(session: Session, deps: Deps, channel: str, ts: str, user: str, liked: bool,
                event_ts: str, now: datetime) -> RelayResult:
    """A staff ❤️ added to (or removed from) a customer's message in a thread:
    like (or unlike) it on the platform — only if that changes anything, and
    only where the adapter says the platform has a like or reaction for this
    kind of message (heart_for); elsewhere it stays among colleagues."""
    return _record_toggle(session, deps, channel, ts, user, liked, event_ts, now, (ActionKind.LIKE, ActionKind.UNLIKE),
                          _heartless)


def _heartless(adapter, post: PostRef) -> str | None:
    heart = heart_for(adapter, post)
    return None if heart.name else (heart.why_not or "the platform offers nothing for it")


def record_hide(session: Session, deps: Deps, channel: str, ts: str, user: str, hidden: bool,
                event_ts: str, now: datetime) -> RelayResult:
    """A staff 🙈 added to (or removed from) a customer's message in a thread:
    hide it from view on the platform (or show it again), where the adapter can
    (adapters.base.Hider); elsewhere it stays among colleagues."""
    return _record_toggle(session, deps, channel, ts, user, hidden, event_ts, now,
                          (ActionKind.HIDE, ActionKind.UNHIDE), hide_problem)


def _record_toggle(session: Session, deps: Deps, channel: str, ts: str, user: str, on: bool, event_ts: str,
                   now: datetime, kinds: tuple[ActionKind, ActionKind], why_not) -> RelayResult:
    message = store.find_message_by_slack_ts(session, channel, ts)
    if message is None or message.direction != IN or message.external_id is None:
        return RelayResult(Relay.NOT_OURS)
    conv = session.get(Conversation, message.conversation_id, with_for_update=True)
    refusal = why_not(deps.adapters.get(conv.platform), post_ref(conv, message))
    if refusal is not None:
        return RelayResult(Relay.COLLEAGUES_ONLY, conv.id, findings=refusal)
    kind = kinds[0] if on else kinds[1]
    last = session.scalar(select(Outbox.kind).where(Outbox.message_id == message.id,
                                                    Outbox.kind.in_([k.value for k in kinds]), Outbox.state != FAILED)
                          .order_by(Outbox.id.desc()).limit(1))
    if (last or kinds[1].value) == kind.value:
        return RelayResult(Relay.UNCHANGED, conv.id, kind=kind)
    return queue_action(session, deps, conv, message, kind, f"slack:{channel}:{ts}:{kind.value}:{event_ts}",
                        user, "", message, now, check=False)
