"""The composer: the ✍️ Reply button on a root opens a modal where a reply is
written with the platform's own character count and the reply check's
findings in view while typing, so a reply is fixed before it is sent rather
than held after.

A submitted reply becomes the same message + outbox row a typed thread reply
does (bot.outbound.relay.queue_action), so SEND_DELAY/Undo, REPLY_CHECK's
hold, publishers, the audit trail and exactly-once delivery apply unchanged;
its key `slack:view:<view id>:<kind>` makes a double submit or a retried
submission one reply. What the platform cannot take (empty, too long, a
closed window) is refused in place (`response_action: errors`), nothing
recorded. A reply the check flags is not refused: it goes to the usual hold
with Send anyway, like a typed one, since its author saw the findings and
submitted all the same (docs/workflow.md).

While a modal is open its root says "✍️ <name> is writing" (a `composing`
row per view): gone on submit or close, and after COMPOSING_FOR without a
keystroke — a modal Slack never reported closed must not say so forever."""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from slack_sdk.errors import SlackApiError
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from adapters.base import ActionKind, Measured
from bot.deps import Deps
from bot.outbound.compose import check_before_queueing, check_wording, compose_reply_text
from bot.outbound.relay import Relay, RelayResult, composer_key, from_composer, post_ref, queue_action, reply_kind
from bot.outbound.saved import agent_markup
from bot.outbound.thread_copy import quoted, show_in_thread
from bot.rules.saved_replies import Call, Customer, expand, values as filled_values
from bot.rules.text import escape_for_slack
from bot.slack.root import cannot_go_privately, refresh_root
from bot.slack.slack_out import SLACK_ERRORS
from bot.store import queries as store
from bot.store.models import CANCELLED, OUT, RESOLVED, Composing, Conversation, Message, Outbox
from bot.store.saved_replies import find_saved_reply, saved_replies

log = logging.getLogger(__name__)

CALLBACK = "composer"
TEXT_BLOCK, TEXT_ACTION = "composer_text", "composer_typed"
KIND_BLOCK, KIND_ACTION = "composer_kind", "composer_kind_picked"
SAVED_BLOCK, SAVED_ACTION = "composer_saved", "composer_saved_picked"
ACTIONS = (TEXT_ACTION, KIND_ACTION, SAVED_ACTION)
CHECK_BLOCK = "composer_check"
# Long enough to write a careful answer between keystrokes; short enough that
# a closed laptop does not keep a conversation "being written" for long.
COMPOSING_FOR = timedelta(minutes=3)
QUOTED_CHARS = 500  # of the customer's latest post, shown above the text box


@dataclass(frozen=True)
class Draft:
    """What a modal's state says: the conversation, the text as typed (plain,
    not Slack markup), the kind chosen (None: the conversation's default)."""
    conversation_id: int | None
    text: str = ""
    kind: ActionKind | None = None
    saved: str | None = None
    text_block: str = TEXT_BLOCK


@dataclass(frozen=True)
class Submitted:
    errors: dict = field(default_factory=dict)   # block_id → why (response_action: errors)
    result: RelayResult | None = None
    channel: str | None = None                   # the conversation's thread, for what is said after the ack
    thread_ts: str | None = None


def saved_reply_options(session: Session, deps: Deps, conv: Conversation, user: str) -> list[tuple[str, str, bool]]:
    """The picker's saved replies as (name, text filled in for this
    conversation and author, private only). `{agent}` comes from the name
    cache only: Slack honours the button's trigger for 3 s, so nothing here
    waits on users.info (an unknown name is left as a mention, which the send
    turns into the name as for any typed mention)."""
    agent = agent_markup(deps, user, fetch=False)
    filled = filled_values(Customer(conv.customer_handle, conv.customer_name, conv.id), agent)
    return [(saved.name, expand(saved.text, Call(saved.name, ""), filled), saved.private_only)
            for saved in saved_replies(session)]


def draft_from_view(view: dict) -> Draft:
    try:
        conv_id = int(json.loads(view.get("private_metadata") or "{}").get("conversation"))
    except (TypeError, ValueError, AttributeError):
        conv_id = None
    values = (view.get("state") or {}).get("values") or {}
    text_block = next((b for b in values if b.startswith(TEXT_BLOCK)), TEXT_BLOCK)
    text = ((values.get(text_block) or {}).get(TEXT_ACTION) or {}).get("value") or ""
    kind = (((values.get(KIND_BLOCK) or {}).get(KIND_ACTION) or {}).get("selected_option") or {}).get("value")
    saved = (((values.get(SAVED_BLOCK) or {}).get(SAVED_ACTION) or {}).get("selected_option") or {}).get("value")
    return Draft(conv_id, text, ActionKind(kind) if kind in ("reply", "private") else None, saved, text_block)


def as_slack_text(typed: str) -> str:
    """A modal's text is plain; the outbox keeps what Slack's composer would
    have sent (& < > escaped), so the send turns it back into exactly what was
    typed and the thread shows it literally."""
    return escape_for_slack(typed)


def _kinds(deps: Deps, conv: Conversation, latest: Message | None) -> tuple[ActionKind, ...]:
    if conv.private:
        return (ActionKind.PRIVATE,)
    # Private only where it can reach the customer's latest post (not an Instagram @-mention).
    return (ActionKind.REPLY,) if cannot_go_privately(deps, conv, latest) else (ActionKind.REPLY, ActionKind.PRIVATE)


def measure(deps: Deps, platform: str, slack_text: str, user: str, kind: ActionKind,
            lookups: bool = False) -> tuple[int, int] | None:
    """(length, limit) as the platform counts the text the customer would get
    (signature included) — the adapter's own count, the one its check uses."""
    adapter = deps.adapters.get(platform)
    if not isinstance(adapter, Measured):
        return None
    return adapter.measure(compose_reply_text(deps, slack_text, user, lookups=lookups), kind)


def _check_lines(deps: Deps, conv: Conversation, draft: Draft, kind: ActionKind, user: str,
                 latest: Message | None) -> list[str]:
    slack_text = as_slack_text(draft.text)
    label = deps.label(conv.platform, kind is ActionKind.PRIVATE)
    lines = []
    counted = measure(deps, conv.platform, slack_text, user, kind, lookups=True)
    if counted:
        length, limit = counted
        over = f" — *{length - limit:,} too many*; {label} will not take it" if length > limit else ""
        lines.append(f"{'⚠️' if over else '🔢'} {length:,} of {limit:,} characters as {label} counts them{over}")
    if draft.text.strip():
        refused = check_before_queueing(deps, user, conv.platform, slack_text, kind,
                                        post_ref(conv, latest) if latest else None)
        if refused and not (counted and counted[0] > counted[1]):
            lines.append(f"⛔ {escape_for_slack(refused)}")
        if deps.settings.reply_check != "off":
            findings = check_wording(deps, user, slack_text, kind)
            then = ("Sent as it is, it will be held for you to *Send anyway* or change"
                    if deps.settings.reply_check == "hold" else "Sent as it is, it goes out and you are told")
            lines.append(f"⚠️ *The reply check found:*\n{escape_for_slack(findings)}\n_{then}_" if findings
                         else "✅ The reply check found nothing to worry about.")
    return lines


def build_view(deps: Deps, conv_id: int, user: str, draft: Draft | None, now: datetime) -> dict | None:
    """The modal for this conversation and draft (None: just opened)."""
    with deps.sessions() as session:
        conv = session.get(Conversation, conv_id)
        if conv is None:
            return None
        latest = store.latest_customer_message(session, conv.id, conv.customer_id)
        others = [u for u in store.who_is_writing(session, conv.id, now) if u != user]
        text_block, initial, again = TEXT_BLOCK, None, None
        if draft is None and (again := _cancelled_here(session, conv.id, user, now)) is not None:
            initial = _typed(again.slack_text)
        draft = draft or Draft(conv.id, kind=ActionKind(again.kind) if again is not None else None)
        kinds = _kinds(deps, conv, latest)
        default = reply_kind(conv, user, latest) if latest else kinds[0]
        kind = draft.kind if draft.kind in kinds else default
        options = saved_reply_options(session, deps, conv, user)
        blocks = [{"type": "context", "elements": [{"type": "mrkdwn", "text": (
            f"#{conv.id} · *{escape_for_slack(conv.customer_handle or '')}* on {deps.label(conv.platform, conv.private)}"
            + ("" if conv.status != RESOLVED else " · resolved"))}]}]
        if latest is not None and latest.text:
            quoted = latest.text if len(latest.text) <= QUOTED_CHARS else latest.text[:QUOTED_CHARS - 1] + "…"
            blocks.append({"type": "section", "text": {"type": "plain_text", "text": quoted, "emoji": False}})
        if others:
            blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": (
                "✍️ " + " and ".join(f"<@{u}>" for u in others) + " also " + ("has" if len(others) == 1 else "have")
                + " the composer open for this conversation.")}]})
        text_block = draft.text_block
        if again is not None:
            blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": (
                "↩️ Your reply cancelled " + ("after it was held" if again.check_findings else "before it left")
                + ", as you wrote it: change it and send, or clear it.")}]})
        if options:
            picked, private_only = next(((text, private) for name, text, private in options if name == draft.saved),
                                        (None, False))
            if private_only and ActionKind.PRIVATE in kinds:
                kind = ActionKind.PRIVATE  # a saved reply marked private-only goes privately, as `!name` does
            blocks.append({"type": "input", "block_id": SAVED_BLOCK, "optional": True, "dispatch_action": True,
                           "label": {"type": "plain_text", "text": "Saved reply"},
                           "element": {"type": "static_select", "action_id": SAVED_ACTION,
                                       "placeholder": {"type": "plain_text", "text": "Start from a saved reply"},
                                       "options": [_option(name, name) for name, _, _ in options[:100]]}})
            if picked is not None and not draft.text_block.endswith(f":{draft.saved}"):
                # Slack keeps what was typed in a block it knows; a new block_id lets the pick fill the box.
                text_block, initial = f"{TEXT_BLOCK}:{draft.saved}", picked
        if len(kinds) > 1:
            choices = [_option("Public reply", ActionKind.REPLY.value),
                       _option(f"Privately ({deps.label(conv.platform, True)})", ActionKind.PRIVATE.value)]
            blocks.append({"type": "input", "block_id": KIND_BLOCK, "dispatch_action": True,
                           "label": {"type": "plain_text", "text": "Send as"},
                           "element": {"type": "radio_buttons", "action_id": KIND_ACTION, "options": choices,
                                       "initial_option": choices[kinds.index(kind)]}})
        element = {"type": "plain_text_input", "action_id": TEXT_ACTION, "multiline": True,
                   "dispatch_action_config": {"trigger_actions_on": ["on_character_entered"]}}
        if initial is not None:
            element["initial_value"] = initial
        blocks.append({"type": "input", "block_id": text_block, "dispatch_action": True, "element": element,
                       "label": {"type": "plain_text", "text": "Your reply"}})
        lines = _check_lines(deps, conv, Draft(conv.id, initial if initial is not None else draft.text, kind),
                             kind, user, latest)
        if lines:
            blocks.append({"type": "context", "block_id": CHECK_BLOCK,
                           "elements": [{"type": "mrkdwn", "text": line} for line in lines]})
        session.commit()
    return {"type": "modal", "callback_id": CALLBACK, "notify_on_close": True,
            "private_metadata": json.dumps({"conversation": conv_id}),
            "title": {"type": "plain_text", "text": f"✍️ Reply #{conv_id}"[:24]},
            "submit": {"type": "plain_text", "text": "Send"}, "close": {"type": "plain_text", "text": "Cancel"},
            "blocks": blocks}


# A composer reply its author cancelled (held, or undone) comes back in the next composer they open for the same
# conversation, for this long: a new user's trial (2026-12-07) cancelled a held reply to fix it, reopened ✍️ Reply
# and found the box empty — the words were gone, though the held notice had said "edit your message".
CANCELLED_KEPT_FOR = timedelta(hours=1)


def _cancelled_here(session: Session, conv_id: int, user: str, now: datetime) -> Outbox | None:
    """The author's latest reply in this conversation, when it came from the composer and was cancelled lately."""
    last = session.scalars(select(Outbox).where(Outbox.conversation_id == conv_id, Outbox.staff_user == user)
                           .order_by(Outbox.id.desc()).limit(1)).first()
    if (last is None or last.state != CANCELLED or not from_composer(last.idempotency_key)
            or last.created_at < now - CANCELLED_KEPT_FOR):
        return None
    return last


def _typed(slack_text: str) -> str:
    """as_slack_text undone: what the author typed."""
    return slack_text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _option(text: str, value: str) -> dict:
    return {"text": {"type": "plain_text", "text": text[:75]}, "value": value}


def open_composer(deps: Deps, conv_id: int, user: str, trigger_id: str, now: datetime) -> str | None:
    """views.open with the press's trigger_id (Slack honours it for 3 s), then
    the root says who is writing. A reason to tell the person, or None."""
    view = build_view(deps, conv_id, user, None, now)
    if view is None:
        return f"Conversation #{conv_id} no longer exists."
    try:
        opened = deps.slack.client.views_open(trigger_id=trigger_id, view=view)["view"]
    except SlackApiError as exc:
        error = exc.response.get("error")
        log.warning("#%s: the composer did not open for %s: %s", conv_id, user, error)
        said = str((exc.response.get("response_metadata") or {}).get("messages"))
        if error == "expired_trigger_id" or (error == "invalid_arguments" and "trigger_id" in said):
            return "⏱️ Slack took too long to open the composer; press ✍️ Reply again."
        return f"⚠️ Slack did not open the composer ({error}); press ✍️ Reply again, or reply in the thread."
    except SLACK_ERRORS as exc:
        log.warning("#%s: the composer did not open for %s: %s", conv_id, user, exc)
        return "⚠️ Slack could not be reached to open the composer; press ✍️ Reply again, or reply in the thread."
    with deps.sessions() as session:
        try:
            with session.begin_nested():
                session.add(Composing(view_id=opened["id"], conversation_id=conv_id, user_id=user, opened_at=now,
                                      until=now + COMPOSING_FOR))
        except IntegrityError:
            pass  # the same view seen twice
        session.commit()
    return None


def update_composer(deps: Deps, view: dict, user: str, now: datetime) -> None:
    """A keystroke, a pick or a choice in an open composer: the count and the
    findings again (views.update with the view's hash: an update computed for
    an older state never overwrites a newer one), and the writing lasts on."""
    draft = draft_from_view(view)
    with deps.sessions() as session:
        # Written at most once a minute and a half per composer: a keystroke
        # must not take the database's write lock that acks are waiting for.
        until = session.scalar(select(Composing.until).where(Composing.view_id == view.get("id")))
        if until is not None and until - now < COMPOSING_FOR / 2:
            session.execute(update(Composing).where(Composing.view_id == view.get("id"))
                            .values(until=now + COMPOSING_FOR).execution_options(synchronize_session=False))
        session.commit()
    if draft.conversation_id is None:
        return
    fresh = build_view(deps, draft.conversation_id, user, draft, now)
    if fresh is None:
        return
    try:
        deps.slack.client.views_update(view_id=view["id"], hash=view.get("hash"), view=fresh)
    except SlackApiError as exc:
        if exc.response.get("error") != "hash_conflict":  # a newer keystroke's update got there first
            log.warning("composer %s not updated: %s", view.get("id"), exc.response.get("error"))
    except SLACK_ERRORS as exc:
        log.warning("composer %s not updated: %s", view.get("id"), exc)


def submit(deps: Deps, view: dict, user: str, now: datetime, not_allowed: str | None = None,
           author_known: bool = True) -> Submitted:
    """On the ack path (no Slack call): refused in place, or recorded once as
    `user`'s reply. not_allowed: why they may not speak for the brand."""
    draft = draft_from_view(view)
    block = draft.text_block
    if draft.conversation_id is None:
        return Submitted({block: "This composer names no conversation; close it and press ✍️ Reply again."})
    if not_allowed:
        return Submitted({block: f"Not sent: {not_allowed}"})
    slack_text = as_slack_text(draft.text)
    with deps.sessions() as session:
        conv = session.get(Conversation, draft.conversation_id, with_for_update=True)
        latest = store.latest_customer_message(session, conv.id, conv.customer_id) if conv else None
        if conv is None or latest is None:
            return Submitted({block: "There is nothing from the customer to answer in this conversation."})
        kinds = _kinds(deps, conv, latest)
        kind = draft.kind if draft.kind in kinds else reply_kind(conv, user, latest)
        saved = find_saved_reply(session, draft.saved) if draft.saved else None
        if saved is not None and saved.private_only:
            # Started from a saved reply marked private-only: it goes privately, as `!name` would.
            if ActionKind.PRIVATE not in kinds:
                return Submitted({block: f"Not sent: saved reply `{saved.name}` goes only privately, and "
                                         f"{cannot_go_privately(deps, conv, latest)}"})
            kind = ActionKind.PRIVATE
        refused = check_before_queueing(deps, user, conv.platform, slack_text, kind, post_ref(conv, latest))
        if refused:
            return Submitted({block: refused})
        message = Message(conversation_id=conv.id, direction=OUT, platform=conv.platform, account=conv.account,
                          slack_channel=conv.slack_channel, author_id=user, text=slack_text, created_at=now,
                          recorded_at=now)
        result = queue_action(session, deps, conv, message, kind, composer_key(view["id"], kind), user,
                              slack_text, latest, now, author_known=author_known)
        session.execute(delete(Composing).where(Composing.view_id == view["id"]))
        where = conv.slack_channel, conv.slack_root_ts
        session.commit()
    return Submitted(result=result, channel=where[0], thread_ts=where[1])


def close(deps: Deps, view_id: str) -> int | None:
    """The modal closed without sending: the root no longer says who is writing."""
    with deps.sessions() as session:
        conv_id = session.scalar(select(Composing.conversation_id).where(Composing.view_id == view_id))
        session.execute(delete(Composing).where(Composing.view_id == view_id))
        session.commit()
    return conv_id


def sweep_composing(deps: Deps, now: datetime) -> int:
    """The job: composers not heard from for COMPOSING_FOR (closed without
    Slack telling us, a laptop shut) dropped, their roots repainted."""
    conv_ids = expire_composing(deps, now)
    for conv_id in conv_ids:
        try:
            with deps.sessions() as session:
                refresh_root(session, deps, session.get(Conversation, conv_id), now)
        except SLACK_ERRORS as exc:  # the row is gone; the next repaint of this root says it right
            log.warning("#%s: root not repainted after its composer expired: %s", conv_id, exc)
    return len(conv_ids)


def expire_composing(deps: Deps, now: datetime) -> list[int]:
    """Drops expired composing rows; the conversations whose root must be repainted."""
    with deps.sessions() as session:
        rows = session.execute(select(Composing.view_id, Composing.conversation_id)
                               .where(Composing.until <= now)).all()
        if not rows:
            return []
        session.execute(delete(Composing).where(Composing.view_id.in_([view_id for view_id, _ in rows]),
                                                Composing.until <= now))
        session.commit()
    return sorted({conv_id for _, conv_id in rows})


def thread_copy(deps: Deps, outbox_id: int) -> None:
    """The reply shown in its thread by the bot, with its author's name."""
    def words(row: Outbox, conv: Conversation) -> str:
        private = row.kind == ActionKind.PRIVATE.value
        # Neutral words: its reactions say what became of it (📤 sent, ✋ held, ⚠️ refused).
        what = "🔒 *Private reply*" if private and not conv.private else "*Reply*"
        return f"✍️ {what} by <@{row.staff_user}> ({deps.label(conv.platform, private)}):\n{quoted(row.slack_text)}"
    show_in_thread(deps, outbox_id, "composer", words, keep_ts=True, look_first=False)


def outcome_needs_copy(result: RelayResult | None) -> bool:
    return result is not None and result.outbox_id is not None and result.outcome in (
        Relay.QUEUED, Relay.HELD, Relay.REFUSED)
