"""The ingest path's conversation as rows (bot/store/conversation_rows): what
the rules change is written back, and nothing else — a sweeper's claim on an
alarm, made after the conversation was read, survives. SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from adapters.base import InboundPost
from bot.inbound.record import record_posts
from bot.store import conversation_rows as rows
from bot.store.models import Alarm, Conversation


def test_only_what_the_rules_changed_is_written_back(deps, clock):
    post = InboundPost("x", "9301", "9301", "93", "@gus", "Gus", "@acme_support my parcel?", clock(), None, "X")
    assert record_posts(deps, [post], clock())
    claimed = clock() + timedelta(minutes=1)
    with deps.sessions() as session:
        conv, loaded = rows.conversation_by_key(session, "x", "", "9301")
        breach_at = conv.breach_at
        # A sweeper claims the breach alarm meanwhile (it locks the alarm, not the conversation).
        session.execute(update(Alarm).where(Alarm.conversation_id == conv.id, Alarm.kind == "breach")
                        .values(fired_at=claimed))
        conv.breach_at = breach_at - timedelta(minutes=5)  # the rules retime it (a raised priority)
        conv.posts_in_wait += 1
        rows.write_back(session, conv, loaded)
        session.commit()
    with deps.sessions() as session:
        alarm = session.scalar(select(Alarm).where(Alarm.conversation_id == conv.id, Alarm.kind == "breach"))
        stored = session.get(Conversation, conv.id)
        assert (alarm.due_at, alarm.fired_at) == (breach_at - timedelta(minutes=5), claimed)
        assert stored.posts_in_wait == 2 and stored.status == "waiting"
