"""What the customer reads, made from what staff typed in Slack, and the
platform's checks that need no network — shared by the ack path (nothing may
call Slack there: cached names only) and the send."""
from __future__ import annotations

from adapters.base import ActionKind, PostRef, can
from bot.deps import Deps
from bot.rules.reply_check import check_reply_text, describe
from bot.rules.text import slack_to_plain


def compose_reply_text(deps: Deps, slack_text: str, staff_user: str, lookups: bool = True) -> str:
    """lookups=False uses only names already known (no Slack call, for the ack
    path): an unknown person shows as their id."""
    text = slack_to_plain(slack_text, lambda user: deps.slack.display_name(user, fetch=lookups)).strip()
    if deps.settings.reply_signature == "initials":
        # Unknown without a lookup: count the longest initials, so the length check is not too lenient.
        initials = deps.slack.initials(staff_user, fetch=lookups) or ("" if lookups else "XXX")
        if initials:
            text = f"{text} ^{initials}"
    return text


def cannot_reply_here(deps: Deps, platform: str, text: str, about: PostRef | None = None) -> str | None:
    """The platform takes no public reply from this desk at all (its adapter is
    no Replier: Yelp without Respond-to-Reviews access): why, in the adapter's
    words — where to answer instead — or None. Such a thread message stays an
    internal note and its author is told this, privately."""
    adapter = deps.adapters.get(platform)
    if adapter is None or can(adapter, ActionKind.REPLY):
        return None
    return (adapter.check_reply(text, ActionKind.REPLY, about)
            or f"{adapter.label} takes no reply from socialdesk. Answer on {adapter.label} itself.")


def check_before_queueing(deps: Deps, staff_user: str, platform: str, slack_text: str,
                          kind: ActionKind = ActionKind.REPLY, about: PostRef | None = None) -> str | None:
    """A reply that cannot be sent is refused when written instead of queued."""
    adapter = deps.adapters.get(platform)
    if adapter is None:
        return None  # deliver says so, naming the missing configuration
    if kind is ActionKind.REPLY and not can(adapter, kind):
        return cannot_reply_here(deps, platform, slack_text, about)
    if not can(adapter, kind):
        what = "a private message" if kind is ActionKind.PRIVATE else f"a {kind.value}"
        return f"{adapter.label} cannot send {what} from socialdesk. Answer on {adapter.label} itself."
    return adapter.check_reply(compose_reply_text(deps, slack_text, staff_user, lookups=False), kind, about)


def check_wording(deps: Deps, staff_user: str, slack_text: str, kind: ActionKind) -> str | None:
    """REPLY_CHECK's findings (one line each), or None: what a reader would
    regret seeing. A private message may carry personal data; its tone counts."""
    if deps.settings.reply_check == "off" or kind not in (ActionKind.REPLY, ActionKind.PRIVATE):
        return None
    text = compose_reply_text(deps, slack_text, staff_user, lookups=False)
    findings = check_reply_text(text, private=kind is ActionKind.PRIVATE, allow=deps.settings.reply_check_allow)
    return describe(findings) if findings else None
