"""`GET /metrics` in Prometheus text format (prometheus-client), read from the
database at scrape time: every figure is the same whichever gunicorn worker
or replica answers, with no multiprocess directory to share. With
METRICS_TOKEN set, the route needs `Authorization: Bearer <token>`."""
from __future__ import annotations

import hmac

from flask import Flask, Response, jsonify, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from sqlalchemy import case, func, select

from adapters.listening import Searcher

from bot.deps import Deps
from bot.store.listen_reads import ListenReads, utc_day
from bot.store.models import (IN, PENDING, SENDING, WAITING, Audit, Conversation, Message, Outbox, RateWindow,
                        WebhookResult)


class DatabaseCollector:
    def __init__(self, deps: Deps):
        self.deps = deps

    def collect(self):
        now = self.deps.clock()
        with self.deps.sessions() as session:
            posts = CounterMetricFamily("socialdesk_posts_ingested", "Customer posts recorded, by platform",
                                        labels=["platform"])
            for platform, count in session.execute(select(Message.platform, func.count())
                                                   .where(Message.direction == IN).group_by(Message.platform)):
                posts.add_metric([platform], count)
            yield posts
            replies = CounterMetricFamily("socialdesk_replies", "Outbox actions by platform, kind and state "
                                          "(sent; failed = not sent; held = REPLY_CHECK waits for its author; "
                                          "pending/sending = on their way; cancelled = undone or deleted)",
                                          labels=["platform", "kind", "state"])
            depth = 0
            for platform, kind, state, count in session.execute(
                    select(Outbox.platform, Outbox.kind, Outbox.state, func.count())
                    .group_by(Outbox.platform, Outbox.kind, Outbox.state)):
                replies.add_metric([platform, kind, state], count)
                depth += count if state in (PENDING, SENDING) else 0
            yield replies
            yield GaugeMetricFamily("socialdesk_outbox_depth", "Outbox actions not yet sent", value=depth)
            oldest = session.scalar(select(func.min(Conversation.waiting_since)).where(Conversation.status == WAITING))
            yield GaugeMetricFamily("socialdesk_oldest_waiting_seconds",
                                    "Age of the oldest conversation waiting on staff (0: none)",
                                    value=max(0.0, (now - oldest).total_seconds()) if oldest else 0.0)
            overdue = session.scalar(select(func.count()).select_from(Conversation)
                                     .where(Conversation.status == WAITING, Conversation.due_at <= now))
            yield GaugeMetricFamily("socialdesk_overdue_conversations", "Conversations past their SLA now",
                                    value=overdue or 0)
            breaches = session.scalar(select(func.count()).select_from(Audit).where(Audit.action == "sla_breach"))
            yield CounterMetricFamily("socialdesk_sla_breaches", "Overdue pings sent (one per breached wait)",
                                      value=breaches or 0)
            webhooks = CounterMetricFamily("socialdesk_webhook_events", "Webhook deliveries by route and result "
                                           "(accepted, nothing_new, unsigned, malformed, unsupported_type, "
                                           "too_large, unavailable)", labels=["route", "result"])
            for route, result, count in session.execute(select(WebhookResult.route, WebhookResult.result,
                                                               WebhookResult.count)):
                webhooks.add_metric([route, result], count)
            yield webhooks
            closed = GaugeMetricFamily("socialdesk_rate_limit_closed_seconds",
                                       "Seconds until a platform's rate-limit window reopens (0: open)",
                                       labels=["window"])
            for key, until in session.execute(select(RateWindow.key, RateWindow.not_before)):
                closed.add_metric([key], max(0.0, (until - now).total_seconds()))
            yield closed
            yield from _listening(session, self.deps, now)


def _listening(session, deps: Deps, now):
    """Posts read by listening searches (billed per post on X) and each daily cap."""
    today = utc_day(now)
    total = CounterMetricFamily("socialdesk_listen_reads", "Posts read by listening searches, by platform "
                                "(X bills each on its pay-per-use plan)", labels=["platform"])
    day = GaugeMetricFamily("socialdesk_listen_reads_today", "Posts read by listening searches this UTC day",
                            labels=["platform"])
    for platform, reads, on_day in session.execute(select(ListenReads.platform, func.sum(ListenReads.reads),
                                                          func.sum(case((ListenReads.day == today, ListenReads.reads),
                                                                        else_=0)))
                                                   .group_by(ListenReads.platform)):
        total.add_metric([platform], reads or 0)
        day.add_metric([platform], on_day or 0)
    cap = GaugeMetricFamily("socialdesk_listen_reads_cap", "Most posts listening may read per UTC day "
                            "(LISTEN_X_MAX_READS)", labels=["platform"])
    for name, adapter in deps.adapters.items():
        if deps.settings.listen_terms and isinstance(adapter, Searcher) and adapter.daily_read_cap is not None:
            cap.add_metric([name], adapter.daily_read_cap)
    yield from (total, day, cap)


def register(flask: Flask, deps: Deps) -> None:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(DatabaseCollector(deps))
    token = deps.settings.metrics_token

    @flask.get("/metrics")
    def metrics():
        if token:
            # The scheme is required (RFC 6750; its name is case-insensitive): the
            # bare token, which removeprefix() used to let through, is refused.
            scheme, _, given = request.headers.get("Authorization", "").strip().partition(" ")
            if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token.encode()):
                return jsonify({"ok": False, "error": "METRICS_TOKEN required"}), 401
        return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)
