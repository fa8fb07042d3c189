"""`/social …`, answered privately in the ack body (well within 3 s), and the
App Home dashboard."""
from __future__ import annotations

import logging
import re
from typing import Callable

from slack_bolt import App

from bot.desk import actions, labels, private, queue_filter, reports
from bot.desk.audit_trail import audit_answer
from bot.desk.report_post import post_report
from bot.desk.saved import saved_command
from bot.env import parse_duration
from bot.deps import Deps
from bot.store.models import Conversation
from bot.slack.publishers import NOT_KNOWN, change_refused
from bot.slack.render import slack_date
from bot.rules.sla import PRIORITY_FACTORS
from bot.slack.slack_out import SLACK_ERRORS
from bot.rules.text import escape_for_slack
from bot.store.db import reading
from bot.outbound.relay import Relay, RelayResult
from handlers.after_ack import Recorded, after_reply
from handlers.slack_actions import refresh_after
from handlers.slack_ignored import ignored

log = logging.getLogger(__name__)

HELP = """*What `/social` can do* (conversation ids like `#42` are on each root)
• `/social status` — how many conversations are open, waiting and overdue, and today's median first response.
• `/social queue` — the conversations waiting on us, the most urgent first.
• `/social overdue` — the conversations past their SLA.
• `/social mine` — the open conversations assigned to you.
• `/social assign #42 @person` — gives a conversation to someone.
• `/social snooze #42 2h` — pauses its timer for a while (`30m`, `2h`, `1d`).
• `/social resolve #42` — closes it and stops its timer.
• `/social reopen #42` — opens it again; the customer is waiting on us.
• `/social priority #42 high` — `urgent` (¼ of the SLA), `high` (½), `normal` or `low` (2×).
• `/social private #42 your text` — answers the customer privately (a DM) instead of in public.
• `/social report` — a chart and the figures of the last 7 days, to you; add `30d` for a month, `here` to show the channel.
• `/social audit #42` — who published what in a conversation, with the exact text sent.
• `/social label #42 refund` — puts a label on a conversation; `-refund` takes it off; `/social label #42` suggests some.
• `/social queue label:refund` — the open conversations with that label.
• `/social queue urgent mine x` — the queue narrowed: a priority, `mine`, a platform, `label:NAME`, any together.
• `/social saved add NAME [--private] TEXT` — saves a reply for everyone (with `--private` it always goes privately); `{first_name}`, `{name}`, `{handle}`, `{agent}`, `{id}` are filled in.
• `/social saved list` — the saved replies, with the first words of each.
• `/social saved remove NAME` — deletes one.
*In a thread:* reply to answer the customer; start with `note:` to keep it internal; `!NAME` (and more text if you like) sends a saved reply.
*On the root:* 👀 claims · ✅ resolves · 💤 snoozes · 🔒 *Reply privately* sends your next thread message privately.
*On a customer's message:* ❤️ likes it on the platform; taking the ❤️ away unlikes it. 🙈 hides it from public \
view where the platform allows (Threads); taking the 🙈 away shows it again."""
_PRIVATE = re.compile(r"^\s*private\s+(\S+)\s+(.+)$", re.DOTALL | re.IGNORECASE)

# ASCII digits only ("#٣" is no id of ours), and few enough to fit the database's integer: "#99999999999999999999999"
# was an OverflowError from SQLite (a new user's trial, 2026-12-07) — an id that long is no conversation either.
_CONV_ID = re.compile(r"^#?([0-9]{1,18})$")
_USER = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")


def thread_link(conv: Conversation) -> str:
    link = f"https://slack.com/archives/{conv.slack_channel}/p{(conv.slack_root_ts or '').replace('.', '')}"
    return f"<{link}|#{conv.id}>"


def conversation_line(conv: Conversation, now, label: Callable[[str, bool], str]) -> str:
    """One conversation in a list, in the words people use: the platform by
    its name, the assignee as a mention Slack shows as their name."""
    parts = [f"{thread_link(conv)} {escape_for_slack(conv.customer_handle)}", label(conv.platform, conv.private)]
    if conv.due_at:
        parts.append(("*overdue* since " if conv.due_at <= now else "due ") + slack_date(conv.due_at))
    if conv.priority != "normal":
        parts.append(f"{conv.priority} priority")
    if conv.labels:
        parts.append("🏷️ " + " ".join(f"`{label.name}`" for label in conv.labels))
    if conv.assignee:
        parts.append(f"assigned to <@{conv.assignee}>")
    return " · ".join(parts)


def listing(title: str, found: reports.Listing, now, empty: str, label: Callable[[str, bool], str]) -> str:
    if not found.rows:
        return f"*{title}*: {empty}"
    shown = f" ({len(found.rows)} of {found.total}, most urgent first)" if found.total > len(found.rows) else ""
    return f"*{title}*{shown}\n" + "\n".join("• " + conversation_line(c, now, label) for c in found.rows)


def answer(deps: Deps, user: str, text: str, context: dict, request_id: str = "") -> str:
    words = text.split()
    command, args = (words[0].lower(), words[1:]) if words else ("help", [])
    now = deps.clock()
    if command in ("help", "?"):
        return HELP
    if command == "queue" and args:
        return _queue(deps, args, user, now)
    if command in ("status", "queue", "overdue", "mine"):
        if args:
            return f"`/social {command}` takes no arguments."
        with reading(deps.sessions) as session:  # no write lock for a look
            if command == "status":
                return reports.status(session, now, deps.settings.timezone).line()
            if command == "queue":
                return listing("Waiting on us", reports.queue(session), now, "nothing is waiting 🎉", deps.label)
            if command == "overdue":
                return listing("Overdue", reports.overdue(session, now), now, "nothing is overdue 🎉", deps.label)
            return listing("Assigned to you", reports.mine(session, user), now, "nothing is assigned to you",
                           deps.label)
    if command == "label" and len(args) < 2:
        return _label_look(deps, args)
    if command in ("assign", "snooze", "resolve", "reopen", "priority", "private", "label"):
        later = bool(context.get("after_ack"))
        refused = change_refused(deps.publishers, user, quickly=not later, patiently=later)
        if refused == NOT_KNOWN:  # only Slack can say, and the ack does not wait for Slack
            context["ask_slack"] = True
            return "⏳ Asking Slack whether you may change conversations; the answer follows in a moment."
        if refused:
            return refused
    if command == "label":
        return _label(deps, args, user, now, context)
    if command in ("assign", "snooze", "resolve", "reopen", "priority"):
        return _act(deps, command, args, user, now, context)
    if command == "private":
        return _private(deps, text, user, now, context, request_id)
    if command == "saved":
        return saved_command(deps, text.split(None, 1)[1] if len(words) > 1 else "", user, context)
    if command == "report":
        return _report(args, user, context)
    if command == "audit":
        return _audit(deps, args, user, context)
    return f"Unknown command `{escape_for_slack(command)}`. Try `/social help`."


def _act(deps: Deps, command: str, args: list[str], user: str, now, context: dict) -> str:
    usage = {"assign": "/social assign #42 @person", "snooze": "/social snooze #42 2h",
             "resolve": "/social resolve #42", "reopen": "/social reopen #42",
             "priority": "/social priority #42 high"}[command]
    expected = {"assign": 2, "snooze": (1, 2), "resolve": 1, "reopen": 1, "priority": 2}[command]
    if len(args) not in (expected if isinstance(expected, tuple) else (expected,)):
        return f"Usage: `{usage}`"
    match = _CONV_ID.match(args[0])
    if not match:
        return f"`{escape_for_slack(args[0])}` is not a conversation id like #42. Usage: `{usage}`"
    conv_id = int(match.group(1))
    if command == "assign":
        person = _USER.match(args[1])
        if not person:
            return f"`{escape_for_slack(args[1])}` is not a person; mention them like @alice. Usage: `{usage}`"
        result = actions.assign(deps, conv_id, person.group(1), user, now)
    elif command == "snooze":
        duration = None  # the default snooze
        if len(args) == 2:
            try:  # "2H" as "2h"
                duration = parse_duration(args[1].lower())
            except ValueError:
                pass
            if not duration:  # unreadable, or "0m": no snooze (a new user's trial saw "0m" snooze the default hour)
                return f"`{escape_for_slack(args[1])}` is not a duration like 30m, 2h or 1d."
        result = actions.snooze(deps, conv_id, user, now, duration)
    elif command == "priority":
        priority = args[1].lower()
        if priority not in PRIORITY_FACTORS:
            return f"`{escape_for_slack(args[1])}` is not a priority; use one of {', '.join(PRIORITY_FACTORS)}."
        result = actions.set_priority(deps, conv_id, priority, user, now)
    elif command == "resolve":
        result = actions.resolve(deps, conv_id, user, now)
    else:
        result = actions.reopen(deps, conv_id, user, now)
    context["action_result"] = result
    return result.message


_LABEL_USAGE = "Usage: `/social label #42 NAME` to add, `/social label #42 -NAME` to remove"


def _label_look(deps: Deps, args: list[str]) -> str:
    """`/social label` and `/social label #42`: looking needs no standing."""
    match = _CONV_ID.match(args[0]) if args else None
    if args and not match:
        return f"`{escape_for_slack(args[0])}` is not a conversation id like #42. {_LABEL_USAGE}."
    with reading(deps.sessions) as session:
        return labels.describe(session, int(match.group(1))) if match else labels.in_use(session)


def _label(deps: Deps, args: list[str], user: str, now, context: dict) -> str:
    match = _CONV_ID.match(args[0])
    if len(args) != 2 or not match:
        return f"{_LABEL_USAGE}."
    name = args[1].lower()
    removing = name.startswith("-")
    name = name[1:] if removing else name
    refused = labels.bad_name(name)
    if refused:
        return refused
    change = labels.remove if removing else labels.add
    result = change(deps, int(match.group(1)), name, user, now)
    context["action_result"] = result
    return result.message


def _queue(deps: Deps, args: list[str], user: str, now) -> str:
    wanted = queue_filter.parse(args, {key: adapter.label for key, adapter in deps.adapters.items()})
    if isinstance(wanted, str):
        return wanted
    with reading(deps.sessions) as session:
        found = queue_filter.listing(session, wanted, user)
    return listing(wanted.title(deps.label), found, now, "none 🎉", deps.label)


def _audit(deps: Deps, args: list[str], user: str, context: dict) -> str:
    match = _CONV_ID.match(args[0]) if len(args) == 1 else None
    if not match:
        return "Usage: `/social audit #42`"
    # Private messages' words only for those who may publish them; asked like a change is.
    later = bool(context.get("after_ack"))
    refused = change_refused(deps.publishers, user, quickly=not later, patiently=later)
    if refused == NOT_KNOWN:
        context["ask_slack"] = True
        return "⏳ Asking Slack who you are, to know what the audit may show you; it follows in a moment."
    with reading(deps.sessions) as session:
        return audit_answer(session, int(match.group(1)), deps.label, sees_private=refused is None)


def _private(deps: Deps, text: str, user: str, now, context: dict, request_id: str) -> str:
    usage = "Usage: `/social private #42 <text>`"
    found = _PRIVATE.match(text)
    if not found:
        return usage
    match = _CONV_ID.match(found.group(1))
    if not match:
        return f"`{escape_for_slack(found.group(1))}` is not a conversation id like #42. {usage}"
    sent = private.send_privately(deps, int(match.group(1)), user, found.group(2).strip(), request_id, now)
    context["private_send"] = sent
    return sent.answer


def _report(args: list[str], user: str, context: dict) -> str:
    usage = "Usage: `/social report [7d|30d] [here]`"
    words = [a.lower() for a in args]
    here = "here" in words
    periods = [w for w in words if w != "here"]
    if len(periods) > 1 or (periods and periods[0] not in ("7d", "30d")):
        return usage
    days = 30 if periods == ["30d"] else 7
    context["report"] = (days, user, here)
    where = "in this channel" if here else "to you in a direct message"
    return f"📊 Making the report for the last {days} days; it arrives {where} in a few seconds."


def home_view(deps: Deps, user: str) -> dict:
    now = deps.clock()
    who = deps.publishers.describe() if deps.publishers else "everyone"
    with reading(deps.sessions) as session:
        line = reports.status(session, now, deps.settings.timezone).line()
        sections = [listing("My threads", reports.mine(session, user), now, "none", deps.label),
                    listing("Overdue", reports.overdue(session, now), now, "none 🎉", deps.label),
                    listing("Queue", reports.queue(session), now, "nothing waiting 🎉", deps.label)]
    blocks = [{"type": "header", "text": {"type": "plain_text", "text": "socialdesk"}},
              {"type": "context", "elements": [{"type": "mrkdwn", "text": line + f" · updated {slack_date(now, '{time}')}"}]}]
    for text in sections:
        blocks += [{"type": "divider"}, {"type": "section", "text": {"type": "mrkdwn", "text": text[:2990]}}]
    blocks += [{"type": "divider"}, {"type": "context", "elements": [{"type": "mrkdwn", "text": (
        f"*Who may speak for the brand:* {who}")[:2990]}]}]
    return {"type": "home", "blocks": blocks}


def register(app: App, deps: Deps) -> None:
    def on_command(ack, command: dict, context: dict) -> None:
        try:
            text = answer(deps, command.get("user_id", ""), command.get("text", ""), context,
                          command.get("trigger_id", ""))
        except Exception:  # a bug must still answer in one line, not time out
            log.exception("/social %s failed", command.get("text"))
            text = "Sorry, that failed on our side; the error is in the socialdesk log."
        ack(response_type="ephemeral", text=text)

    def lazy_refresh(context, command: dict):
        if context.pop("ask_slack", False):
            context["after_ack"] = True
            text = answer(deps, command.get("user_id", ""), command.get("text", ""), context,
                          command.get("trigger_id", ""))
            try:
                deps.slack.ephemeral(command.get("channel_id", ""), command.get("user_id", ""), text)
            except SLACK_ERRORS as exc:
                log.warning("/social %s: the answer could not be sent: %s", command.get("text"), exc)
        refresh_after(deps, context)
        if context.get("report"):
            days, user, here = context["report"]
            try:
                post_report(deps, deps.clock(), days, channel=command.get("channel_id") if here else None, user=user)
            except Exception:  # noqa: BLE001 - the person asked: say so rather than stay silent
                log.exception("/social report failed")
                deps.slack.ephemeral(command.get("channel_id", ""), user,
                                     "📊 The report could not be made or uploaded; the error is in the socialdesk log.")
        sent = context.get("private_send")
        if sent is not None and sent.outbox_id is not None:
            outcome = Relay.REFUSED if sent.refused else Relay.HELD if sent.held else Relay.QUEUED
            recorded = Recorded(RelayResult(outcome, sent.conversation_id, sent.outbox_id, findings=sent.findings,
                                            send_at=sent.send_at), "", "", None)
            after_reply(deps, recorded, deps.clock(), copy=True, refresh_root=False)

    app.command("/social")(ack=on_command, lazy=[lazy_refresh])

    def home_opened(event: dict) -> None:
        if event.get("tab", "home") != "home":
            ignored(f"app_home_opened ({event.get('tab')} tab)", "only the Home tab shows socialdesk's dashboard")

    def publish_home(event: dict) -> None:
        if event.get("tab", "home") == "home":
            try:
                deps.slack.client.views_publish(user_id=event["user"], view=home_view(deps, event["user"]))
            except SLACK_ERRORS as exc:  # the dashboard stays as it was; nothing else depends on it
                log.warning("App Home of %s not published: %s", event["user"], exc)

    app.event("app_home_opened")(ack=home_opened, lazy=[publish_home])
