"""Labels on conversations: `/social label #42 refund` adds one, `-refund`
removes it, `/social queue label:refund` lists the open conversations that
carry it, and the report breaks volume and first response down by label.

The urgency reasons (bot.rules.urgency: a refund, a lawyer, the press…) are
offered as suggestions, never put on by themselves: a label is the team's
own word and the report counts by it, while the cues that raise a priority
are tuned to catch, not to be right ("cancel my order" is not churn, "your
sale is fire" is no safety case) — an automatic label would be wrong often
enough that people would spend their time taking labels off and the
per-label figures would stop meaning anything. The root already shows the
reason the priority was raised; `/social label #42` names the label it
suggests, one command away."""
from __future__ import annotations

import logging
import re
from datetime import datetime

from sqlalchemy import delete, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.deps import Deps
from bot.desk.actions import ActionResult
from bot.rules.text import escape_for_slack
from bot.store import queries as store
from bot.store.models import RESOLVED, Conversation, ConversationLabel

log = logging.getLogger(__name__)
NAME = re.compile(r"^[a-z0-9-]{1,32}$")
RULE = "1–32 characters of a-z, 0-9 and -"
# What the urgency cues are about, as a team would file them (the cues are
# bot.rules.urgency's URGENT_CUES and HIGH_CUES, matched in priority_reason).
SUGGESTED = {
    "legal": r"lawyer|solicitor|attorney|\bsue\b|suing|legal action|court|trading standards|ombudsman",
    "fraud": r"chargeback|fraud|scam|stolen|stole my|hacked|identity|unauthori[sz]ed",
    "press": r"journalist|the press|bbc",
    "safety": r"police|fire|sparked|burn|smoke|gas smell|injur|allergic|hospital|a&e|emergency|killed|crashed"
              r"|safety",
    "refund": r"refund|money back|charged twice|overcharged|double charged",
    "churn-risk": r"cancel|never again|switching to|competitor|done with you",
    "delivery": r"never arrived|days late|weeks late",
    "complaint": r"worst|unacceptable|disgust|disgrace|furious|angry|complaint|a joke|ruined|terrible|awful|rude",
}
_CUE = re.compile(r"“([^”]+)”")


def bad_name(name: str) -> str | None:
    """The one line refusing a label name, or None."""
    if NAME.match(name):
        return None
    if not name:  # "/social queue label:" — nothing to quote (a new user's trial saw "`` is not a label name")
        return f"Give a label name, e.g. `label:refund`; names use {RULE}."
    return f"`{escape_for_slack(name[:40])}` is not a label name: use {RULE}, e.g. `refund`."


def suggested(conv: Conversation) -> list[str]:
    """Labels the customer's words suggest (from the reason the priority was
    raised), less those it has."""
    cues = " ".join(_CUE.findall(conv.priority_reason or "")).lower()
    have = {label.name for label in conv.labels}
    return [name for name, cues_of in SUGGESTED.items() if cues and re.search(cues_of, cues) and name not in have]


def add(deps: Deps, conv_id: int, name: str, actor: str, now: datetime) -> ActionResult:
    with deps.sessions() as session:
        conv = session.get(Conversation, conv_id)
        if conv is None:
            return ActionResult(False, f"There is no conversation #{conv_id}.")
        try:
            with session.begin_nested():  # the primary key decides between two people adding it at once
                session.execute(insert(ConversationLabel).values(conversation_id=conv_id, name=name,
                                                                 added_by=actor, added_at=now))
        except IntegrityError:
            return ActionResult(True, f"#{conv_id} already has the label `{name}`.", conv_id)
        store.audit(session, now, actor, "label_added", conv_id, name)
        session.commit()
        log.info("#%s labelled %s by %s", conv_id, name, actor)
        session.refresh(conv)
        return ActionResult(True, f"#{conv_id} now has the label `{name}`.{_suggestion(conv)}", conv_id, changed=True)


def remove(deps: Deps, conv_id: int, name: str, actor: str, now: datetime) -> ActionResult:
    with deps.sessions() as session:
        conv = session.get(Conversation, conv_id)
        if conv is None:
            return ActionResult(False, f"There is no conversation #{conv_id}.")
        gone = session.execute(delete(ConversationLabel).where(ConversationLabel.conversation_id == conv_id,
                                                               ConversationLabel.name == name)
                               .execution_options(synchronize_session=False)).rowcount
        if not gone:
            return ActionResult(False, f"#{conv_id} has no label `{name}`.", conv_id)
        store.audit(session, now, actor, "label_removed", conv_id, name)
        session.commit()
        log.info("#%s label %s removed by %s", conv_id, name, actor)
        return ActionResult(True, f"#{conv_id} no longer has the label `{name}`.", conv_id, changed=True)


def describe(session: Session, conv_id: int) -> str:
    """`/social label #42`: its labels, and the ones its words suggest."""
    conv = session.get(Conversation, conv_id)
    if conv is None:
        return f"There is no conversation #{conv_id}."
    have = ", ".join(f"`{label.name}`" for label in conv.labels)
    line = (f"#{conv_id} has the label{'s' if len(conv.labels) > 1 else ''} {have}." if have
            else f"#{conv_id} has no labels.")
    return line + (_suggestion(conv) or f" Add one with `/social label #{conv_id} NAME` ({RULE}).")


def in_use(session: Session) -> str:
    """`/social label`: the labels on open conversations, most used first."""
    rows = session.execute(select(ConversationLabel.name, func.count()).join(Conversation)
                           .where(Conversation.status != RESOLVED).group_by(ConversationLabel.name)
                           .order_by(func.count().desc(), ConversationLabel.name).limit(30)).all()
    if not rows:
        return ("No open conversation has a label yet. Add one with `/social label #42 NAME` "
                f"({RULE}); list them with `/social queue label:NAME`.")
    return "*Labels on open conversations*: " + " · ".join(f"`{name}` {count}" for name, count in rows)


def _suggestion(conv: Conversation) -> str:
    names = suggested(conv)
    if not names:
        return ""
    shown = ", ".join(f"`{n}`" for n in names)
    return f" The customer's words suggest {shown}: `/social label #{conv.id} {names[0]}`."
