"""One way to write a duration figure in every answer — /social status, the
report's text and chart, App Home — so the same data reads the same
everywhere. Seconds are floored, like the SLA pings' "waiting 2 min"
(bot.slack.render.humanize); under an hour the seconds are shown, so a
figure just over the SLA never reads as equal to it, and the verdict against
the SLA (against_sla) is taken on the unrounded value and said in words."""
from __future__ import annotations


def duration(seconds: float | None) -> str:
    """'45 s', '2 min 10 s', '20 min', '1 h', '1 h 5 min', '2 d 3 h'; '—' for none."""
    if seconds is None:
        return "—"
    whole = max(0, int(seconds))
    minutes, rest = divmod(whole, 60)
    if whole < 3600:
        if not minutes:
            return f"{rest} s"
        return f"{minutes} min {rest} s" if rest else f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours >= 24:  # the floor of bot.slack.render.humanize, without its "0 min"/"0 h"
        days, hours = divmod(hours, 24)
        return f"{days} d {hours} h" if hours else f"{days} d"
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"


def against_sla(seconds: float | None, sla_s: float, what: str | None = None, sla: str = "the SLA") -> str:
    """The figure with its verdict, compared unrounded: '2 min 10 s (over SLA)'. `what` names the figure in the
    verdict — '1 min 51 s (the median is within the SLA)' — where a bare '(within SLA)' beside 'Answered within
    SLA: 25%' reads as a contradiction (the median can be within while most answers are not); `sla` names which
    SLA when priorities have their own ('the normal-priority SLA')."""
    if seconds is None:
        return "—"
    verdict = "over" if seconds > sla_s else "within"
    return f"{duration(seconds)} ({f'the {what} is {verdict} {sla}' if what else verdict + ' SLA'})"
