"""`/social queue` narrowed the way a shift asks for it: `urgent`, `mine`, `x`,
`label:refund` — any of them, in any order. A new user's trial (2026-12-07)
typed `/social queue mine` and `/social queue urgent` and was told the command
"takes no arguments", though `label:` worked.

A label lists the open conversations that carry it (waiting on us or on the
customer: a label is a topic someone follows up); without one the queue is
what waits on us. The most urgent first, as the plain queue."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.desk import labels
from bot.desk.reports import Listing, listing as conversations
from bot.rules.sla import PRIORITY_FACTORS
from bot.store.models import RESOLVED, WAITING, Conversation, ConversationLabel

PRIORITIES = tuple(PRIORITY_FACTORS)  # urgent, high, normal, low


@dataclass(frozen=True)
class QueueFilter:
    label: str | None = None
    priority: str | None = None
    mine: bool = False
    platform: str | None = None

    def title(self, platform_label: Callable[[str], str]) -> str:
        parts = ([f"{self.priority} priority"] if self.priority else []) + (
            [platform_label(self.platform)] if self.platform else []) + (["assigned to you"] if self.mine else [])
        base = f"Open with the label `{self.label}`" if self.label else "Waiting on us"
        return base + (" — " + " · ".join(parts) if parts else "")


def parse(args: list[str], platforms: dict[str, str]) -> QueueFilter | str:
    """The filter, or a one-line answer saying what was not understood. platforms: key -> how staff call it."""
    chosen: dict = {}
    by_name = {name.lower(): key for key, name in platforms.items()} | {key.lower(): key for key in platforms}
    for word in args:
        lowered = word.lower()
        if lowered.startswith("label:"):
            name = lowered[len("label:"):]
            refused = labels.bad_name(name)
            if refused:
                return refused
            field, value = "label", name
        elif lowered in PRIORITIES:
            field, value = "priority", lowered
        elif lowered in ("mine", "me"):
            field, value = "mine", True
        elif lowered in by_name:
            field, value = "platform", by_name[lowered]
        else:
            shown = ", ".join(f"`{key}`" for key in platforms) or "none is on"
            return (f"`/social queue` narrows by `label:NAME`, a priority (`urgent`, `high`, `normal`, `low`), `mine` "
                    f"or a platform ({shown}); `{word[:40]}` is none of them.")
        if field in chosen and chosen[field] != value:
            return f"`/social queue` takes one {field}: `{word[:40]}` is a second."
        chosen[field] = value
    return QueueFilter(**chosen)


def listing(session: Session, wanted: QueueFilter, user: str, limit: int = 15) -> Listing:
    where = [Conversation.status != RESOLVED] if wanted.label else [Conversation.status == WAITING]
    if wanted.label:
        where.append(Conversation.id.in_(select(ConversationLabel.conversation_id)
                                         .where(ConversationLabel.name == wanted.label)))
    if wanted.priority:
        where.append(Conversation.priority == wanted.priority)
    if wanted.mine:
        where.append(Conversation.assignee == user)
    if wanted.platform:
        where.append(Conversation.platform == wanted.platform)
    return conversations(session, tuple(where), (Conversation.due_at.is_(None), Conversation.due_at, Conversation.id), limit)
