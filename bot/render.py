"""Block Kit rendering of conversations. Pure functions: state in, JSON out.
Customer text is escaped for mrkdwn/text and carried as is in plain_text."""
from __future__ import annotations

from datetime import datetime, timedelta

from bot.models import ANSWERED, RESOLVED, SNOOZED, WAITING, Conversation, Message
from bot.text import escape_for_slack, split_for_sections

STATUS_LOOK = {
    WAITING: ("🟡", "Waiting on us"),
    ANSWERED: ("🟢", "Answered"),
    SNOOZED: ("💤", "Snoozed"),
    RESOLVED: ("✅", "Resolved"),
}
# Attachment bar colours by urgency.
COLOR_OK, COLOR_SOON, COLOR_LATE, COLOR_DONE, COLOR_QUIET = "#2eb67d", "#ecb22e", "#e01e5a", "#868686", "#1d9bd1"


def slack_date(moment: datetime, fmt: str = "{date_short_pretty} {time}") -> str:
    """Slack renders <!date^…> in each reader's own time zone."""
    fallback = moment.strftime("%Y-%m-%d %H:%M UTC")
    return f"<!date^{int(moment.timestamp())}^{fmt}|{fallback}>"


def humanize(delta: timedelta) -> str:
    minutes = max(0, int(delta.total_seconds() // 60))
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {mins} min"
    return f"{mins} min"


def author_line(platform_label: str, msg: Message) -> str:
    who = f"*{escape_for_slack(msg.author_handle or msg.author_id)}*"
    if msg.author_name:
        who += f" ({escape_for_slack(msg.author_name)})"
    parts = [f"*{platform_label}*", who, slack_date(msg.created_at)]
    if msg.external_url:
        parts.append(f"<{msg.external_url}|open post>")
    return " · ".join(parts)


def text_sections(text: str) -> list[dict]:
    escaped = escape_for_slack(text) if text.strip() else "_(no text)_"
    return [{"type": "section", "text": {"type": "mrkdwn", "text": chunk}}
            for chunk in split_for_sections(escaped)]


def status_line(conv: Conversation, now: datetime) -> str:
    icon, word = STATUS_LOOK.get(conv.status, ("•", conv.status))
    parts = [f"{icon} *{word}*", f"#{conv.id}"]
    if conv.status == WAITING and conv.due_at:
        late = now >= conv.due_at
        parts.append(("*overdue* since " if late else "due ") + slack_date(conv.due_at))
        if conv.posts_in_wait > 1 and conv.waiting_since:
            parts.append(f"posted {conv.posts_in_wait} times, waiting {humanize(now - conv.waiting_since)}")
    if conv.status == SNOOZED and conv.snoozed_until:
        parts.append("until " + slack_date(conv.snoozed_until))
    if conv.priority != "normal":
        parts.append(f"priority {conv.priority}")
    parts.append(f"👀 <@{conv.assignee}>" if conv.assignee else "unassigned")
    return " · ".join(parts)


def urgency_color(conv: Conversation, now: datetime) -> str:
    if conv.status == RESOLVED:
        return COLOR_DONE
    if conv.status in (ANSWERED, SNOOZED) or conv.due_at is None:
        return COLOR_QUIET
    if now >= conv.due_at:
        return COLOR_LATE
    if conv.warned_at is not None or (conv.warn_at is not None and now >= conv.warn_at):
        return COLOR_SOON
    return COLOR_OK


def action_buttons(conv: Conversation) -> dict:
    value = str(conv.id)
    buttons = []
    if conv.status == RESOLVED:
        buttons.append({"type": "button", "action_id": "conv_reopen", "value": value,
                        "text": {"type": "plain_text", "text": "Reopen"}})
    else:
        if not conv.assignee:
            buttons.append({"type": "button", "action_id": "conv_claim", "value": value,
                            "text": {"type": "plain_text", "text": "👀 Claim"}})
        buttons.append({"type": "button", "action_id": "conv_resolve", "value": value, "style": "primary",
                        "text": {"type": "plain_text", "text": "✅ Resolve"}})
        if conv.status != SNOOZED:
            buttons.append({"type": "button", "action_id": "conv_snooze", "value": value,
                            "text": {"type": "plain_text", "text": "💤 Snooze 1 h"}})
        buttons.append(priority_menu(conv))
    # Slack keeps a client's menu selection per block_id, so an update that
    # changes what the elements show must change the block_id too.
    shown = f"{conv.status}_{conv.priority}_{conv.assignee or 'none'}"
    return {"type": "actions", "block_id": f"conv_actions_{conv.id}_{shown}", "elements": buttons}


PRIORITY_LABELS = {"urgent": "🔴 Urgent", "high": "🟠 High", "normal": "⚪ Normal", "low": "🔵 Low"}


def priority_menu(conv: Conversation) -> dict:
    """A select on the root; each option's value carries the conversation id."""
    options = [{"text": {"type": "plain_text", "text": label}, "value": f"{conv.id}:{name}"}
               for name, label in PRIORITY_LABELS.items()]
    current = next((o for o in options if o["value"].endswith(f":{conv.priority}")), options[2])
    return {"type": "static_select", "action_id": "conv_priority", "options": options, "initial_option": current,
            "placeholder": {"type": "plain_text", "text": "Priority"}}


def root_message(conv: Conversation, first: Message, platform_label: str, now: datetime) -> dict:
    """chat.postMessage / chat.update arguments (minus channel and ts)."""
    fallback = f"{platform_label} · {first.author_handle}: {escape_for_slack(first.text)}"
    blocks = [{"type": "context", "elements": [{"type": "mrkdwn", "text": author_line(platform_label, first)}]}]
    blocks += text_sections(first.text)
    status = [{"type": "context", "elements": [{"type": "mrkdwn", "text": status_line(conv, now)}]},
              action_buttons(conv)]
    return {"text": fallback[:3000], "blocks": blocks,
            "attachments": [{"color": urgency_color(conv, now), "blocks": status,
                             "fallback": f"#{conv.id} {conv.status}"}],
            "unfurl_links": False, "unfurl_media": False}


def followup_message(msg: Message, platform_label: str) -> dict:
    fallback = f"{msg.author_handle}: {escape_for_slack(msg.text)}"
    blocks = [{"type": "context", "elements": [{"type": "mrkdwn", "text": author_line(platform_label, msg)}]}]
    blocks += text_sections(msg.text)
    return {"text": fallback[:3000], "blocks": blocks, "unfurl_links": False, "unfurl_media": False}
