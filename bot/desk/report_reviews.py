"""The reviews part of `/social report` and the weekly report: per week and per
review platform, how many reviews customers wrote and their average stars.

A review is a customer message with stars (Message.rating) — the core knows no
platform by name, so any adapter that sets InboundPost.rating is counted. A
review counts once, in the week its author wrote it (the platform's time, not
when the desk saw it: a backfill never piles old reviews into this week), with
its stars as first given. A later revision or removal is the same review, not a
new one: it is counted apart ("revised", "removed") in the week it happened, and
never re-weights the average — the core cannot tie a revision to its review
without the platform's own id scheme, and what came in this week is what the
figure is for. Weeks are the report's days in runs of seven ending today (the
7-day report is one week; the 30-day one is four weeks and the two days before
them), days in TIMEZONE like the rest of the report."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.store.models import IN, Message

REMOVED = "removed"   # Message.change of a review taken down (adapters.base names no constant for it)


@dataclass(frozen=True)
class ReviewCount:
    reviews: int = 0        # written in the week
    stars: int = 0          # their stars, summed (as first given)
    revised: int = 0        # revisions of reviews, made in the week
    removed: int = 0        # reviews taken down in the week

    @property
    def average(self) -> float | None:
        return self.stars / self.reviews if self.reviews else None


@dataclass(frozen=True)
class ReviewWeek:
    first: date
    last: date
    platforms: dict[str, ReviewCount] = field(default_factory=dict)   # only platforms with reviews that week

    @property
    def total(self) -> ReviewCount:
        counts = self.platforms.values()
        return ReviewCount(sum(c.reviews for c in counts), sum(c.stars for c in counts),
                           sum(c.revised for c in counts), sum(c.removed for c in counts))


def weeks_of(days: tuple[date, ...]) -> list[tuple[date, date]]:
    """The days in runs of seven ending on the last one, oldest first; the oldest run may be shorter."""
    runs = [days[max(0, end - 7):end] for end in range(len(days), 0, -7)]
    return [(run[0], run[-1]) for run in reversed(runs)]


def gather_reviews(session: Session, days: tuple[date, ...], zone: ZoneInfo) -> tuple[ReviewWeek, ...]:
    since = datetime.combine(days[0], datetime.min.time(), zone)
    rows = session.execute(select(Message.platform, Message.created_at, Message.rating, Message.change)
                           .where(Message.direction == IN, Message.rating.is_not(None),
                                  Message.created_at >= since))
    weeks = weeks_of(days)
    counts: list[dict[str, dict[str, int]]] = [{} for _ in weeks]
    for platform, created, rating, change in rows:
        day = created.astimezone(zone).date()
        index = next((i for i, (first, last) in enumerate(weeks) if first <= day <= last), None)
        if index is None:   # a platform time after today (a skewed clock): no week of this report holds it
            continue
        mine = counts[index].setdefault(platform, {"reviews": 0, "stars": 0, "revised": 0, "removed": 0})
        if change is None:
            mine["reviews"] += 1
            mine["stars"] += rating
        else:
            mine["removed" if change == REMOVED else "revised"] += 1
    return tuple(ReviewWeek(first, last, {p: ReviewCount(**c) for p, c in sorted(counted.items())})
                 for (first, last), counted in zip(weeks, counts, strict=True))


def review_lines(weeks: tuple[ReviewWeek, ...], labels: dict[str, str]) -> list[str]:
    """'Reviews: 3 · ★ 2.7 average' (per platform where there are several), a line per week when there are
    several weeks; nothing at all where no platform of this desk has reviews (no empty line for an X-only desk)."""
    if not weeks:
        return []
    if len(weeks) == 1:
        return [f"Reviews: {_figures(weeks[0], labels)}"]
    return ["Reviews by week:"] + [f"  {w.first:%d %b} – {w.last:%d %b}: {_figures(w, labels)}" for w in weeks]


def _figures(week: ReviewWeek, labels: dict[str, str]) -> str:
    shown = _count(week.total)
    if len([c for c in week.platforms.values() if c.reviews]) > 1:
        shown += " (" + " · ".join(f"{labels.get(p, p)} {_count(c)}" for p, c in week.platforms.items()
                                   if c.reviews) + ")"
    changes = [f"{week.total.revised} revised"] if week.total.revised else []
    changes += [f"{week.total.removed} removed"] if week.total.removed else []
    return shown + (" · " + " · ".join(changes) if changes else "")


def _count(count: ReviewCount) -> str:
    if not count.reviews:
        return "none"
    return f"{count.reviews} review{'s' if count.reviews != 1 else ''} · ★ {count.average:.1f} average"


def has_reviews(weeks: tuple[ReviewWeek, ...]) -> bool:
    return any(week.platforms for week in weeks)
