"""`/social report` and the weekly report: gather the figures, draw the PNG,
upload it with Slack's external upload (files.getUploadURLExternal →
the bytes → files.completeUploadExternal, through slack_sdk's
files_upload_v2) with the figures as text beside it.

The weekly report (REPORT_CHANNEL) is due on Mondays from 09:00 in TIMEZONE;
every worker asks every few minutes, and the first to insert the week's
claim row (the unique slack_event id `weekly-report:<Monday>`) posts it — so
it posts once with any number of workers. A failed upload gives the claim
back, and the next check tries again."""
from __future__ import annotations

import logging
from datetime import datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import delete

from bot import store
from bot.deps import Deps
from bot.models import SlackEvent
from bot.report_chart import render_png
from bot.report_data import as_text, gather
from bot.slack_out import SLACK_ERRORS

log = logging.getLogger(__name__)
WEEKLY_AT = time(9, 0)


def post_report(deps: Deps, now: datetime, days: int, channel: str | None = None, user: str | None = None) -> str:
    """Posts the report to `channel`, or to `user` in a DM; returns the channel."""
    with deps.sessions() as session:
        figures = gather(session, now, days, deps.policy, deps.settings.timezone)
        session.commit()
    labels = {platform: deps.label(platform) for platform in figures.platforms}
    text = as_text(figures, labels)
    png = render_png(figures, labels)
    if channel is None:
        channel = deps.slack.client.conversations_open(users=user)["channel"]["id"]
    deps.slack.client.files_upload_v2(
        channel=channel, file=png, filename=f"socialdesk-report-{now:%Y-%m-%d}-{days}d.png",
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
    key = f"weekly-report:{local:%Y-%m-%d}"
    with deps.sessions() as session:
        if not store.record_slack_event_once(session, key, now):
            return False  # another worker has it (or posted it already)
        session.commit()
    try:
        post_report(deps, now, 7, channel=channel)
    except (*SLACK_ERRORS, OSError) as exc:
        with deps.sessions() as session:
            session.execute(delete(SlackEvent).where(SlackEvent.event_id == key))
            session.commit()
        log.warning("weekly report not posted (%s); the next check tries again", exc)
        return False
    return True
