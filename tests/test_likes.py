"""A staff ❤️ on a customer's message, through Slack's documented
reaction_added / reaction_removed events (signed, retried as Slack retries):
liked where the platform has a like, a ❤️ reaction where it has reactions
(Messenger, Instagram DMs — the Send API's react / unreact, compared with
Meta's documented requests), and kept among colleagues — one log line, nothing
in the thread — where it has neither (Instagram comments, X DMs). Each goes out
once; a failure is told to its author alone."""
from __future__ import annotations

import copy
import logging

import pytest
import requests
from sqlalchemy import select

from bot.store.models import WAITING
from bot.inbound.poll import poll
from tests.helpers import all_text, roots, thread
from tests.payloads import FIXTURES, load

pytestmark = pytest.mark.meta
ADDED = load(FIXTURES / "slack" / "reaction_added_doc.json").body
REMOVED = load(FIXTURES / "slack" / "reaction_removed_doc.json").body
_events = iter(range(1, 10_000))


def _heart(bot, ts: str, user: str = "U0ALICE", removed: bool = False, retries: int = 1) -> str:
    """Slack's own example event, pointed at this workspace and message, sent
    once and then again as Slack's retry (X-Slack-Retry-Num)."""
    body = copy.deepcopy(REMOVED if removed else ADDED)
    state = bot.slack_state
    body.update(team_id=state.team_id, event_id=f"EvLIKE{next(_events):06d}")
    for auth in body.get("authorizations", []):
        auth.update(team_id=state.team_id, user_id=state.bot_user_id)
    body["event"].update(user=user, reaction="heart", event_ts=state.next_ts(),
                         item={**body["event"]["item"], "channel": "C0SUPPORT", "ts": ts})
    for attempt in range(retries + 1):
        headers = {"X-Slack-Retry-Num": str(attempt), "X-Slack-Retry-Reason": "http_timeout"} if attempt else {}
        assert bot.post_json(body, headers).status_code == 200
    return body["event_id"]


def _documented(platform: str, name: str) -> dict:
    return load(FIXTURES / platform / f"{name}.json").body


def _shape(value):
    """Keys all the way down: what a documented body and ours must share."""
    return {k: _shape(v) for k, v in value.items()} if isinstance(value, dict) else type(value).__name__


def _warnings(slack_state, root) -> list[str]:
    return [all_text(m) for m in thread(slack_state, root) if "⚠️" in all_text(m) or "not passed" in all_text(m)]


def test_a_heart_on_a_messenger_message_reacts_once_and_taking_it_back_unreacts(webhooks_on, deps, graph_state,
                                                                                 slack_state):
    bot = webhooks_on
    message = graph_state.customer_messages("Pat", "Do you ship to Norway?")
    bot.executor.drain()
    [root] = roots(slack_state)
    _heart(bot, root["ts"])
    _heart(bot, root["ts"], user="U0BOB")  # a colleague's ❤️ on a message already reacted to: nothing more
    assert graph_state.reaction_calls == [("react", message["id"])] and graph_state.reactions == {message["id"]: "❤️"}
    _heart(bot, root["ts"], removed=True)
    assert graph_state.reaction_calls == [("react", message["id"]), ("unreact", message["id"])]
    assert graph_state.reactions == {}
    react, unreact = graph_state.reaction_bodies
    assert _shape(react) == _shape(_documented("facebook", "send-api-react-request"))
    assert _shape(unreact) == _shape(_documented("facebook", "send-api-unreact-request"))
    assert react["recipient"]["id"] == graph_state.psid("Pat") and unreact["sender_action"] == "unreact"
    assert graph_state.sends == [] and not _warnings(slack_state, root)  # no message to the customer, none in Slack
    with deps.sessions() as session:
        from bot.store.models import Audit, Conversation
        assert session.get(Conversation, 1).status == WAITING  # a reaction is not an answer
        trail = {a.action: a.detail for a in session.scalars(select(Audit))}
    assert trail["like_sent"] == trail["unlike_sent"] == message["id"]  # the message, as the platform names it
    audit = bot.slack_state.user_runs_command("U0ALICE", "C0SUPPORT", "audit #1").json()["text"]
    assert "❤️ liked the customer's post" in audit and "🤍 took the ❤️ back" in audit
    assert message["id"] not in audit  # the platform's id is nothing a person reads


@pytest.mark.parametrize("login", ["page_linked", pytest.param("instagram_login", marks=pytest.mark.instagram_login)])
def test_a_heart_on_an_instagram_dm_is_a_love_reaction(login, webhooks_on, graph_state, slack_state):
    bot = webhooks_on
    message = graph_state.ig_customer_messages("jane.doe", "is the blue one back in stock?")
    bot.executor.drain()
    [root] = roots(slack_state)
    _heart(bot, root["ts"])
    assert graph_state.reactions == {message["id"]: "love"}
    _heart(bot, root["ts"], removed=True)
    assert graph_state.reaction_calls == [("react", message["id"]), ("unreact", message["id"])]
    react, unreact = graph_state.reaction_bodies
    assert react == {**_documented("instagram", "send-api-react-request"),
                     "recipient": {"id": message["from"]}, "payload": {"message_id": message["id"], "reaction": "love"}}
    assert _shape(unreact) == _shape(_documented("instagram", "send-api-unreact-request"))
    edge = f"/v26.0/{graph_state.ig_id if login == 'instagram_login' else 'me'}/messages"
    assert [path for method, path in graph_state.calls if method == "POST"] == [edge, edge]
    assert not _warnings(slack_state, root)


def test_a_heart_on_an_instagram_comment_stays_among_colleagues(webhooks_on, graph_state, slack_state, caplog):
    bot = webhooks_on
    graph_state.ig_customer_comments("kai", "love this jacket")
    bot.executor.drain()
    [root] = roots(slack_state)
    before = list(graph_state.calls)
    with caplog.at_level(logging.INFO):
        _heart(bot, root["ts"])
    assert graph_state.calls == before  # nothing asked of Instagram
    assert thread(slack_state, root) == [] and slack_state.ephemerals == []  # nothing said to anyone
    [line] = [r.getMessage() for r in caplog.records if "among colleagues" in r.getMessage()]
    assert "Instagram comments" in line and "instagram_manage_engagement" in line


def test_a_heart_on_an_x_dm_stays_among_colleagues(bot, deps, clock, x_state, slack_state, caplog):
    x_state.customer_dms("hal", "hi, can I change my delivery address?")
    poll(deps, clock())
    [root] = roots(slack_state)
    with caplog.at_level(logging.INFO):
        _heart(bot, root["ts"])
    assert x_state.like_calls == [] and thread(slack_state, root) == [] and slack_state.ephemerals == []
    [line] = [r.getMessage() for r in caplog.records if "among colleagues" in r.getMessage()]
    assert "X's API has no like or reaction for a DM" in line


def test_a_heart_on_the_bots_own_or_a_staff_message_does_nothing(webhooks_on, graph_state, slack_state):
    bot = webhooks_on
    graph_state.customer_comments("Kai", "You charged me twice")
    bot.executor.drain()
    [root] = roots(slack_state)
    staff, _ = bot.staff_says(root["ts"], "Sorry Kai, refunding now.")
    notes = [m for m in thread(slack_state, root) if m.get("bot_id")]
    for ts in [staff["ts"]] + [m["ts"] for m in notes]:
        _heart(bot, ts)
    posts = [path for method, path in graph_state.calls if method == "POST"]
    assert not any(path.endswith("/likes") for path in posts) and graph_state.reaction_calls == []


def test_a_failed_like_is_told_to_its_author_alone(webhooks_on, graph_state, slack_state):
    bot = webhooks_on
    comment = graph_state.customer_comments("Rae", "wrong size sent")
    bot.executor.drain()
    [root] = roots(slack_state)
    with graph_state.lock:
        del graph_state.comments[comment["id"]]  # the customer deleted it meanwhile: Graph refuses the like
    _heart(bot, root["ts"])
    assert not _warnings(slack_state, root)
    [told] = slack_state.ephemerals
    assert told["user"] == "U0ALICE" and told["thread_ts"] == root["ts"]
    assert told["text"].startswith("Your ❤️ was *not passed on* (Like on Facebook): Facebook refused it")


def test_the_emulator_answers_reactions_as_meta_documents(graph_emulator, graph_state):
    message = graph_state.customer_messages("Pat", "hello")
    url = f"{graph_emulator.url}/v26.0/{graph_state.page_id}/messages"
    auth = {"access_token": graph_state.page_token}
    documented = _documented("facebook", "send-api-react-request")
    body = {**documented, "recipient": {"id": graph_state.psid("Pat")},
            "payload": {**documented["payload"], "message_id": message["id"]}}
    answer = requests.post(url, params=auth, json=body, timeout=5)
    assert answer.status_code == 200
    assert _shape(answer.json()) == _shape(_documented("facebook", "send-api-react-response"))
    for broken in ({**body, "payload": {"reaction": "😊"}}, {**body, "payload": {"message_id": message["id"]}},
                   {**body, "payload": {"message_id": "m_not_in_this_conversation", "reaction": "😊"}}):
        refused = requests.post(url, params=auth, json=broken, timeout=5)
        assert refused.status_code == 400 and refused.json()["error"]["code"] == 100
    igsid = graph_state.ig_user("jane.doe")
    dm = graph_state.ig_customer_messages("jane.doe", "hi")
    ig = _documented("instagram", "send-api-react-request")
    ig_body = {**ig, "recipient": {"id": igsid}, "payload": {"message_id": dm["id"], "reaction": "love"}}
    ig_url = f"{graph_emulator.url}/v26.0/me/messages"
    answer = requests.post(ig_url, params=auth, json=ig_body, timeout=5)
    assert answer.json() == {**_documented("instagram", "send-api-react-response"), "recipient_id": igsid}
    wrong = requests.post(ig_url, params=auth, json={**ig_body, "payload": {"message_id": dm["id"], "reaction": "😊"}},
                          timeout=5)
    assert wrong.status_code == 400  # Instagram takes love only


def test_the_sandbox_button_names_what_a_heart_does_there(webhooks_on, deps, clock, graph_state, x_state,
                                                          slack_state):
    from sandbox.page import create_page
    bot = webhooks_on
    graph_state.customer_comments("Kai", "facebook comment")
    graph_state.customer_messages("Pat", "messenger message")
    graph_state.ig_customer_comments("kim", "instagram comment")
    graph_state.ig_customer_messages("jane.doe", "instagram dm")
    bot.executor.drain()
    x_state.customer_mentions("nia", "@acme_support x post")
    x_state.customer_dms("hal", "x dm")
    poll(deps, clock())
    shown = create_page(slack_state, x_state, None, graph_state).test_client().get("/state").get_json()["channel"]
    kinds = ("facebook comment", "messenger message", "instagram comment", "instagram dm", "x post", "x dm")
    buttons = {next(k for k in kinds if k in all_text(root)): root["heart"] for root in shown}
    assert buttons == {"facebook comment": "Like on Facebook", "messenger message": "React on Messenger",
                       "instagram comment": "(colleagues only)",
                       "instagram dm": "React on Instagram DM", "x post": "Like on X", "x dm": "(colleagues only)"}
    # 🙈 hides a post only where an app may (Threads, tests/test_threads.py): here it stays among colleagues.
    assert {root["hide"] for root in shown} == {"(colleagues only)"}


def test_the_sandbox_hide_button_says_hide_only_where_the_platform_hides():
    """The page offered "🙈 Hide" on every customer message; only Threads lets an app hide one (the bot says why
    privately elsewhere), so elsewhere the button says the 🙈 stays among colleagues, as ❤️'s does."""
    from sandbox.page_hearts import reaction_labels
    from sandbox.x_emulator import XState
    labels = reaction_labels(XState(), None)
    assert labels({"platform": "threads", "external_id": "17890000000000001"})["hide"] == "Hide on Threads"
    for platform in ("x", "facebook", "instagram", "bluesky", "trustpilot", "no such platform"):
        assert labels({"platform": platform, "external_id": "1"})["hide"] == "(colleagues only)", platform


def test_a_heart_on_a_customers_edit_likes_the_comment_itself(webhooks_on, clock, graph_state, slack_state):
    bot = webhooks_on
    comment = graph_state.customer_comments("Rae", "wrong size sent")
    bot.executor.drain()
    graph_state.push_change("feed", {"from": comment["from"], "post_id": comment["post_id"],
                                     "comment_id": comment["id"], "parent_id": comment["parent_id"],
                                     "created_time": int(clock().timestamp()), "item": "comment", "verb": "edited",
                                     "message": "wrong size AND colour sent"})
    bot.executor.drain()
    [root] = roots(slack_state)
    [edited] = thread(slack_state, root)
    _heart(bot, edited["ts"])
    assert graph_state.comments[comment["id"]]["likes"] == {graph_state.page_id}
    assert slack_state.ephemerals == []


def test_a_reaction_whose_answer_was_lost_is_sent_again_and_lands_once(webhooks_on, deps, clock, graph_state,
                                                                       slack_state):
    """Graph stored the reaction and answered 500: a react is idempotent, so
    the next pass sends it again rather than calling it failed."""
    from bot.outbound.deliver import deliver
    from bot.store.models import PENDING, SENT
    from tests.helpers import latest_outbox
    bot = webhooks_on
    message = graph_state.customer_messages("Pat", "Do you ship to Norway?")
    bot.executor.drain()
    [root] = roots(slack_state)
    graph_state.fail_next_write(stored=True, how="500")
    _heart(bot, root["ts"])
    assert latest_outbox(deps).state == PENDING and graph_state.reactions == {message["id"]: "❤️"}
    clock.advance(minutes=1)
    assert deliver(deps, clock()).sent == 1
    assert latest_outbox(deps).state == SENT and graph_state.reactions == {message["id"]: "❤️"}
    assert slack_state.ephemerals == [] and not _warnings(slack_state, root)
