"""Build the per-process dependencies from Settings."""
from __future__ import annotations

import gc

from adapters.registry import build_adapters
from bot.rules.calendar import build_calendar
from bot.config import Settings
from bot.store.db import make_engine, make_session_factory
from bot.deps import Deps
from bot.slack.publishers import Publishers
from bot.slack.shared_pace import SharedTurns
from bot.slack.slack_out import SlackPoster, make_slack_client
from bot.slack.slack_pace import ChannelPacer
from bot.rules.sla import SlaPolicy
from bot.rules.urgency import warm as warm_urgency


def build_policy(settings: Settings) -> SlaPolicy:
    return SlaPolicy(first_response=settings.sla_first_response, next_response=settings.sla_next_response,
                     warn_before=settings.sla_warn_before, escalate=bool(settings.escalate_to),
                     overrides=dict(settings.sla_overrides), calendar=build_calendar(settings.business_hours, settings.timezone,
                                                      settings.holidays))


def build_deps(settings: Settings, engine=None) -> Deps:
    engine = engine or make_engine(settings.database_url)
    client = make_slack_client(settings.slack_bot_token or "", settings.slack_api_url)
    sessions = make_session_factory(engine)
    # Slack's limit is per channel, whichever process posts: every process takes its turns from the database.
    slack = SlackPoster(client, ChannelPacer(turns=SharedTurns(sessions)))
    deps = Deps(settings=settings, sessions=sessions, slack=slack,
                adapters=build_adapters(settings.platforms), policy=build_policy(settings))
    deps.publishers = Publishers(client, settings.slack_publishers, clock=lambda: deps.clock())
    for adapter in deps.adapters.values():
        if hasattr(adapter, "clock"):
            # Late-bound: a test that swaps deps.clock swaps the adapter's too.
            adapter.clock = lambda: deps.clock()
    warm_urgency()  # once per process: not in the first customer post's time
    return deps


def settle_heap() -> None:
    """Once a long-running process (a web worker, the worker) has built all
    it keeps: collect the start-up garbage and freeze what is left, so the
    collector's full passes never walk those objects again (gc.freeze). In
    bench/ingest.py one full pass over the ~150,000 objects alive after start
    took ~200 ms of a 1,000-post run, 0.2 ms a post; frozen, none ran. Not for
    one-shot commands: the collection itself costs about as much, once."""
    gc.collect()
    gc.freeze()
