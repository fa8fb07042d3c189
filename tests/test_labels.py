"""Labels (issue 22 item 4): `/social label #42 NAME` and `-NAME` add and
remove one (shown on the root, in the audit trail, publishers only),
`/social queue label:NAME` lists the open conversations that carry it, the
urgency reasons are offered as suggestions, and `/social report` breaks
volume and first response down by label. Through signed slash commands, on
both databases."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.inbound.poll import poll
from bot.outbound.deliver import deliver
from bot.store.models import Conversation, ConversationLabel
from tests.helpers import all_text, roots


def _command(bot, text: str, user: str = "U0ALICE") -> str:
    response = bot.slack_state.user_runs_command(user, "C0SUPPORT", text)
    bot.executor.drain()
    assert response.status_code == 200
    return response.json()["text"]


def _root_of(slack_state, handle: str) -> dict:
    return next(r for r in roots(slack_state) if handle in all_text(r))


def _labels(deps) -> list[tuple[int, str]]:
    with deps.sessions() as session:
        return [tuple(r) for r in session.execute(select(ConversationLabel.conversation_id, ConversationLabel.name)
                                                  .order_by(ConversationLabel.name))]


def _customers(deps, clock, x_state, *names: str) -> dict[str, int]:
    for name in names:
        x_state.customer_mentions(name, f"@acme_support {name} has a question", created_at=clock())
    poll(deps, clock())
    with deps.sessions() as session:
        return {c.customer_handle[1:]: c.id for c in session.scalars(select(Conversation))}


def test_a_label_is_added_shown_on_the_root_removed_and_audited(bot, deps, slack_state, carol):
    assert _command(bot, "label #1 refund") == "#1 now has the label `refund`."
    assert "🏷️ `refund`" in all_text(_root_of(slack_state, "@carol"))
    assert _command(bot, "label #1 REFUND") == "#1 already has the label `refund`."  # names are lowercase
    assert _command(bot, "label #1 vip").startswith("#1 now has the label `vip`.")
    assert "🏷️ `refund` `vip`" in all_text(_root_of(slack_state, "@carol"))
    assert _labels(deps) == [(1, "refund"), (1, "vip")]
    assert _command(bot, "label #1 -refund") == "#1 no longer has the label `refund`."
    assert _command(bot, "label #1 -refund") == "#1 has no label `refund`."
    root = all_text(_root_of(slack_state, "@carol"))
    assert "`refund`" not in root and "🏷️ `vip`" in root
    assert _command(bot, "label #1") == ("#1 has the label `vip`. Add one with `/social label #42 NAME` "
                                         "(1–32 characters of a-z, 0-9 and -).").replace("#42", "#1")
    audit = _command(bot, "audit #1")
    assert "<@U0ALICE> 🏷️ added the label `refund`" in audit and "<@U0ALICE> 🏷️ removed the label `refund`" in audit
    assert audit.count("added the label") == 2  # the second "refund" changed nothing and recorded nothing
    assert _command(bot, "label #999 refund") == "There is no conversation #999."


@pytest.mark.parametrize("name", ["Refund!", "a" * 33, "re_fund", "-", "café"])
def test_a_bad_label_name_is_refused_in_one_line(bot, deps, carol, name):
    answer = _command(bot, f"label #1 {name}")
    said = "Give a label name" if name == "-" else "is not a label name: use 1–32 characters of a-z, 0-9 and -"
    assert said in answer and "\n" not in answer
    assert _labels(deps) == []


def test_label_usage_and_queue_by_a_bad_name(bot, carol):
    assert _command(bot, "label #1 refund extra").startswith("Usage: `/social label #42 NAME` to add")
    assert _command(bot, "label one").startswith("`one` is not a conversation id like #42.")
    assert "is not a label name" in _command(bot, "queue label:Re*fund")
    # No name at all is said so, not quoted as "``" (a new user's trial, 2026-12-07).
    assert _command(bot, "queue label:").startswith("Give a label name, e.g. `label:refund`; names use 1–32 characters")


def test_queue_by_label_lists_the_open_conversations_that_carry_it(bot, deps, clock, x_state, slack_state):
    ids = _customers(deps, clock, x_state, "ann", "bo", "cy")
    assert _command(bot, "label").startswith("No open conversation has a label yet.")
    for name in ("ann", "bo"):
        _command(bot, f"label #{ids[name]} refund")
    _command(bot, f"label #{ids['cy']} press")
    _command(bot, f"resolve #{ids['bo']}")
    listed = _command(bot, "queue label:refund")
    assert listed.splitlines()[0] == "*Open with the label `refund`*"
    assert "@ann · X · due " in listed and listed.endswith(" · 🏷️ `refund`")
    assert "@bo" not in listed and "@cy" not in listed
    assert _command(bot, "queue label:legal") == "*Open with the label `legal`*: none 🎉"
    assert _command(bot, "label") == "*Labels on open conversations*: `press` 1 · `refund` 1"


@pytest.mark.settings(SLACK_PUBLISHERS="U0ALICE")
def test_only_publishers_change_labels_anyone_may_look(bot, deps, carol):
    assert _command(bot, "label #1 refund", user="U0BOB").startswith("Only people who may speak for the brand")
    assert _labels(deps) == []
    assert _command(bot, "label #1 refund", user="U0ALICE") == "#1 now has the label `refund`."
    assert _command(bot, "label #1 -refund", user="U0BOB").startswith("Only people who may speak for the brand")
    assert _command(bot, "label #1", user="U0BOB").startswith("#1 has the label `refund`.")
    assert "@carol" in _command(bot, "queue label:refund", user="U0BOB")


def test_the_customers_words_suggest_labels_never_put_them_on(bot, deps, clock, x_state, slack_state):
    x_state.customer_mentions("dan", "@acme_support I want a refund, my lawyer says this is fraud", created_at=clock())
    x_state.customer_mentions("eva", "@acme_support I want a refund for the broken kettle", created_at=clock())
    poll(deps, clock())
    assert _labels(deps) == []  # suggested, not applied
    with deps.sessions() as session:
        ids = {c.customer_handle: c.id for c in session.scalars(select(Conversation))}
    dan, eva = ids["@dan"], ids["@eva"]
    assert _command(bot, f"label #{dan}") == (
        f"#{dan} has no labels. The customer's words suggest `legal`: `/social label #{dan} legal`.")
    assert _command(bot, f"label #{eva}") == (
        f"#{eva} has no labels. The customer's words suggest `refund`: `/social label #{eva} refund`.")
    assert _command(bot, f"label #{eva} refund") == f"#{eva} now has the label `refund`."  # nothing left to suggest


@pytest.mark.settings(SEND_DELAY="0s")
def test_the_report_breaks_volume_and_first_response_down_by_label(bot, deps, clock, x_state, slack_state):
    ids = _customers(deps, clock, x_state, "fay", "gil", "hob")
    for name in ("fay", "gil"):
        _command(bot, f"label #{ids[name]} refund")
    _command(bot, f"label #{ids['hob']} press")
    for name, minutes in (("fay", 10), ("gil", 10), ("hob", 30)):
        clock.advance(minutes=minutes)
        bot.staff_says(_root_of(slack_state, f"@{name}")["ts"], f"Hi {name}, on it.")
        deliver(deps, clock())
    _command(bot, "report 7d here")
    report = [m for m in slack_state.messages if m.get("files")][-1]["text"]
    assert ("By label: `refund` 2 conversations, median first response 15 min · "
            "`press` 1 conversation, median first response 50 min") in report


def test_two_people_adding_the_same_label_at_once_make_one_row_and_one_audit_entry(deps, clock, carol):
    import threading

    from bot.desk import labels
    from bot.store.models import Audit
    answers = []
    people = [threading.Thread(target=lambda u=u: answers.append(labels.add(deps, 1, "refund", u, clock())))
              for u in ("U0ALICE", "U0BOB")]
    [p.start() for p in people]
    [p.join() for p in people]
    assert sorted(a.message for a in answers) == ["#1 already has the label `refund`.",
                                                  "#1 now has the label `refund`."]
    assert [a.changed for a in answers].count(True) == 1
    assert _labels(deps) == [(1, "refund")]
    with deps.sessions() as session:
        assert len(session.scalars(select(Audit).where(Audit.action == "label_added")).all()) == 1
