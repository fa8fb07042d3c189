"""X webhooks through the real `web`: the CRC answer, signed X Activity API and
Account Activity events → one root each with no worker running, forged or
malformed deliveries refused with nothing posted, and a post seen by webhook
and by polling shown once."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json

import requests
from sqlalchemy import func, select

from bot.store.models import Message
from bot.inbound.poll import poll
from tests.helpers import all_text, roots
from tests.payloads import collect


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def deliver_event(bot, x_state, payload: dict | bytes, signature: str | None = "good",
                  content_type: str = "application/json"):
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    headers = {"content-type": content_type}
    if signature == "good":
        headers["x-twitter-webhooks-signature"] = sign(x_state.api_secret, body)
    elif signature:
        headers["x-twitter-webhooks-signature"] = signature
    response = requests.post(bot.server.url + "/webhooks/x", data=body, headers=headers, timeout=10)
    bot.executor.drain()  # the Slack post runs after the answer, in web itself
    return response


def mention_event(x_state, tweet: dict) -> dict:
    return {"data": {"event_uuid": "1", "filter": {"user_id": x_state.brand_id}, "event_type": "post.mention.create",
                     "payload": tweet, "includes": {"users": [x_state.users[tweet["author_id"]]]}}}


def stored_messages(deps) -> int:
    with deps.sessions() as session:
        return session.scalar(select(func.count()).select_from(Message))


def test_crc_answer_is_the_base64_hmac_of_the_token(bot, x_state):
    answer = requests.get(bot.server.url + "/webhooks/x", params={"crc_token": "challenge-123"}, timeout=5)
    expected = base64.b64encode(hmac.new(x_state.api_secret.encode(), b"challenge-123",
                                         hashlib.sha256).digest()).decode()
    assert answer.status_code == 200 and answer.json() == {"response_token": f"sha256={expected}"}
    assert requests.get(bot.server.url + "/webhooks/x", timeout=5).status_code == 400  # no token


def test_a_signed_mention_becomes_one_root_with_no_worker(bot, deps, x_state, slack_state):
    tweet = x_state.post(x_state.add_user("gina"), "@acme_support my order arrived broken & late")
    response = deliver_event(bot, x_state, mention_event(x_state, {**tweet, "text": tweet["text"].replace("&", "&amp;")}))
    # Posted by web itself right after its answer: no worker runs in this test. How fast is
    # measured by bench/webhook_latency.py, not here (a loaded machine is no evidence).
    assert response.status_code == 200 and response.json() == {"ok": True}
    [root] = roots(slack_state)
    assert "*@gina*" in all_text(root) and "broken &amp; late" in all_text(root)  # decoded once, then escaped
    # Delivered again (X retries) and then seen by polling: still one root.
    assert deliver_event(bot, x_state, mention_event(x_state, tweet)).json() == {"ok": True}
    result = poll(deps, deps.clock())
    assert not result.errors and len(roots(slack_state)) == 1 and stored_messages(deps) == 1


def test_forged_unsigned_and_malformed_deliveries_post_nothing(bot, deps, x_state, slack_state):
    tweet = x_state.post(x_state.add_user("mallory"), "@acme_support forged")
    event = mention_event(x_state, tweet)
    assert deliver_event(bot, x_state, event, signature=None).status_code == 401
    assert deliver_event(bot, x_state, event, signature=sign("not-the-secret", json.dumps(event).encode())).status_code == 401
    assert deliver_event(bot, x_state, event, signature="sha256=").status_code == 401
    assert deliver_event(bot, x_state, b'{"data": {"event_type": ', signature="good").status_code == 400
    assert deliver_event(bot, x_state, b'[1, 2]', signature="good").status_code == 400
    assert deliver_event(bot, x_state, json.dumps(event).encode(), content_type="text/plain").status_code == 415
    huge = b'{"pad": "' + b"x" * (1024 * 1024) + b'"}'
    assert deliver_event(bot, x_state, huge, signature="good").status_code == 413
    assert roots(slack_state) == [] and stored_messages(deps) == 0


def test_a_dm_received_by_webhook_opens_a_private_thread_and_our_own_dm_does_not(bot, deps, x_state, slack_state):
    # The emulator pushes dm.received as X documents it: direct_message_events plus a users map in the payload.
    x_state.webhook_url = bot.server.url + "/webhooks/x"
    x_state.customer_dms("hal_ito", "Hi, can I change the delivery address & date?")
    bot.executor.drain()
    [root] = roots(slack_state)
    shown = all_text(root)
    assert "*X DM*" in shown and "*@hal_ito*" in shown and "Private message" in shown
    assert "address &amp; date?" in shown
    x_state.add_dm(x_state.brand_id, "On it!", recipient_id=x_state.add_user("hal_ito"))  # dm.sent: our echo
    bot.executor.drain()
    assert x_state.webhook_answers == [200, 200] and len(roots(slack_state)) == 1 and stored_messages(deps) == 1


def test_account_activity_payloads_are_understood(bot, deps, x_state, slack_state):
    [documented] = [p for p in collect("x") if p.name == "x/aaa_direct_message_events"]
    # Delivered as X documents it, for the account it names: not ours, nothing shown.
    assert deliver_event(bot, x_state, documented.body).json() == {"ok": True}
    # The same delivery addressed to our brand account: the customer's DM opens a private thread.
    ours = json.loads(json.dumps(documented.body).replace(documented.account, x_state.brand_id))
    assert deliver_event(bot, x_state, ours).json() == {"ok": True}
    [root] = roots(slack_state)
    assert "*X DM* · *@furiouscamper*" in all_text(root) and "Hello World!" in all_text(root)
    [echo] = [p for p in collect("x") if p.name == "x/aaa_brand_reply_echo"]  # a bot's own reply, captured
    mine = json.loads(json.dumps(echo.body).replace(echo.account, x_state.brand_id))
    assert deliver_event(bot, x_state, mine).json() == {"ok": True} and len(roots(slack_state)) == 1


def mentions(result):
    [account] = [a for a in result.accounts if a.name.startswith("X @") and a.name.count(" ") == 1]
    return account


def test_while_webhooks_deliver_polling_slows_to_a_safety_net_and_returns_when_they_stop(
        bot, deps, x_state, slack_state, clock):
    """A subscription that breaks silently (or the sandbox's *webhooks*
    unticked): the webhook seen earlier used to keep polling at 15 min for an
    hour, so posts waited that long; polling is back at POLL_INTERVAL (60 s
    here) once webhooks stop arriving for five intervals."""
    assert deps.settings.poll_interval.total_seconds() == 60
    poll(deps, clock())  # creates the cursors
    tweet = x_state.post(x_state.add_user("ivy"), "@acme_support hi")
    deliver_event(bot, x_state, mention_event(x_state, tweet))
    assert len(roots(slack_state)) == 1
    clock.advance(seconds=61)
    account = mentions(poll(deps, clock()))
    assert "webhooks are arriving; safety-net poll at" in account.describe()
    assert mentions(poll(deps, clock(), paced=False)).skipped is None  # a person's pass asks at once

    x_state.webhook_url = None  # webhooks stop; the customer keeps posting
    x_state.post(x_state.add_user("jon"), "@acme_support anyone?")
    clock.advance(minutes=5)  # five quiet intervals after the last webhook
    account = mentions(poll(deps, clock()))
    assert account.describe().endswith("1 new post in 1 thread")
    assert len(roots(slack_state)) == 2


def test_a_reply_to_our_post_arrives_as_two_events_and_shows_once(bot, deps, x_state, slack_state):
    x_state.webhook_url = bot.server.url + "/webhooks/x"
    ours = x_state.post(x_state.brand_id, "Winter sale starts now")
    x_state.customer_mentions("uma", "@acme_support does it include boots?", in_reply_to=ours["id"])
    bot.executor.drain()
    assert x_state.webhook_answers == [200, 200]  # post.mention.create, then post.reply.create (includes {})
    [root] = roots(slack_state)
    assert "*@uma*" in all_text(root) and "does it include boots?" in all_text(root)
    assert stored_messages(deps) == 1
