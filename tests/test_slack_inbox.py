"""The ack of a staff thread reply is one durable write — the event's
envelope kept by event_id — and everything else comes after it: recorded
right after in the same process, or by the next recovery pass when the
process stopped in between; relayed exactly once whatever Slack retries and
however many passes look. SQLite and PostgreSQL."""
from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
import requests
from sqlalchemy import event as sa_event
from sqlalchemy import func, select

from bot.store.models import Message, Outbox, SlackEvent
from tests.helpers import HeldExecutor
from sandbox.slack_signing import event_envelope, json_request

FIXTURES = Path(__file__).parent / "fixtures" / "slack"


def _staff_reply(slack_state, root_ts: str, text: str) -> dict:
    """Slack's envelope of a staff thread reply (sandbox/slack_signing.event_envelope)."""
    message = slack_state.user_posts("U0ALICE", "C0SUPPORT", text, thread_ts=root_ts, deliver=False, escape=False)
    return event_envelope({**message, "event_ts": message["ts"], "channel_type": "channel"}, slack_state.team_id,
                          slack_state.bot_user_id)


def _post(url: str, slack_state, payload: dict, retry: str | None = None) -> requests.Response:
    body, headers = json_request(slack_state.signing_secret, payload)
    if retry:
        headers.update({"X-Slack-Retry-Num": retry, "X-Slack-Retry-Reason": "http_timeout"})
    return requests.post(url + "/slack/events", data=body, headers=headers, timeout=30)


def _count(deps, model, *where) -> int:
    with deps.sessions() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where))


def _relayed(x_state, tweet) -> list[str]:
    return [r["text"] for r in x_state.replies_to(tweet["id"])]


def test_the_ack_of_a_staff_reply_is_one_insert_and_nothing_else(held_web, deps, clock, x_state, slack_state,
                                                                  carol):
    server, executor = held_web
    tweet, root = carol
    engine = deps.sessions.kw["bind"]
    statements: list[str] = []

    def seen(_conn, _cursor, statement, _parameters, _context, _many):
        statements.append(statement.split()[0].upper() + " " + statement)
    sa_event.listen(engine, "before_cursor_execute", seen)
    try:
        answer = _post(server.url, slack_state, _staff_reply(slack_state, root["ts"], "Carol, it ships today."))
    finally:
        sa_event.remove(engine, "before_cursor_execute", seen)
    assert answer.status_code == 200
    written = [s for s in statements if not s.startswith(("BEGIN ", "COMMIT "))]
    assert len(written) == 1 and "INSERT INTO slack_event" in written[0], statements
    # Acked with the envelope kept, before any Message or Outbox row exists.
    assert _count(deps, SlackEvent, SlackEvent.body.is_not(None)) == 1
    assert _count(deps, Message, Message.direction == "out") == 0 and _count(deps, Outbox) == 0
    executor.run()
    assert _relayed(x_state, tweet) == ["@carol Carol, it ships today."]
    assert _count(deps, SlackEvent, SlackEvent.body.is_not(None)) == 0


def test_a_reply_acked_by_a_process_that_died_is_relayed_once_by_the_next_pass(held_web, deps, clock, x_state,
                                                                               slack_state, carol):
    from handlers.jobs import run_poll
    server, executor = held_web
    tweet, root = carol
    payload = _staff_reply(slack_state, root["ts"], "Carol, a new parcel leaves today.")
    assert _post(server.url, slack_state, payload).status_code == 200
    executor.jobs.clear()  # killed right after the ack: nothing it scheduled runs
    run_poll(deps)
    assert _relayed(x_state, tweet) == []  # within its lease: maybe still being recorded
    clock.advance(seconds=deps.settings.delivery_lease.total_seconds() + 1)
    run_poll(deps)
    assert _relayed(x_state, tweet) == ["@carol Carol, a new parcel leaves today."]
    # Slack retries the same event meanwhile, and more passes run: nothing twice.
    assert _post(server.url, slack_state, payload, retry="1").status_code == 200
    executor.run()
    run_poll(deps)
    clock.advance(minutes=10)
    run_poll(deps)
    assert _relayed(x_state, tweet) == ["@carol Carol, a new parcel leaves today."]
    assert _count(deps, Outbox) == 1 and _count(deps, SlackEvent) == 1


def test_a_reply_acked_by_a_web_that_died_is_relayed_by_the_next_web(held_web, deps, clock, x_state, slack_state,
                                                                     carol):
    """No worker runs: the next web to start records and relays it."""
    from service.bolt_app import build_bolt_app
    from service.web import create_web_app
    server, executor = held_web
    tweet, root = carol
    assert _post(server.url, slack_state, _staff_reply(slack_state, root["ts"], "Carol, on it.")).status_code == 200
    executor.jobs.clear()
    clock.advance(seconds=deps.settings.delivery_lease.total_seconds() + 1)
    restarted = HeldExecutor()
    create_web_app(deps, build_bolt_app(deps, executor=restarted), executor=restarted)
    restarted.run()
    assert _relayed(x_state, tweet) == ["@carol Carol, on it."]


def test_two_passes_at_once_record_a_kept_reply_once(held_web, make_deps, deps, clock, x_state, slack_state, carol):
    from handlers.slack_events import recover_slack_events
    server, executor = held_web
    tweet, root = carol
    assert _post(server.url, slack_state, _staff_reply(slack_state, root["ts"], "Carol, sorted.")).status_code == 200
    executor.jobs.clear()
    now = clock.advance(seconds=deps.settings.delivery_lease.total_seconds() + 1)
    replicas, counts = [make_deps(), make_deps()], []
    start = threading.Barrier(2)

    def one_pass(replica) -> None:
        start.wait(10)
        counts.append(recover_slack_events(replica, now))
    threads = [threading.Thread(target=one_pass, args=(r,)) for r in replicas]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(counts) == [0, 1]
    assert _relayed(x_state, tweet) == ["@carol Carol, sorted."] and _count(deps, Outbox) == 1


def test_a_retry_while_the_first_is_being_recorded_makes_one_reply(bot, deps, x_state, slack_state, carol):
    tweet, root = carol
    payload = _staff_reply(slack_state, root["ts"], "Carol, refund sent.")
    for retry in (None, "1", "2"):
        assert _post(bot.server.url, slack_state, payload, retry=retry).status_code == 200
    bot.executor.drain()
    assert _relayed(x_state, tweet) == ["@carol Carol, refund sent."]
    assert _count(deps, Message, Message.direction == "out") == 1


def test_a_signed_thread_reply_missing_its_ts_is_a_400_and_nothing_is_kept(bot, deps, slack_state, carol):
    """Refused at the ack, where Slack is told, rather than kept and failing
    after it on every recovery pass."""
    _tweet, root = carol
    payload = _staff_reply(slack_state, root["ts"], "Carol, hello")
    del payload["event"]["ts"]
    assert _post(bot.server.url, slack_state, payload).status_code == 400
    assert _count(deps, SlackEvent) == 0


def test_an_envelope_that_never_records_is_given_up_in_one_error_line(held_web, deps, clock, slack_state, carol,
                                                                      monkeypatch, caplog):
    from bot.inbound import inbox
    from handlers import slack_events
    server, executor = held_web
    _tweet, root = carol
    assert _post(server.url, slack_state, _staff_reply(slack_state, root["ts"], "Carol, hi")).status_code == 200
    executor.jobs.clear()

    def broken(*_args, **_kwargs):
        raise RuntimeError("a bug")
    monkeypatch.setattr(slack_events, "record_staff_message", broken)
    lease = deps.settings.delivery_lease
    for _ in range(inbox.GIVE_UP + 1):
        slack_events.recover_slack_events(deps, clock.advance(seconds=lease.total_seconds() + 61))
    assert _count(deps, SlackEvent, SlackEvent.body.is_not(None)) == 0
    given_up = [r for r in caplog.records if "given up" in r.getMessage()]
    assert len(given_up) == 1 and given_up[0].levelname == "ERROR" and "C0SUPPORT" in given_up[0].getMessage()


@pytest.mark.settings(SEND_DELAY="10m")
def test_a_reply_and_its_edit_are_recorded_in_the_order_slack_sent_them(held_web, deps, x_state, slack_state, carol):
    """Whatever order the executor runs the jobs in, the reply is recorded
    before its edit, so the edit is taken (the customer gets the new text)."""
    server, executor = held_web
    _tweet, root = carol
    reply = _staff_reply(slack_state, root["ts"], "Carol, teh parcel is here")
    message = reply["event"]
    # The captured message_changed delivery (tests/fixtures/slack, MercuryTechnologies/slack-web), on our reply.
    edit = json.loads((FIXTURES / "message_changed_captured.json").read_text())["body"]
    edit["event"].update(channel="C0SUPPORT", ts=slack_state.next_ts(), event_ts=slack_state.next_ts(),
                         message={**message, "text": "Carol, the parcel is here",
                                  "edited": {"user": "U0ALICE", "ts": message["ts"]}},
                         previous_message=message)
    for payload in (reply, edit):
        assert _post(server.url, slack_state, payload).status_code == 200
    executor.jobs.reverse()
    executor.run()
    with deps.sessions() as session:
        assert session.scalars(select(Outbox.slack_text)).all() == ["Carol, the parcel is here"]
    assert any("Your edit was taken" in e["text"] for e in slack_state.ephemerals)
