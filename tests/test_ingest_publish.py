"""The publish path a webhook delivery takes (issue 20 item 7): the posts just
recorded are read back as plain rows (bot.store.publish_rows), not ORM
entities, and the root's marks in one SELECT. What the root shows, what is
stored after a parked or repeated post, and one object per row stay as with
the ORM's loading. SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from adapters.base import InboundPost
from bot.desk import labels
from bot.inbound.ingest import publish_unposted
from bot.inbound.record import record_posts
from bot.store.models import PENDING, Composing, Conversation, Message, Outbox
from bot.store.publish_rows import messages_to_publish
from tests.helpers import all_text, roots


def _post(n: int, thread: int, created_at, customer: str = "dana") -> InboundPost:
    return InboundPost("x", str(70_000 + n), str(70_000 + thread), f"id-{customer}", f"@{customer}",
                       customer.title(), f"@acme_support part {n} of my question", created_at,
                       f"https://x.com/{customer}/status/{70_000 + n}", "X", account="1")


def _webhook(deps, now, *posts) -> list[int]:
    """What handlers/webhooks.py does after the answer: record, then publish those ids."""
    ids = record_posts(deps, list(posts), now)
    publish_unposted(deps, now, only_ids=ids)
    return ids


def _root(slack_state) -> str:
    [root] = roots(slack_state)
    return all_text(slack_state.find("C0SUPPORT", root["ts"]))


def test_a_follow_up_repaints_the_root_with_its_labels_writers_and_reply_in_flight(deps, clock, slack_state):
    now = clock()
    _webhook(deps, now, _post(1, 1, now))
    assert "🏷️" not in _root(slack_state) and "writing" not in _root(slack_state)
    with deps.sessions() as session:
        conv = session.scalars(select(Conversation)).one()
        message = session.scalars(select(Message)).one()
        session.add(Composing(view_id="V0ONE", conversation_id=conv.id, user_id="U0BOB", opened_at=now,
                              until=now + timedelta(minutes=30)))
        session.add(Composing(view_id="V0OLD", conversation_id=conv.id, user_id="U0EVE", opened_at=now,
                              until=now - timedelta(seconds=1)))  # expired: closed, whatever the row says
        session.add(Outbox(idempotency_key="slack:C0SUPPORT:1.0:reply", conversation_id=conv.id,
                           message_id=message.id, platform="x", kind="reply", target="70001", slack_text="hi",
                           staff_user="U0BOB", state=PENDING, attempts=0, next_attempt_at=now, created_at=now))
        session.commit()
    assert labels.add(deps, conv.id, "refund", "U0ALICE", now).ok
    _webhook(deps, now, _post(2, 1, now + timedelta(seconds=5)))
    shown = _root(slack_state)
    assert "🏷️ `refund`" in shown
    assert "<@U0BOB> is writing" in shown and "U0EVE" not in shown
    assert "📤 reply sending" in shown
    assert "posted 2 times" in shown


def test_posts_of_one_thread_in_one_delivery_share_one_conversation_object(deps, clock, slack_state):
    now = clock()
    ids = record_posts(deps, [_post(n, 1, now + timedelta(seconds=n)) for n in range(1, 4)], now)
    with deps.sessions() as session:
        loaded = messages_to_publish(session, list(reversed(ids)) + [999_999])  # an id that is not there: left out
        assert [m.id for m, _c, _f in loaded] == list(reversed(ids))
        assert len({id(conv) for _m, conv, _f in loaded}) == 1
        first = loaded[-1][0]
        assert all(f is first for _m, _c, f in loaded)  # the first post is its own "first", not a copy
        assert first is session.get(Message, ids[0]) and loaded[0][1] is session.get(Conversation, first.conversation_id)
        assert loaded[0][1].alarms and loaded[0][1].labels == []
    assert publish_unposted(deps, now, only_ids=ids) == 3
    [root] = roots(slack_state)
    thread = slack_state.thread("C0SUPPORT", root["ts"])
    assert ["part 2" in all_text(m) for m in thread] == [True, False] and "part 3" in all_text(thread[1])
    assert "posted 3 times" in _root(slack_state)


def test_a_post_slack_refuses_for_good_is_parked_and_its_reason_stored(deps, clock, slack_state):
    now = clock()
    slack_state.fail_next("chat.postMessage", error="invalid_blocks")
    [message_id] = _webhook(deps, now, _post(1, 1, now))
    assert "cannot be shown in Slack" in _root(slack_state)
    with deps.sessions() as session:
        message = session.get(Message, message_id)
        assert message.parked_reason == "Slack refused it for good: invalid_blocks"
        assert message.slack_ts == roots(slack_state)[0]["ts"]


def test_a_changed_loaded_row_is_written_back_by_the_session(deps, clock, slack_state):
    """The rows are placed in the session as persistent: a change is flushed as
    an UPDATE, and a rollback reads them again."""
    now = clock()
    ids = record_posts(deps, [_post(1, 1, now)], now)
    with deps.sessions() as session:
        [(message, conv, _first)] = messages_to_publish(session, ids)
        message.author_name, conv.customer_name = "Dana Q.", "Dana Q."
        conv.alarms["breach"].due_at = now + timedelta(hours=9)
        session.commit()
        message.author_name = "not kept"
        session.rollback()
        assert message.author_name == "Dana Q."
        conv_id = conv.id
    with deps.sessions() as session:
        assert session.get(Message, ids[0]).author_name == "Dana Q."
        stored = session.get(Conversation, conv_id)
        assert stored.customer_name == "Dana Q." and stored.alarms["breach"].due_at == now + timedelta(hours=9)


def test_a_post_waits_the_turn_another_process_was_given_without_a_read_of_its_own(deps, clock, slack_state):
    """The claim returns the channel's shared posting turn (slack_pace): a
    channel Slack refused in another process makes the post wait for its turn,
    and a channel nobody was refused in goes at once — no separate read."""
    from sqlalchemy import event

    from bot.slack.shared_pace import SharedTurns
    pacer, slept, reads = deps.slack.pacer, [], []
    pacer.clock = lambda: clock().timestamp()
    pacer.sleep = lambda seconds: (slept.append(seconds), clock.advance(seconds=seconds))
    engine = deps.sessions.kw["bind"]

    def counted(_conn, _cursor, statement, _params, _context, _many):
        if " ".join(statement.split()).startswith("SELECT slack_pace.paced_until FROM"):  # the pacer's own read
            reads.append(statement)
    event.listen(engine, "before_cursor_execute", counted)
    try:
        _webhook(deps, clock(), _post(1, 1, clock()))
        assert slept == [] and len(roots(slack_state)) == 1
        SharedTurns(deps.sessions).refuse("C0SUPPORT", clock().timestamp(), 10.0, 1.0 / pacer.rate, pacer.burst)
        _webhook(deps, clock(), _post(2, 2, clock(), customer="erin"))
    finally:
        event.remove(engine, "before_cursor_execute", counted)
    assert [round(s) for s in slept] == [10] and len(roots(slack_state)) == 2
    assert reads == [], reads  # the turn came with the claim


def test_a_post_that_fails_to_render_is_parked_after_a_rollback_of_the_rows_read(deps, clock, slack_state):
    """A rollback expires the rows placed in the session; parking reads them again."""
    now = clock()
    ids = record_posts(deps, [_post(1, 1, now)], now)
    with deps.sessions() as session:
        session.get(Message, ids[0]).attachments = "[{not json"  # a row no renderer can read
        session.commit()
    assert publish_unposted(deps, now, only_ids=ids) == 1
    shown = _root(slack_state)
    assert "cannot be shown in Slack" in shown and "JSONDecodeError" in shown
    with deps.sessions() as session:
        message = session.get(Message, ids[0])
        assert message.parked_reason == "it could not be shown (JSONDecodeError)" and message.slack_ts is not None
