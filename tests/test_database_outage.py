"""A database that refuses writes for a while (a read-only SQLite file, a full
disk, a PostgreSQL primary that became a replica), then comes back: `web`
answers 503 meanwhile (Slack retries), tells the author once Slack has given
up, and recovers by itself — with the stale pooled connections that used to
keep it failing until a restart still in the pool; the worker's passes log
one line and go on."""
from __future__ import annotations

import logging

import requests
from sqlalchemy import event, func, select

from bot.store.models import Message
from bot.inbound.poll import poll
from handlers.jobs import run_deliver, run_sweep
from tests.helpers import roots


def _refuse_writes(engine, database_url: str):
    refuse = "PRAGMA query_only = ON" if database_url.startswith("sqlite") else \
        "SET default_transaction_read_only = on"

    def listener(dbapi_connection, _record):
        dbapi_connection.cursor().execute(refuse)
        dbapi_connection.commit()  # a session setting, kept past the pool's reset
    engine.dispose()
    event.listen(engine, "connect", listener)
    return lambda: event.remove(engine, "connect", listener)  # the file is writable again; the pool is NOT reset


def test_web_answers_503_during_the_outage_and_recovers_by_itself(bot, deps, clock, x_state, slack_state,
                                                                 database_url, caplog):
    tweet = x_state.customer_mentions("carol", "@acme_support my parcel is lost")
    poll(deps, clock())
    root = roots(slack_state)[0]
    engine = deps.sessions.kw["bind"]
    writable_again = _refuse_writes(engine, database_url)
    message = slack_state.user_posts("U0ALICE", "C0SUPPORT", "Sorry Carol, on it!", thread_ts=root["ts"],
                                     deliver=False, escape=False)
    event_ = {**message, "event_ts": message["ts"], "channel_type": "channel"}
    from sandbox.slack_signing import event_envelope
    envelope = event_envelope(event_, slack_state.team_id, slack_state.bot_user_id)
    first = bot.post_json(envelope)
    assert first.status_code == 503 and "Traceback" not in first.text
    assert not any("Not recorded" in e["text"] for e in slack_state.ephemerals)
    last = bot.post_json(envelope, headers={"X-Slack-Retry-Num": "3", "X-Slack-Retry-Reason": "http_error"})
    assert last.status_code == 503
    told = [e for e in slack_state.ephemerals if "Not recorded" in e["text"]]
    assert [(e["user"], e["thread_ts"]) for e in told] == [("U0ALICE", root["ts"])]
    with caplog.at_level(logging.ERROR, logger="socialdesk.jobs"):
        run_deliver(deps)
        run_sweep(deps)
    assert any("database unavailable" in r.getMessage() for r in caplog.records if r.name == "socialdesk.jobs")
    assert requests.get(bot.server.url + "/healthz", timeout=5).status_code == 503

    writable_again()
    # A connection opened during the outage fails once more and takes the
    # whole stale pool with it; Slack's next retry is recorded.
    statuses = [bot.post_json(envelope, headers={"X-Slack-Retry-Num": str(n), "X-Slack-Retry-Reason": "http_error"})
                .status_code for n in (1, 2)]
    assert statuses in ([200, 200], [503, 200])
    assert [t["text"] for t in x_state.replies_to(tweet["id"])] == ["@carol Sorry Carol, on it!"]
    with deps.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Message).where(Message.direction == "out")) == 1
    assert requests.get(bot.server.url + "/healthz", timeout=5).json() == {"ok": True}


def test_an_idle_web_reports_healthy_again_once_the_database_takes_writes(bot, deps, clock, x_state, database_url):
    """Behind a load balancer nothing but /healthz may reach `web`: once the
    database takes writes again, /healthz says so without anything written."""
    x_state.customer_mentions("wes", "@acme_support hello?")
    bot.executor.drain()  # the web's start-up recovery pass commits: it would clear the failure set next
    engine = deps.sessions.kw["bind"]
    writable_again = _refuse_writes(engine, database_url)
    try:
        poll(deps, clock())
    except Exception:  # noqa: BLE001 - the failing write is the point
        pass
    for _ in range(2):  # it stays unhealthy while writes are refused, however often it is asked
        response = requests.get(bot.server.url + "/healthz", timeout=5)
        assert response.status_code == 503 and response.json()["error"].startswith("database writes are failing: ")
    commits = []
    count = commits.append
    event.listen(engine, "commit", count)
    writable_again()  # the stale read-only connections are still pooled
    assert requests.get(bot.server.url + "/healthz", timeout=5).json() == {"ok": True}
    event.remove(engine, "commit", count)
    assert commits == []  # nothing was written to get there
    with deps.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Message)) == 0
