"""Every Meta payload written by others (tests/fixtures/facebook/ and
tests/fixtures/instagram/: restfb's captured deliveries, chatwoot's
factories, Meta's documentation) through the real signed `/webhooks/meta`
route of `web`, configured for the fixture's own Page or Instagram account:
a customer's payload shows each of its `shows` strings in Slack, anything
else is acknowledged, opens nothing and says in the log why it was ignored —
never a 4xx for a documented shape, never a 5xx, and one bad entry never
rejects the rest of its batch."""
from __future__ import annotations

import hashlib
import hmac
import json
import logging
from contextlib import contextmanager

import pytest
import requests

from adapters.base import IDS
from sandbox.serve import BackgroundServer
from tests.helpers import all_text, roots, thread
from tests.payloads import Payload, collect

pytestmark = pytest.mark.meta
PAYLOADS = collect("facebook", "webhook") + collect("instagram", "webhook")


def _longest_id(body) -> int:
    """The longest message or object id in a delivery."""
    if isinstance(body, dict):
        own = [len(v) for k, v in body.items() if k in ("mid", "id", "comment_id", "post_id") and isinstance(v, str)]
        return max(own + [_longest_id(v) for v in body.values()] + [0])
    if isinstance(body, list):
        return max([_longest_id(v) for v in body] + [0])
    return 0


def _marks(payload: Payload):
    if _longest_id(payload.body) > IDS["external_id"]:
        # Real Instagram message ids are ~164 characters: stored once adapters/base.py
        # and the columns take them (the lead's change); until then this one fails.
        return [pytest.mark.xfail(reason="ids longer than the stored maximum", strict=True)]
    return []


@contextmanager
def _web_for(make_deps, slack_state, payload: Payload):
    """`web` configured for the fixture's brand account, on loopback."""
    from service.bolt_app import build_bolt_app
    from service.web import create_web_app
    from tests.conftest import DrainableExecutor
    name = "META_PAGE_ID" if payload.path.parent.name == "facebook" else "INSTAGRAM_ACCOUNT_ID"
    deps = make_deps(**({name: payload.account} if payload.account else {}))
    executor = DrainableExecutor(echoes=slack_state.flush_echoes)
    server = BackgroundServer(create_web_app(deps, build_bolt_app(deps, executor=executor), executor=executor)).start()
    try:
        yield server, executor
    finally:
        executor.drain()
        server.stop()
        executor.shutdown()


def _deliver(server, graph_state, body) -> requests.Response:
    raw = json.dumps(body).encode()
    signature = "sha256=" + hmac.new(graph_state.app_secret.encode(), raw, hashlib.sha256).hexdigest()
    return requests.post(server.url + "/webhooks/meta", data=raw, timeout=10,
                         headers={"content-type": "application/json", "X-Hub-Signature-256": signature})


def shown(slack_state) -> str:
    """Everything the support channel shows: roots and their threads, with the
    links of image blocks (all_text leaves those out)."""
    parts = []
    for root in roots(slack_state):
        for message in [root] + thread(slack_state, root):
            parts.append(all_text(message))
            parts += [b.get("image_url", "") for b in message.get("blocks") or [] if b.get("type") == "image"]
    return "\n".join(parts)


@pytest.mark.parametrize("payload", [pytest.param(p, id=p.name, marks=_marks(p)) for p in PAYLOADS])
def test_each_real_meta_payload_is_shown_or_ignored_with_a_reason(payload, make_deps, slack_state, graph_state,
                                                                  caplog):
    caplog.set_level(logging.DEBUG)
    with _web_for(make_deps, slack_state, payload) as (server, executor):
        answer = _deliver(server, graph_state, payload.body)
        executor.drain()
    assert answer.status_code == 200, answer.text
    if payload.customer:
        text = shown(slack_state)
        missing = [s for s in payload.shows if s not in text]
        assert not missing, f"{payload.name}: not shown {missing} in:\n{text}"
    else:
        assert roots(slack_state) == [], f"{payload.name} opened a conversation"
        said = [r.getMessage() for r in caplog.records if r.name.startswith(("adapters", "bot.inbound.record"))]
        assert any("ignored" in line for line in said), f"{payload.name}: no log line says why: {said}"


def test_the_corpus_is_large_and_varied(report_figure):
    customers = [p for p in PAYLOADS if p.customer]
    sources = {p.source.split("@")[0] if "@" in p.source else p.source.split("/docs")[0] for p in PAYLOADS}
    report_figure(f"Meta payloads written by others: {len(PAYLOADS)} ({len(customers)} shown, "
                  f"{len(PAYLOADS) - len(customers)} ignored with a reason) from {len(sources)} sources")
    assert len(PAYLOADS) >= 40 and len(customers) >= 25


MESSENGER_PAGE = "12345654332"  # restfb's captured Messenger deliveries


def test_one_bad_entry_never_rejects_the_rest_of_a_batch(make_deps, slack_state, graph_state, caplog):
    """Several real deliveries in one batch, with broken entries and events
    between them: every customer message shows, the broken ones are logged."""
    caplog.set_level(logging.INFO)
    good = [p for p in PAYLOADS if p.name in ("facebook/messaging-message-basic",
                                              "facebook/messaging-message-fallback-attachment",
                                              "facebook/messaging-postback-referral")]
    entries = [entry for p in good for entry in p.body["entry"]]
    broken = [
        "not an object",
        {"id": int(MESSENGER_PAGE), "time": 1458692752478, "messaging": [
            {"sender": {"id": {"nested": True}}, "message": {"mid": 5, "text": ["a list"]}},
            42,
            {"sender": {"id": 987654321433}, "recipient": {"id": int(MESSENGER_PAGE)}, "timestamp": 10**30,
             "message": {"mid": "mid.broken:attachment", "text": "still here",
                         "attachments": [{"type": "file", "title": 42, "payload": {"url": 7}}, "junk", None]}}]},
        {"id": MESSENGER_PAGE, "changes": "not a list", "messaging": {"not": "a list"}},
    ]
    body = {"object": "page", "entry": entries[:2] + broken + entries[2:]}
    payload = Payload(good[0].path, "", "", "", "webhook", "", MESSENGER_PAGE, True, (), None, "", body)
    with _web_for(make_deps, slack_state, payload) as (server, executor):
        answer = _deliver(server, graph_state, body)
        executor.drain()
    assert answer.status_code == 200, answer.text
    text = shown(slack_state)
    for expected in [s for p in good for s in p.shows] + ["still here"]:
        assert expected in text
    assert any("not objects" in r.getMessage() or "not an object" in r.getMessage() for r in caplog.records)
