"""The report as one PNG (matplotlib, no display needed): four panels with
titles, axis labels and units, in the Okabe–Ito palette that stays
distinguishable with every common colour-vision deficiency."""
from __future__ import annotations

import io

from bot.desk.figures import against_sla, duration
from bot.desk.report_data import ReportFigures, missed_text

OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")


def render_png(figures: ReportFigures, labels: dict[str, str]) -> bytes:
    import matplotlib
    matplotlib.use("Agg")
    from matplotlib import pyplot as plt
    from matplotlib.ticker import MaxNLocator

    fig, ((daily, response), (sla, hours)) = plt.subplots(2, 2, figsize=(12, 8), dpi=100)
    fig.suptitle(f"socialdesk — last {len(figures.days)} days ({figures.timezone})", fontsize=15)
    colours = {platform: OKABE_ITO[i % len(OKABE_ITO)] for i, platform in enumerate(figures.platforms)}

    ticks = [d.strftime("%d %b") for d in figures.days]
    bottom = [0] * len(figures.days)
    # Positions, not the labels: "03 Dec" looks like a date to matplotlib, which
    # then logs a line per chart about categorical units.
    for platform, counts in figures.per_day.items():
        daily.bar(range(len(ticks)), counts, bottom=bottom, label=labels.get(platform, platform),
                  color=colours[platform])
        bottom = [b + c for b, c in zip(bottom, counts, strict=True)]
    daily.set_xticks(range(len(ticks)), ticks)
    daily.set_title("Conversations per day")
    daily.set_ylabel("conversations")
    daily.yaxis.set_major_locator(MaxNLocator(integer=True))  # counts: no "0.2 conversations"
    if figures.per_day:
        daily.legend(loc="upper left", fontsize=9)
    daily.tick_params(axis="x", labelrotation=45 if len(ticks) > 10 else 0, labelsize=8)
    if len(ticks) > 10:
        for index, label in enumerate(daily.get_xticklabels()):
            label.set_visible(index % 3 == 0)

    shown = (figures.median_first_s, figures.p90_first_s)
    minutes = [v / 60 if v is not None else 0 for v in shown]
    response.bar(["median", "90th percentile"], minutes, color=[OKABE_ITO[0], OKABE_ITO[1]])
    response.axhline(figures.sla_s / 60, color=OKABE_ITO[5], linestyle="--",
                     label=f"SLA {duration(figures.sla_s)} at normal priority")
    # The words the text beside the chart uses, so a bar over the line never reads "equal to the SLA".
    for x, seconds in enumerate(shown):
        response.annotate(against_sla(seconds, figures.sla_s), (x, (seconds or 0) / 60), ha="center",
                          va="bottom", xytext=(0, 3), textcoords="offset points", fontsize=9,
                          bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": "none"})
    response.set_ylim(0, max(minutes + [figures.sla_s / 60]) * 1.2 or 1)
    # Urgent and high conversations have shorter targets than the line: their misses are said in the title.
    missed = missed_text(figures.missed, ("urgent", "high"))
    response.set_title("First response against the SLA" + (f"\n(missed their shorter SLA: {missed})" if missed else ""))
    response.set_ylabel("minutes (business time if set)")
    response.legend(fontsize=9)

    names = [labels.get(p, p) for p, f in figures.platforms.items() if f.answered]
    shares = [100 * f.within_sla / f.answered for f in figures.platforms.values() if f.answered]
    sla.barh(names or ["no replies yet"], shares or [0], color=[colours[p] for p, f in figures.platforms.items()
                                                                 if f.answered] or [OKABE_ITO[7]])
    sla.set_xlim(0, 100)
    sla.set_title("Answered within SLA")
    sla.set_xlabel("% of first responses")
    for y, share in enumerate(shares):
        sla.text(min(share + 1, 92), y, f"{share:.0f} %", va="center", fontsize=9)

    hours.bar(range(24), figures.posts_by_hour, color=OKABE_ITO[4])
    hours.set_title("Customer posts by hour of day")
    hours.set_xlabel(f"hour ({figures.timezone})")
    hours.set_ylabel("posts")
    hours.yaxis.set_major_locator(MaxNLocator(integer=True))
    hours.set_xticks(range(0, 24, 3))

    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return buffer.getvalue()
