"""`/social report` and the weekly report: gather the figures, draw the PNG,
upload it with Slack's external upload (files.getUploadURLExternal →
the bytes → files.completeUploadExternal, through slack_sdk's
files_upload_v2) with the figures as text beside it.

The weekly report (REPORT_CHANNEL) is due on Mondays from 09:00 in TIMEZONE;
every worker asks every few minutes, and the first to insert the week's
claim (job_claim `weekly-report:<Monday>`, bot/store/job_claims.py) posts it — so
it posts once with any number of workers. A failed upload gives the claim
back, and the next check tries again. The claim is a lease: a worker killed
between claim and upload leaves a claim that another takes over once
DELIVERY_LEASE has passed, after looking in the channel for the report's file
(the dead worker may have shared it); done_at marks the week done."""
from __future__ import annotations

import logging
from datetime import datetime, time
from zoneinfo import ZoneInfo

from bot.deps import Deps
from bot.desk.report_chart import render_png
from bot.desk.report_data import as_text, gather
from bot.slack.slack_out import SLACK_ERRORS
from bot.store import job_claims, queries as store

log = logging.getLogger(__name__)
WEEKLY_AT = time(9, 0)


def post_report(deps: Deps, now: datetime, days: int, channel: str | None = None, user: str | None = None,
                filename: str | None = None) -> str:
    """Posts the report to `channel`, or to `user` in a DM; returns the channel."""
    from adapters.registry import review_platforms  # as bot.config reads it: the registry knows which are reviews
    reviewing = tuple(p for p in review_platforms() if p in deps.settings.enabled_platforms)
    with deps.sessions() as session:
        figures = gather(session, now, days, deps.policy, deps.settings.timezone, reviewing)
        session.commit()
    reviewed = {p for week in figures.reviews for p in week.platforms}
    labels = {platform: deps.label(platform) for platform in {*figures.platforms, *reviewed}}
    text = as_text(figures, labels)
    png = render_png(figures, labels)
    if channel is None:
        channel = deps.slack.client.conversations_open(users=user)["channel"]["id"]
    deps.slack.client.files_upload_v2(
        channel=channel, file=png, filename=filename or f"socialdesk-report-{now:%Y-%m-%d}-{days}d.png",
        title=f"socialdesk report, last {days} days", initial_comment=text,
        alt_txt=f"Charts: conversations per day by platform, first response against the SLA, share answered "
                f"within SLA, and customer posts by hour. {text.replace('*', '')}"[:1000])
    log.info("report (%s days) posted to %s: %d conversations, %d bytes of chart", days, channel,
             figures.conversations, len(png))
    return channel


def weekly_report(deps: Deps, now: datetime) -> bool:
    """Post the weekly report if it is due and no worker has yet; True if this call posted it."""
    channel = deps.settings.report_channel
    if not channel:
        return False
    local = now.astimezone(ZoneInfo(deps.settings.timezone))
    if local.weekday() != 0 or local.time() < WEEKLY_AT:
        return False
    key, filename = f"weekly-report:{local:%Y-%m-%d}", f"socialdesk-weekly-{local:%Y-%m-%d}.png"
    owner = store.lease_owner()
    with deps.sessions() as session:
        claim = job_claims.claim_run(session, key, owner, now, deps.settings.delivery_lease)
        session.commit()
    if claim is None:
        return False  # another worker has it (or posted it already)
    due_since = datetime.combine(local.date(), WEEKLY_AT, local.tzinfo)
    try:
        if claim == "taken over" and deps.slack.find_file(channel, filename, due_since):
            log.info("weekly report %s: found in the channel (a worker died after sharing it)", key)
            _mark_posted(deps, key, now)
            return False
        post_report(deps, now, 7, channel=channel, filename=filename)
    except (*SLACK_ERRORS, OSError) as exc:
        with deps.sessions() as session:
            job_claims.give_back(session, key, owner)
            session.commit()
        log.warning("weekly report not posted (%s); the next check tries again", exc)
        return False
    _mark_posted(deps, key, now)
    return True


def _mark_posted(deps: Deps, key: str, now: datetime) -> None:
    with deps.sessions() as session:
        job_claims.finish(session, key, now)
        session.commit()
