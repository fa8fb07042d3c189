"""Finding a Meta send that may have landed (the Facebook and Instagram
adapters' find_sent), so a reply is never sent twice after a 5xx, a timeout or
a worker that died mid-send.

Graph lists what the brand wrote: a Page's replies under a comment
(`GET /{comment-id}/comments`), an Instagram account's (`GET /{ig-comment-id}/replies`),
and the messages of a Messenger or Instagram conversation, found with
`GET /{page-id}/conversations?platform=…&user_id=<PSID or IGSID>` and read with
`GET /{conversation-id}/messages` (newest first). Our message is the one the
brand account wrote, with our text, no earlier than when staff wrote it.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from adapters._graph import GraphClient, graph_time
from adapters.base import OutboundAction

CLOCK_SKEW = timedelta(minutes=5)  # Meta's clock against ours, when looking back by time
LOOKUP_PAGES = 8                    # pages read at most per listing: bounded, however busy the thread
# Instagram details only the 20 newest messages of a conversation (Conversations
# API): an Instagram DM is looked for among those.
DM_DETAILED = 20


def comparable(text: str | None) -> str:
    """Meta keeps a message's words but not always its spacing: the ends are
    trimmed (a trailing newline never comes back, restfb/restfb#884) and line
    ends may differ, so every run of whitespace counts as one space."""
    return " ".join((text or "").split())


def not_before(action: OutboundAction) -> datetime | None:
    """No attempt to send it can be older than when staff wrote it."""
    return action.queued_at - CLOCK_SKEW if action.queued_at else None


def too_old(item: dict, key: str, since: datetime | None) -> bool:
    when = graph_time(item.get(key))
    return since is not None and when is not None and when < since


def conversation_with(graph: GraphClient, node: str, user_id: str, platform: str) -> str | None:
    """The id of the brand's conversation with one person (`user_id`: their
    page- or Instagram-scoped id), or None when they have none."""
    threads = graph.get(f"{node}/conversations", platform=platform, user_id=user_id).get("data") or []
    return threads[0].get("id") if threads else None


def own_message(graph: GraphClient, conversation_id: str, own_id: str, text: str, since: datetime | None,
                limit: int = 25, pages: int = LOOKUP_PAGES) -> dict | None:
    """Our message with this text in a conversation, or None. Messages come
    newest first: the look stops at the first one older than `since`."""
    wanted = comparable(text)
    for message in graph.pages(f"{conversation_id}/messages", limit_pages=pages,
                               fields="id,message,from,to,created_time", limit=limit):
        if too_old(message, "created_time", since):
            return None
        author = message.get("from") or {}
        # Instagram may name the account by its app-scoped id, with the account id
        # as user_id (restfb's v10_0/instagram-message.json).
        if own_id in (author.get("id"), author.get("user_id")) and comparable(message.get("message")) == wanted:
            return message
    return None


def recipient_of(message: dict) -> str | None:
    """Whom a message was sent to (`to.data[0].id`)."""
    people = (message.get("to") or {}).get("data") or []
    return people[0].get("id") if people else None


def own_comment_reply(graph: GraphClient, comment_id: str, own_id: str, text: str,
                      since: datetime | None) -> str | None:
    """The id of the Page's reply with this text under a comment (newest
    first, bounded), written no earlier than `since`."""
    wanted = comparable(text)
    for comment in graph.pages(f"{comment_id}/comments", limit_pages=LOOKUP_PAGES, order="reverse_chronological",
                               fields="id,from,message,created_time", limit=100):
        if too_old(comment, "created_time", since):
            return None  # newest first: the rest were written before our reply
        if (comment.get("from") or {}).get("id") == own_id and comparable(comment.get("message")) == wanted:
            return comment["id"]
    return None
