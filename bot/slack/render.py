"""Block Kit rendering of conversations. Pure functions: state in, JSON out.
Customer text is escaped for mrkdwn/text and carried as is in plain_text."""
from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from adapters.base import READ_ONLY
from bot.store.models import ANSWERED, RESOLVED, SNOOZED, WAITING, Conversation, Message
from bot.rules.text import escape_for_slack, split_for_sections

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
    """A duration as people say it; under a minute in seconds, never "0 min"."""
    seconds = max(0, int(delta.total_seconds()))
    if seconds < 60:
        return f"{seconds} s"
    minutes = seconds // 60
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {mins} min"
    return f"{mins} min"


# What ends a URL inside Slack's <url|label> (| and >), opens new markup (<),
# or would cut it (whitespace, control characters): percent-encoded. A URL
# built from a platform field (an X username in https://x.com/<name>/…, an
# attachment URL) could otherwise end the link early and open a ping
# (<!channel>) or a second link under a label of its choosing.
_LINK_UNSAFE = re.compile(r"[|<>\s\x00-\x1f\x7f]")


def web_url(url: str | None) -> bool:
    """Whether a platform-supplied URL may be linked: http(s) with a host
    (javascript:, data:, slack:// and bare text are shown, never linked)."""
    if not isinstance(url, str):
        return False
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


def slack_link(url: str | None, label: str) -> str:
    """<url|label> for mrkdwn, safe whatever the URL and label hold: the label
    escaped (& < >) and without |; the URL percent-encoded where Slack's syntax
    would break; no link at all, just the label, for a URL that is not http(s)."""
    shown = escape_for_slack(label).replace("|", "¦")
    if not web_url(url):
        return shown
    safe = _LINK_UNSAFE.sub(lambda m: "".join(f"%{b:02X}" for b in m.group().encode()), url.strip())
    return f"<{safe}|{shown}>"


def author_line(platform_label: str, msg: Message, private: bool = False) -> str:
    who = f"*{escape_for_slack(msg.author_handle or msg.author_id)}*"
    if msg.author_name:
        who += f" ({escape_for_slack(msg.author_name)})"
    parts = [f"*{platform_label}*", who, slack_date(msg.created_at)]
    if web_url(msg.external_url):
        what = "open conversation" if private else "open review" if msg.rating is not None else "open post"
        parts.append(slack_link(msg.external_url, what))
    return " · ".join(parts)


def stars(rating: int) -> str:
    return "★" * rating + "☆" * (5 - rating)


def review_blocks(msg: Message, now_reads: Message | None = None) -> list[dict]:
    """A review's stars, headline and location above its text (nothing for
    posts that are not reviews). now_reads: its latest version since (a
    revision, or its removal with the stars it last had): the stars shown are
    the current ones, and the line says it was revised and what it was."""
    if msg.rating is None:
        return []
    current = now_reads.rating if now_reads is not None and now_reads.rating is not None else msg.rating
    line = f"*{stars(current)}* {current}/5"
    was = f"was {stars(msg.rating)}" if current != msg.rating else ""
    if now_reads is not None and now_reads.change == "revised":
        line += f" ({was + ', ' if was else ''}revised {slack_date(now_reads.created_at, '{date_short}')})"
    elif was:  # removed after a revision: the stars it had last
        line += f" ({was})"
    if msg.title:
        line += f" · *{escape_for_slack(msg.title)}*"
    if msg.location:
        line += f" · 📍 {escape_for_slack(msg.location)}"
    return [{"type": "section", "text": {"type": "mrkdwn", "text": line}}]


# A post is shown in at most this many 3,000-character sections (Slack allows
# 50 blocks); a longer one is cut with a link to the original.
MAX_SECTIONS = 4
FALLBACK_CHARS = 2000  # the notification text (`text`) beside the blocks


def text_sections(msg: Message, platform_label: str) -> list[dict]:
    """The customer's text, escaped, as section blocks that Slack accepts."""
    if msg.parked_reason:
        where = (slack_link(msg.external_url, f"Open it on {platform_label}") if web_url(msg.external_url)
                 else "See it on the platform")
        return [{"type": "section", "text": {"type": "mrkdwn", "text": (
            f"⚠️ This post cannot be shown in Slack ({escape_for_slack(msg.parked_reason)}). {where}.")}}]
    text = msg.text
    escaped = escape_for_slack(text) if text.strip() else "_(no text)_"
    chunks = split_for_sections(escaped)
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": chunk}} for chunk in chunks[:MAX_SECTIONS]]
    if len(chunks) > MAX_SECTIONS:
        link = " " + slack_link(msg.external_url, f"Read it all on {platform_label}") if web_url(msg.external_url) \
            else ""
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": (
            f"✂️ Cut to fit Slack: the post has {len(text):,} characters.{link}")}]})
    return blocks + attachment_blocks(msg)


SHOWN_AS_IMAGE = {"image", "sticker"}
MAX_ATTACHMENTS = 10


def attachment_blocks(msg: Message) -> list[dict]:
    """The customer's images and stickers as image blocks; anything else named
    with its link — nothing dropped silently. (If Slack cannot fetch an image,
    it refuses the message and the post is parked with a link to the original.)
    A URL that is not http(s) is shown as text, never linked or fetched."""
    items = json.loads(msg.attachments) if msg.attachments else []
    blocks = []
    for item in items[:MAX_ATTACHMENTS]:
        kind, url = str(item.get("kind") or "file"), item.get("url")
        if kind == READ_ONLY:  # the platform lets nobody answer this post from here: said so, not a file
            blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": (
                f"🔒 *Read-only:* {escape_for_slack(item.get('name') or 'replies cannot be sent from Slack')}")}]})
            continue   # said once: it is no file, so no "📎 … (no link given)" line after it
        elif kind in SHOWN_AS_IMAGE and web_url(url):
            blocks.append({"type": "image", "image_url": url, "alt_text": f"{kind} sent by the customer",
                           "title": {"type": "plain_text", "text": "Sticker" if kind == "sticker" else "Image"}})
            continue
        named = escape_for_slack(str(item.get("name") or kind))
        if web_url(url):
            line = f"📎 {named}: {slack_link(url, 'open')}"
        elif url:
            text = str(url) if len(str(url)) <= 200 else str(url)[:199] + "…"
            line = f"📎 {named}: `{escape_for_slack(text).replace('`', chr(39))}` (not a web link; not opened)"
        else:
            line = f"📎 {named} (no link given by the platform)"
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": line}]})
    if len(items) > MAX_ATTACHMENTS:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": (
            f"📎 and {len(items) - MAX_ATTACHMENTS} more — open the conversation on the platform")}]})
    return blocks


def fallback_text(platform_label: str, msg: Message, rating: int | None = None) -> str:
    """The notification text; rating: a review's current stars, when a revision changed them."""
    shown = msg.text if not msg.parked_reason else "(cannot be shown in Slack)"
    if msg.rating is not None and not msg.parked_reason:
        shown = f"{stars(rating or msg.rating)} {shown}"
    cut = shown[:FALLBACK_CHARS] + ("…" if len(shown) > FALLBACK_CHARS else "")
    ear = "👂 " if msg.listened else ""  # a listening match, in the notification too
    return f"{ear}{platform_label} · {escape_for_slack(msg.author_handle or '')}: {escape_for_slack(cut)}"


IN_FLIGHT_LOOK = {"sending": "📤 reply sending", "checking": "⏳ checking whether the reply went out"}


def status_line(conv: Conversation, now: datetime, in_flight: str | None = None) -> str:
    icon, word = STATUS_LOOK.get(conv.status, ("•", conv.status))
    if conv.status == WAITING and conv.due_at and now >= conv.due_at:
        icon, word = "🔴", "Overdue"
    parts = [f"{icon} *{word}*", f"#{conv.id}"]
    if in_flight and conv.status != RESOLVED:
        parts.append(IN_FLIGHT_LOOK.get(in_flight, in_flight))
    if conv.status == WAITING and conv.due_at:
        late = now >= conv.due_at
        parts.append(("*overdue* since " if late else "due ") + slack_date(conv.due_at))
        if conv.posts_in_wait > 1 and conv.waiting_since:
            # Slack renders the date itself, so the root never shows a frozen "waiting 0 min".
            parts.append(f"posted {conv.posts_in_wait} times, waiting since {slack_date(conv.waiting_since)}")
    if conv.status == SNOOZED and conv.snoozed_until:
        parts.append("until " + slack_date(conv.snoozed_until))
    if conv.priority != "normal":
        why = f" ({escape_for_slack(conv.priority_reason)})" if conv.priority_reason and not conv.priority_by_staff else ""
        parts.append(f"priority {conv.priority}{why}")
    if conv.labels:
        parts.append("🏷️ " + " ".join(f"`{label.name}`" for label in conv.labels))
    parts.append(f"👀 <@{conv.assignee}>" if conv.assignee else "unassigned")
    if conv.reply_privately_by and not conv.private and conv.status != RESOLVED:
        parts.append(f"🔒 <@{conv.reply_privately_by}>'s next message goes privately")
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


def action_buttons(conv: Conversation, can_private: bool = False) -> dict:
    value = str(conv.id)
    buttons = []
    if conv.status == RESOLVED:
        buttons.append({"type": "button", "action_id": "conv_reopen", "value": value,
                        "text": {"type": "plain_text", "text": "Reopen"}})
    buttons.append({"type": "button", "action_id": "conv_compose", "value": value,  # the composer (bot.desk.composer)
                    "text": {"type": "plain_text", "text": "✍️ Reply"}})
    if conv.status != RESOLVED:
        if not conv.assignee:
            buttons.append({"type": "button", "action_id": "conv_claim", "value": value,
                            "text": {"type": "plain_text", "text": "👀 Claim"}})
        buttons.append({"type": "button", "action_id": "conv_resolve", "value": value, "style": "primary",
                        "text": {"type": "plain_text", "text": "✅ Resolve"}})
        if conv.status != SNOOZED:
            buttons.append({"type": "button", "action_id": "conv_snooze", "value": value,
                            "text": {"type": "plain_text", "text": "💤 Snooze 1 h"}})
        if can_private and not conv.private:
            buttons.append({"type": "button", "action_id": "conv_private", "value": value,
                            "text": {"type": "plain_text", "text": "🔒 Reply privately"}})
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


PRIVATE_NOTE = "🔒 *Private message* — replies in this thread go to {who} privately ({label}), not in public."


def root_message(conv: Conversation, first: Message, platform_label: str, now: datetime,
                 in_flight: str | None = None, can_private: bool = False,
                 window_closes: datetime | None = None, writing: tuple[str, ...] = (), review: Message | None = None,
                 listening: str | None = None) -> dict:
    """chat.postMessage / chat.update arguments (minus channel and ts).
    writing: who has the composer open for it (✍️ Reply); review: a review's
    latest version since its first post — a revision (its stars shown, "was …,
    revised …") or its removal (said above its text); listening: what a 👂
    root says the team can do with a listening match."""
    line = author_line(platform_label, first, conv.private)
    if first.change:  # the first the desk saw of it was an edit or a removal
        line = CHANGE_LOOK.get(first.change, first.change) + " · " + line
    blocks = [{"type": "context", "elements": [{"type": "mrkdwn", "text": line}]}]
    if listening:  # a 👂 listening match: what the team can do, as the platform allows
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": listening}]})
    if review is not None and review.change == "removed":
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": REMOVED_REVIEW}]})
    if conv.private:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": PRIVATE_NOTE.format(
            who=escape_for_slack(conv.customer_handle), label=platform_label)}]})
    blocks += review_blocks(first, review) + text_sections(first, platform_label)
    line = status_line(conv, now, in_flight)
    if window_closes is not None and conv.status != RESOLVED:
        line += (" · 💬 reply window " + ("*closed* " if now >= window_closes else "closes ")
                 + slack_date(window_closes))
    if writing:
        line += " · ✍️ " + " and ".join(f"<@{user}>" for user in writing) + (" is" if len(writing) == 1 else " are") \
            + " writing"
    status = [{"type": "context", "elements": [{"type": "mrkdwn", "text": line}]},
              action_buttons(conv, can_private)]
    return {"text": fallback_text(platform_label, first, review and review.rating), "blocks": blocks,
            "attachments": [{"color": urgency_color(conv, now), "blocks": status,
                             "fallback": f"#{conv.id} {conv.status}"}],
            "unfurl_links": False, "unfurl_media": False}


REMOVED_REVIEW = ("🗑️ *The customer removed this review.* There is nothing left to answer on the platform: "
                  "resolved, no SLA alarms. If they publish it again, it reopens.")
REMOVED_REVIEW_LOOK = ("🗑️ *The customer removed their review* — nothing left to answer: resolved, its SLA alarms "
                       "stopped (its last text below)")
CHANGE_LOOK = {"edited": "✏️ *The customer edited a post* (new text below)",
               "removed": "🗑️ *The customer removed or hid a post* (its last text below)",
               "revised": "✏️ *The customer revised their review* (reopened; now reads as below)"}


def followup_message(msg: Message, platform_label: str, someone_else: bool = False, private: bool = False) -> dict:
    """A later post in the thread. someone_else: not the conversation's customer
    (a bystander replying in the same platform thread) — shown, marked, and
    never what a staff reply answers."""
    line = author_line(platform_label, msg, private)
    if msg.change == "removed" and msg.rating is not None:
        line = REMOVED_REVIEW_LOOK + " · " + line
    elif msg.change:
        line = CHANGE_LOOK.get(msg.change, msg.change) + " · " + line
    if someone_else:
        line = "👥 *Someone else* (not the customer; replies do not go to them) · " + line
    blocks = [{"type": "context", "elements": [{"type": "mrkdwn", "text": line}]}]
    blocks += review_blocks(msg) + text_sections(msg, platform_label)
    return {"text": fallback_text(platform_label, msg), "blocks": blocks, "unfurl_links": False,
            "unfurl_media": False}
