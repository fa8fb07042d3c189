"""The `sweep` job: SLA warnings, overdue pings, escalations, snooze wake-ups.

Every timed alarm is a row of one table (bot.store.models.Alarm: kind, due_at while
pending). Finding due work of a kind is a range query on the (kind, due_at)
index; one conditional UPDATE claims the batch with a lease (of several
workers each alarm goes to one), each ping renews its claim just before it is
posted and clears due_at once Slack has it. So the same ping is never sent
twice, one claimed by a worker that died is retried (looking first) when the
lease runs out, and the cost grows with due alarms, not with open
conversations. A new kind is a new entry in LEVELS, not a new column.

A sweep claims a level's due alarms in rounds, each sized to what it can post
within half a lease at the pace measured so far (the first round, one alarm).
One claim of every due alarm outlived its lease on a slow host (3 workers, 200
overdue pings due, 5 s lease: 499 claimed at once, 472 of them lost to the
other sweepers, whose takeovers each look in Slack first), and pings came a
minute late.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial

from sqlalchemy import select, update

from bot.rules.conversations import resume_from_snooze
from bot.store import queries as store
from bot.deps import Deps
from bot.slack.root import WINDOW_WARNING, refresh_root
from bot.store.models import SNOOZED, WAITING, Alarm, Conversation
from bot.slack.render import humanize, slack_date
from bot.slack.slack_out import SLACK_ERRORS
from bot.rules.text import escape_for_slack

log = logging.getLogger(__name__)
BATCH = 500
_LEVEL_NAMES = {"warn": "SLA warning", "breach": "overdue ping", "escalate": "escalation",
                "window": "reply-window warning"}
# The marker names pings carried when each level was a column: a retry after an
# upgrade still finds a ping posted before it.
_MARKER_LEVEL = {"warn": "warn_at", "breach": "breach_at", "escalate": "escalate_at"}


@dataclass
class SweepResult:
    warned: list[int] = field(default_factory=list)
    breached: list[int] = field(default_factory=list)
    escalated: list[int] = field(default_factory=list)
    woken: list[int] = field(default_factory=list)
    windows: list[int] = field(default_factory=list)  # warned that a messaging window closes in an hour

    def describe(self) -> str:
        said = [f"{what} {', '.join(f'#{i}' for i in ids)}" for what, ids in (
            ("warned", self.warned), ("overdue pings for", self.breached), ("escalated", self.escalated),
            ("woke from snooze", self.woken), ("reply window closing for", self.windows)) if ids]
        return "; ".join(said) if said else "nothing due"


def mention(ids) -> str:
    return " ".join(f"<!subteam^{i}>" if i.startswith("S") else f"<@{i}>" for i in ids)


def find_due(session, column, now: datetime, limit: int = BATCH) -> list[int]:
    return list(session.scalars(select(Conversation.id).where(column <= now)
                                .order_by(column).limit(limit)))


def claim_due(session, kind: str, now: datetime, lease_until: datetime | None = None,
              limit: int = BATCH, also_clear=(), skip=()) -> list[int]:
    """Claim every due alarm of one kind in one statement (the conversations'
    ids). The outer `due_at <= now` is re-checked under each row lock, so of two
    sweepers each alarm goes to one. The claim is a lease: due_at moves to
    lease_until and fired_at to now (the claim's token); the post clears due_at
    (see _still_ours and _fire_all). A sweeper killed mid-batch leaves its alarms due
    again at lease_until, fired: the next sweep retries them, looking first.
    also_clear: kinds this one makes moot (no warning after the overdue ping).
    skip: conversations this sweep has handled already (those put back stay for the next)."""
    due = _due(kind, now, skip).with_only_columns(Alarm.id).limit(limit).scalar_subquery()
    claimed = session.execute(update(Alarm).where(Alarm.id.in_(due), Alarm.due_at <= now)
                              .values(due_at=lease_until, fired_at=now).returning(Alarm.conversation_id)
                              .execution_options(synchronize_session=False))
    ids = sorted(claimed.scalars())
    if ids and also_clear:
        session.execute(update(Alarm).where(Alarm.conversation_id.in_(ids), Alarm.kind.in_(also_clear))
                        .values(due_at=None).execution_options(synchronize_session=False))
    return ids


def _due(kind: str, now: datetime, skip=()):
    # ORDER BY due_at + LIMIT, so the planner walks the (kind, due_at) index.
    query = select(Alarm.conversation_id).where(Alarm.kind == kind, Alarm.due_at <= now).order_by(Alarm.due_at)
    return query.where(Alarm.conversation_id.not_in(skip)) if skip else query


def claim_level(session, kind: str, now: datetime, lease_until: datetime | None = None, also_clear=(),
                limit: int = BATCH, skip=()) -> tuple[list[int], set[int]]:
    """Claim one kind's due alarms; also say which of them are retries: due
    again although fired before, i.e. an earlier attempt failed somewhere
    (maybe after Slack stored the ping), so look before posting again."""
    retrying = set(session.scalars(_due(kind, now, skip).where(Alarm.fired_at.is_not(None)).limit(limit)))
    return claim_due(session, kind, now, lease_until, limit=limit, also_clear=also_clear, skip=skip), retrying


def _alarm(conv_id: int, kind: str, claimed_at: datetime):
    """This sweep's claim on one alarm: still fired at the claim's time."""
    return update(Alarm).where(Alarm.conversation_id == conv_id, Alarm.kind == kind,
                               Alarm.fired_at == claimed_at).execution_options(synchronize_session=False)


def _still_ours(session, deps: Deps, conv_id: int, kind: str, now: datetime) -> bool:
    """Renew the lease just before posting. False when another sweeper took the
    alarm over after our lease ran out (a long batch), or a staff action
    disarmed it meanwhile: then this sweep must not post it."""
    lease_until = deps.lease_until(now)
    renewed = session.execute(_alarm(conv_id, kind, now).where(Alarm.due_at.is_not(None))
                              .values(due_at=lease_until)).rowcount
    session.commit()
    return renewed == 1


def _fire_all(deps: Deps, kind: str, now: datetime, post, also_clear=()) -> list[int]:
    """Up to BATCH of one level's due alarms, claimed a round at a time (the
    module's docstring says why); an alarm put back due waits for the next sweep."""
    lease = deps.settings.delivery_lease
    fired: list[int] = []
    handled: list[int] = []
    size, spent = 1, timedelta(0)  # the first round measures the pace
    while len(handled) < BATCH and not deps.stopping():  # stopping: the next worker's sweep finds them due
        with deps.sessions() as session:
            claimed, retrying = claim_level(session, kind, now, deps.lease_until(now), also_clear,
                                            limit=min(size, BATCH - len(handled)), skip=handled)
            session.commit()
            started = deps.clock()
            fired += [conv_id for conv_id in claimed
                      if _fire_one(session, deps, kind, now, conv_id, conv_id in retrying, post)]
            spent += deps.clock() - started
        handled += claimed
        if len(claimed) < size:
            break  # nothing more due
        per_alarm = spent / len(handled)
        size = BATCH if per_alarm <= timedelta(0) else max(1, int(lease / 2 / per_alarm))
    return fired


def _fire_one(session, deps: Deps, kind: str, now: datetime, conv_id: int, retrying: bool, post) -> bool:
    """Post one claimed alarm's ping; False when it was put back or is no longer ours."""
    if deps.stopping():
        # Due again now, the claim's token kept: the next sweep takes it at once and,
        # as for any claim that was not finished, looks for its ping before posting.
        session.execute(_alarm(conv_id, kind, now).values(due_at=now))
        session.commit()
        return False
    conv = session.get(Conversation, conv_id, populate_existing=True)
    if conv.slack_root_ts is None:
        # Its root is not in Slack yet (publishing lags behind, or Slack refused it for
        # now): a ping now would land in the channel, not the thread. Due again next sweep.
        session.execute(_alarm(conv_id, kind, now).values(due_at=now, fired_at=None))
        session.commit()
        return False
    leaves_at = store.reply_leaving_at(session, conv_id, now)
    if leaves_at is not None:
        # A staff reply is counting down its SEND_DELAY (Undo) window: a ping now
        # would call for an answer that is seconds from leaving. Due again once it
        # should have left; sent, it disarms the alarm; undone, the ping follows.
        session.execute(_alarm(conv_id, kind, now).values(
            due_at=leaves_at + deps.settings.delivery_lease, fired_at=None))
        session.commit()
        return False
    session.commit()  # no transaction (SQLite write lock) across the Slack call
    if not _still_ours(session, deps, conv_id, kind, now):
        return False
    try:
        post(session, conv, Ping(deps, conv, kind, now, retrying))
    except SLACK_ERRORS as exc:
        # Slack refused: put the alarm back (due now) so the next sweep tries again.
        log.warning("#%s: %s not posted (%s); will retry", conv_id, kind, exc)
        session.execute(_alarm(conv_id, kind, now).values(due_at=now))
        session.commit()
        return False
    session.execute(_alarm(conv_id, kind, now).values(due_at=None))  # spent: the lease ends
    if kind == "breach":  # posted once per breached wait: counted for /metrics
        store.audit(session, now, "socialdesk", "sla_breach", conv_id)
    session.commit()
    log.info("#%s %s posted", conv_id, _LEVEL_NAMES.get(kind, kind))
    return True


def _who_to_ping(deps: Deps, conv: Conversation) -> str:
    if conv.assignee:
        return f"<@{conv.assignee}>"
    return mention(deps.settings.slack_oncall)


def sweep(deps: Deps, now: datetime) -> SweepResult:
    result = SweepResult()
    with deps.sessions() as session:
        snoozed = find_due(session, Conversation.snoozed_until, now)
    for conv_id in snoozed:
        if _wake(deps, conv_id, now):
            result.woken.append(conv_id)
    # Breaches first: a warning that is due together with its breach is dropped.
    result.breached = _fire_all(deps, "breach", now, partial(_post_breach, deps), also_clear=["warn"])
    result.warned = _fire_all(deps, "warn", now, partial(_post_warning, deps))
    result.escalated = _fire_all(deps, "escalate", now, partial(_post_escalation, deps))
    result.windows = _fire_all(deps, "window", now, partial(_post_window_warning, deps))
    return result


def _wake(deps: Deps, conv_id: int, now: datetime) -> bool:
    with deps.sessions() as session:
        # Row lock: a staff action on this conversation in another replica waits,
        # or is waited for, instead of being overwritten by the wake-up.
        conv = session.get(Conversation, conv_id, with_for_update=True)
        if conv.status != SNOOZED or conv.snoozed_until is None or conv.snoozed_until > now:
            return False
        resume_from_snooze(conv, now, deps.policy)
        session.commit()
        log.info("#%s woke from snooze", conv_id)
        # The root changes back to "waiting" in place. No post: the contract
        # allows the sweep only the warning, the pings and the escalation.
        try:
            refresh_root(session, deps, conv, now)
        except SLACK_ERRORS as exc:
            log.warning("#%s woke but the root could not be refreshed: %s", conv_id, exc)
        return True


@dataclass(frozen=True)
class Ping:
    """One level's Slack posts for one wait, each marked so a retry finds it."""
    deps: Deps
    conv: Conversation
    level: str
    now: datetime
    retrying: bool

    def post(self, channel: str, thread_ts: str | None, text: str, part: str = "thread") -> None:
        marker = {"conversation": str(self.conv.id), "level": _MARKER_LEVEL.get(self.level, self.level), "part": part,
                  "wait": self.conv.waiting_since.isoformat() if self.conv.waiting_since else ""}
        self.deps.slack.notice_once(channel, thread_ts, text, marker, since=self.now, look_first=self.retrying)


def _post_warning(deps: Deps, session, conv: Conversation, ping: Ping) -> None:
    now = ping.now
    who = f" <@{conv.assignee}>" if conv.assignee else ""
    ping.post(conv.slack_channel, conv.slack_root_ts,
              f"⏳ Reply due {slack_date(conv.due_at)} (in {humanize(conv.due_at - now)}): "
              f"{escape_for_slack(conv.customer_handle)} has been waiting {humanize(now - conv.waiting_since)}.{who}")


def _post_breach(deps: Deps, session, conv: Conversation, ping: Ping) -> None:
    now = ping.now
    waited = humanize(now - conv.waiting_since)
    ping.post(conv.slack_channel, conv.slack_root_ts,
              f"🚨 *Overdue*: {escape_for_slack(conv.customer_handle)} has waited {waited} for a reply. "
              f"{_who_to_ping(deps, conv)}".rstrip())
    channel = deps.settings.escalation_channel
    if channel:
        link = deps.slack.permalink(conv.slack_channel, conv.slack_root_ts)
        where = f"<{link}|open thread>" if link else f"thread {conv.slack_root_ts}"
        ping.post(channel, None, f"🚨 #{conv.id} {deps.label(conv.platform, conv.private)} {escape_for_slack(conv.customer_handle)} "
                                 f"is overdue (waiting {waited}) — {where}", part="channel")
    try:
        refresh_root(session, deps, conv, now)
    except SLACK_ERRORS as exc:  # the ping went out; the colour can wait
        log.warning("#%s: root refresh failed: %s", conv.id, exc)


def _post_escalation(deps: Deps, session, conv: Conversation, ping: Ping) -> None:
    if not deps.settings.escalate_to:
        return
    ping.post(conv.slack_channel, conv.slack_root_ts,
              f"📣 *Escalated*: #{conv.id} is still unanswered after "
              f"{humanize(ping.now - conv.waiting_since)}. {mention(deps.settings.escalate_to)}")


def _post_window_warning(deps: Deps, session, conv: Conversation, ping: Ping) -> None:
    """An hour before the platform stops taking replies: said only while the
    customer is still waiting on us (the alarm is spent either way)."""
    if conv.status != WAITING:
        return
    label = deps.label(conv.platform, conv.private)
    ping.post(conv.slack_channel, conv.slack_root_ts,
              f"⌛ {label} stops taking replies to {escape_for_slack(conv.customer_handle)} at "
              f"{slack_date(ping.now + WINDOW_WARNING)} (in 1 h): answer now, or they must write again first. "
              f"{_who_to_ping(deps, conv)}".rstrip())
