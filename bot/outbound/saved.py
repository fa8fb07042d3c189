"""`!name` in a thread: a saved reply sent exactly as if its text had been typed.

The staff message is recorded before the ack like any reply, in
AUTHOR_CHECK (invisible to deliver), because `{agent}` is the sender's Slack
display name and nothing may call Slack before the ack. After the ack the
call is expanded once, under the outbox row's lock, and the expanded text
replaces the call in the row in the same commit that settles it: every
check (length, window, REPLY_CHECK, SEND_DELAY, publishers) and the audit see
the expanded text, and a retry or a second process finds it settled and
never expands it again — even if the saved reply changed meanwhile."""
from __future__ import annotations


from sqlalchemy.orm import Session

from bot.deps import Deps
from bot.rules.saved_replies import Call, Customer, expand, parse_call, values
from bot.rules.text import escape_for_slack
from bot.outbound.thread_copy import quoted, show_in_thread
from bot.store.models import Conversation, Outbox, SavedReply
from bot.store.saved_replies import find_saved_reply

COPY_PART = "saved"


def called(session: Session, text: str) -> tuple[Call, SavedReply | None] | None:
    """The saved reply a thread message calls (None in the pair when there
    is no such name), or None when the message is typed text."""
    call = parse_call(text)
    return None if call is None else (call, find_saved_reply(session, call.name))


def agent_markup(deps: Deps, user: str, fetch: bool = True) -> str:
    """`{agent}`: the sender's display name (after the ack users.info once,
    then cached; fetch=False on the ack path: the cache only), or `<@U…>`
    when it is not known — which the send turns into the name, as it does
    for any mention typed in a reply."""
    name = deps.slack.display_name(user, fetch=fetch)
    return escape_for_slack(name) if name and name != user else f"<@{user}>"


def expanded(session: Session, conv: Conversation, text: str, agent: str) -> tuple[Call, str | None] | None:
    """(the call, its expanded text — None when no saved reply has that
    name), or None when `text` calls none."""
    found = called(session, text)
    if found is None:
        return None
    call, saved = found
    if saved is None:
        return call, None
    customer = Customer(conv.customer_handle, conv.customer_name, conv.id)
    return call, expand(saved.text, call, values(customer, agent))


def post_expansion(deps: Deps, outbox_id: int, name: str) -> None:
    """The thread shows what `!name` became, once, so the team reads what goes out."""
    def words(row: Outbox, conv: Conversation) -> str:
        label = deps.label(row.platform, row.kind == "private" or conv.private)
        return f"💬 `!{name}` by <@{row.staff_user}>, for {label}:\n{quoted(row.slack_text)}"
    show_in_thread(deps, outbox_id, COPY_PART, words, keep_ts=False, look_first=True)
