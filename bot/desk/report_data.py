"""The figures of `/social report` and the weekly report: conversations per
day by platform, first response (median, 90th percentile) against the SLA,
the share answered within it, conversations and first response by label,
reviews and their average stars per week (bot.desk.report_reviews), and the busiest hours — in business time when
business hours are set (first_response_s is stored that way), days and hours
in TIMEZONE."""
from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bot.desk.figures import against_sla, duration
from bot.desk.report_reviews import ReviewWeek, gather_reviews, has_reviews, review_lines
from bot.store.models import IN, Conversation, ConversationLabel, Message
from bot.rules.sla import PRIORITY_FACTORS, SlaPolicy


@dataclass(frozen=True)
class PlatformFigures:
    conversations: int
    answered: int
    within_sla: int
    median_first_s: float | None


@dataclass(frozen=True)
class LabelFigures:
    conversations: int                         # started in the period
    answered: int                              # first responses in the period
    median_first_s: float | None


@dataclass(frozen=True)
class ReportFigures:
    days: tuple[date, ...]
    timezone: str
    per_day: dict[str, tuple[int, ...]]        # platform → conversations started each day
    platforms: dict[str, PlatformFigures]
    first_response_s: tuple[int, ...]          # every first response in the period
    sla_s: int                                 # the first-response SLA at normal priority
    within_sla: int                            # each against its own priority's (and platform's) target
    answered: int
    posts_by_hour: tuple[int, ...]             # customer posts per local hour, 0–23
    labels: dict[str, LabelFigures] = field(default_factory=dict)  # by label, most conversations first
    # Answered after their own priority's target, by priority, most urgent first: the median's verdict is against the
    # normal-priority SLA, and a manager must not read "within the SLA" while the safety cases missed theirs (a new
    # user's trial, 2026-12-07: both urgent cases missed a 30 s target under a median "within" the 2 min one).
    missed: dict[str, int] = field(default_factory=dict)
    # Per week; () when no review platform is on and no review came in (nothing to say about reviews).
    reviews: tuple[ReviewWeek, ...] = ()

    @property
    def conversations(self) -> int:
        return sum(p.conversations for p in self.platforms.values())

    @property
    def median_first_s(self) -> float | None:
        return statistics.median(self.first_response_s) if self.first_response_s else None

    @property
    def p90_first_s(self) -> float | None:
        if not self.first_response_s:
            return None
        ordered = sorted(self.first_response_s)
        return ordered[min(len(ordered) - 1, int(round(0.9 * (len(ordered) - 1))))]

    @property
    def within_sla_share(self) -> float | None:
        return self.within_sla / self.answered if self.answered else None


def gather(session: Session, now: datetime, days: int, policy: SlaPolicy, timezone: str,
           review_platforms: tuple[str, ...] = ()) -> ReportFigures:
    """review_platforms: the review platforms that are on — their reviews are counted even when none came in
    (the report then says "none" rather than leaving the line out)."""
    zone = ZoneInfo(timezone)
    today = now.astimezone(zone).date()
    day_list = tuple(today - timedelta(days=n) for n in range(days - 1, -1, -1))
    since = datetime.combine(day_list[0], datetime.min.time(), zone)
    started = list(session.execute(select(Conversation.platform, Conversation.created_at)
                                   .where(Conversation.created_at >= since)))
    per_day: dict[str, list[int]] = {}
    for platform, created in started:
        counts = per_day.setdefault(platform, [0] * days)
        index = (created.astimezone(zone).date() - day_list[0]).days
        if 0 <= index < days:
            counts[index] += 1
    answered = list(session.execute(select(Conversation.platform, Conversation.priority, Conversation.first_response_s)
                                    .where(Conversation.first_response_at >= since,
                                           Conversation.first_response_s.is_not(None))))
    late = Counter(priority for platform, priority, seconds in answered
                   if seconds > policy.target(platform, priority, True).total_seconds())
    platforms = {}
    for platform in sorted(set(per_day) | {row[0] for row in answered}):
        mine = [(priority, seconds) for p, priority, seconds in answered if p == platform]
        within = sum(1 for priority, seconds in mine
                     if seconds <= policy.target(platform, priority, True).total_seconds())
        platforms[platform] = PlatformFigures(sum(per_day.get(platform, [])), len(mine), within,
                                              statistics.median(s for _, s in mine) if mine else None)
    hours = Counter(created.astimezone(zone).hour for (created,) in session.execute(
        select(Message.created_at).where(Message.direction == IN, Message.created_at >= since)))
    reviews = gather_reviews(session, day_list, zone)
    return ReportFigures(
        labels=_by_label(session, since),
        reviews=reviews if review_platforms or has_reviews(reviews) else (),
        days=day_list, timezone=timezone, per_day={p: tuple(c) for p, c in sorted(per_day.items())},
        platforms=platforms, first_response_s=tuple(s for _, _, s in answered),
        sla_s=int(policy.first_response.total_seconds()), within_sla=sum(p.within_sla for p in platforms.values()),
        answered=len(answered), posts_by_hour=tuple(hours.get(h, 0) for h in range(24)),
        missed={p: late[p] for p in PRIORITY_FACTORS if late[p]})  # urgent, high, normal, low


def _by_label(session: Session, since: datetime, shown: int = 10) -> dict[str, LabelFigures]:
    rows = session.execute(select(ConversationLabel.name, Conversation.created_at, Conversation.first_response_at,
                                  Conversation.first_response_s).join(Conversation)
                           .where(or_(Conversation.created_at >= since, Conversation.first_response_at >= since)))
    started: Counter = Counter()
    responses: dict[str, list[int]] = {}
    for name, created, answered_at, seconds in rows:
        started[name] += created >= since
        if answered_at is not None and answered_at >= since and seconds is not None:
            responses.setdefault(name, []).append(seconds)
    names = sorted(set(started) | set(responses), key=lambda n: (-started[n], n))[:shown]
    return {n: LabelFigures(started[n], len(responses.get(n, [])),
                            statistics.median(responses[n]) if responses.get(n) else None) for n in names}


def as_text(figures: ReportFigures, labels: dict[str, str]) -> str:
    """The figures in words, beside the chart (and for screen readers)."""
    first, last = figures.days[0], figures.days[-1]
    by_platform = " · ".join(f"{labels.get(p, p)} {f.conversations}" for p, f in figures.platforms.items()) or "none"
    share = figures.within_sla_share
    within = f"{share:.0%} ({figures.within_sla} of {figures.answered})" if share is not None else "—"
    busiest = sorted(range(24), key=lambda h: (-figures.posts_by_hour[h], h))[:3]
    hours = ", ".join(f"{h:02d}:00–{(h + 1) % 24:02d}:00 ({_posts(figures.posts_by_hour[h])})"
                      for h in busiest if figures.posts_by_hour[h]) or "no posts"
    lines = [f"*socialdesk report, {len(figures.days)} days* ({first:%d %b} – {last:%d %b}, {figures.timezone})",
             f"Conversations: {figures.conversations} ({by_platform})",
             f"First response: median {against_sla(figures.median_first_s, figures.sla_s, 'median', NORMAL)} · "
             f"90th percentile {against_sla(figures.p90_first_s, figures.sla_s, '90th percentile', NORMAL)} · "
             f"SLA {duration(figures.sla_s)} at normal priority",
             f"Answered within SLA: {within}" + (f" · missed their priority's SLA: {missed_text(figures.missed)}"
                                                  if figures.missed else "")]
    for platform, f in figures.platforms.items():
        if f.answered:
            lines.append(f"  {labels.get(platform, platform)}: median {duration(f.median_first_s)}, "
                         f"{f.within_sla / f.answered:.0%} within SLA")
    lines += review_lines(figures.reviews, labels)
    if figures.labels:
        lines.append("By label: " + " · ".join(
            f"`{name}` {_conversations(f.conversations)}, median first response {duration(f.median_first_s)}"
            for name, f in figures.labels.items()))
    lines.append(f"Busiest hours: {hours}")
    return "\n".join(lines)


NORMAL = "the normal-priority SLA"


def missed_text(missed: dict[str, int], only: tuple[str, ...] = tuple(PRIORITY_FACTORS)) -> str:
    """'2 urgent, 1 high': the conversations that missed their priority's SLA (of the priorities in `only`)."""
    return ", ".join(f"{count} {priority}" for priority, count in missed.items() if priority in only)


def _conversations(count: int) -> str:
    return "1 conversation" if count == 1 else f"{count} conversations"


def _posts(count: int) -> str:
    return "1 post" if count == 1 else f"{count} posts"
