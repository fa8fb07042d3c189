"""`/social saved add|list|remove`: the team's saved replies, sent with
`!name` in a thread (bot.outbound.saved). Adding and removing speak for the
brand, so only publishers may (everyone when SLACK_PUBLISHERS is unset);
anyone may list."""
from __future__ import annotations

import logging

from bot.deps import Deps
from bot.rules.saved_replies import NAME_SYNTAX, VARIABLES, parse_add, preview, valid_name
from bot.slack.publishers import NOT_KNOWN, change_refused
from bot.store import queries as store
from bot.store.db import reading
from bot.store.saved_replies import put_saved_reply, remove_saved_reply, saved_replies

log = logging.getLogger(__name__)
USAGE = ("Usage: `/social saved add NAME TEXT` (`--private` before TEXT: it always goes privately) · "
         "`/social saved list` · `/social saved remove NAME`")


def saved_command(deps: Deps, rest: str, user: str, context: dict) -> str:
    """rest: what follows `saved`. context as for every `/social` command:
    `after_ack` when asked again after the ack, `ask_slack` set when only
    Slack can say whether this person may publish."""
    words = rest.split(None, 1)
    sub, args = (words[0].lower(), words[1] if len(words) > 1 else "") if words else ("", "")
    if sub == "list":
        return _listing(deps) if not args.strip() else "`/social saved list` takes no arguments."
    if sub not in ("add", "remove"):
        return USAGE
    later = bool(context.get("after_ack"))
    refused = change_refused(deps.publishers, user, quickly=not later, patiently=later)
    if refused == NOT_KNOWN:
        context["ask_slack"] = True
        return "⏳ Asking Slack whether you may change saved replies; the answer follows in a moment."
    if refused:
        return refused.replace("can change conversations", "can add or remove saved replies")
    return _add(deps, args, user) if sub == "add" else _remove(deps, args, user)


def _add(deps: Deps, args: str, user: str) -> str:
    parsed = parse_add(args)
    if isinstance(parsed, str):
        return parsed
    name, private_only, text = parsed
    now = deps.clock()
    with deps.sessions() as session:
        replaced = put_saved_reply(session, name, text, private_only, user, now)
        store.audit(session, now, user, "saved_reply_replaced" if replaced else "saved_reply_added", None,
                    f"{name}{' (private only)' if private_only else ''}: {text}")
        session.commit()
    log.info("saved reply %s %s by %s", name, "replaced" if replaced else "added", user)
    how = " It always goes privately." if private_only else ""
    return (f"💾 Saved reply `{name}` {'replaced' if replaced else 'added'}.{how} Send it with `!{name}` in a "
            "conversation's thread.")


def _remove(deps: Deps, args: str, user: str) -> str:
    name = args.strip()
    if not valid_name(name):
        return f"Usage: `/social saved remove NAME` (NAME is {NAME_SYNTAX})."
    now = deps.clock()
    with deps.sessions() as session:
        removed = remove_saved_reply(session, name)
        if removed:
            store.audit(session, now, user, "saved_reply_removed", None, name)
        session.commit()
    return f"🗑️ Saved reply `{name}` removed." if removed else f"There is no saved reply `{name}`."


def _listing(deps: Deps) -> str:
    with reading(deps.sessions) as session:
        rows = [(r.name, r.private_only, r.text) for r in saved_replies(session)]
    if not rows:
        return ("*Saved replies*: none yet. Add one with `/social saved add NAME TEXT`; it may use "
                + ", ".join(f"`{{{v}}}`" for v in VARIABLES) + ".")
    lines = [f"• `!{name}`{' 🔒' if private else ''} — {preview(text)}" for name, private, text in rows]
    return f"*Saved replies* ({len(rows)}; send one with `!name` in a thread)\n" + "\n".join(lines)

