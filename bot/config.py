"""Settings read once from the environment into a frozen dataclass.

A malformed value raises ConfigError naming the variable; the CLI prints it as
one line and exits 2 — never a traceback.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Mapping

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from bot.env import ConfigErrors, EnvReader, format_duration
from bot.rules.business_hours import HolidaySpec, OpeningHours, parse_business_hours, parse_holidays


LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


@dataclass(frozen=True)
class Settings:
    database_url: str
    slack_bot_token: str | None
    slack_signing_secret: str | None
    slack_app_token: str | None
    slack_api_url: str
    slack_channel: str | None
    # Each platform's own settings, read by its adapter (adapters/registry.py):
    # platform name → that adapter's frozen settings; absent = the platform is off.
    platforms: Mapping[str, Any] = field(default_factory=dict)
    sla_first_response: timedelta = timedelta(hours=1)
    sla_next_response: timedelta = timedelta(hours=1)
    sla_warn_before: timedelta = timedelta(minutes=15)
    sla_overrides: Mapping[str, timedelta] = field(default_factory=dict)
    escalation_channel: str | None = None
    report_channel: str | None = None  # the weekly report, Mondays 09:00 in TIMEZONE
    escalate_to: tuple[str, ...] = ()
    slack_oncall: tuple[str, ...] = ()
    slack_publishers: tuple[str, ...] = ()  # who may speak for the brand; () = every full member
    reply_check: str = "hold"  # hold | warn | off (bot.rules.reply_check)
    reply_check_allow: frozenset[str] = frozenset()  # the team's own addresses (@domain) and numbers
    send_delay: timedelta = timedelta(0)  # every reply waits this long, with an Undo button
    metrics_token: str | None = None  # GET /metrics needs "Authorization: Bearer <token>" when set
    business_hours: OpeningHours | None = None  # None = the clock runs 24/7
    timezone: str = "UTC"
    holidays: HolidaySpec | None = None
    snooze_default: timedelta = timedelta(hours=1)
    reply_signature: str | None = None
    poll_interval: timedelta = timedelta(seconds=60)
    backfill: timedelta | None = timedelta(hours=24)
    delivery_lease: timedelta = timedelta(seconds=60)
    port: int = 3000
    web_host: str = "0.0.0.0"  # the sandbox binds 127.0.0.1: nothing of a demo is reachable from the network
    web_concurrency: int = 2
    listen_terms: tuple[str, ...] = ()  # LISTEN_TERMS: names searched where a platform allows; () = off
    listen_channel: str | None = None   # LISTEN_CHANNEL: where 👂 matches go (None: SLACK_CHANNEL)

    @property
    def enabled_platforms(self) -> tuple[str, ...]:
        return tuple(self.platforms)

    @property
    def x(self):
        return self.platforms.get("x")


# Which variables each command cannot run without.
REQUIRED_BY_COMMAND: dict[str, tuple[str, ...]] = {
    "migrate": (),
    "web": ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_CHANNEL"),
    "worker": ("SLACK_BOT_TOKEN", "SLACK_CHANNEL"),
    "poll": ("SLACK_BOT_TOKEN", "SLACK_CHANNEL"),
    "deliver": ("SLACK_BOT_TOKEN", "SLACK_CHANNEL"),
    "sweep": ("SLACK_BOT_TOKEN", "SLACK_CHANNEL"),
}


def normalize_database_url(url: str) -> str:
    """PaaS hosts hand out postgres:// URLs; SQLAlchemy wants a driver name."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _database_url(reader: EnvReader) -> str:
    raw = reader.text("DATABASE_URL", "sqlite:///socialdesk.db")
    url = normalize_database_url(raw)
    try:
        parsed = make_url(url)
        parsed.port  # noqa: B018 - a non-numeric port raises here, not at connect time
    except (ArgumentError, ValueError):
        # Never echo the value: it may hold a password.
        reader.check("DATABASE_URL", "is not a database URL like sqlite:///socialdesk.db or "
                                     "postgresql://user:password@host:5432/name (is the port a number?)")
        return url
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        reader.check("DATABASE_URL", "only sqlite and postgresql are supported")
    return url


# Variable families with one member per platform: the suffix names the platform (SLA_FIRST_RESPONSE_X).
PER_PLATFORM = {"SLA_FIRST_RESPONSE_": "first", "SLA_NEXT_RESPONSE_": "next"}


def _sla_overrides(env: Mapping[str, str], reader: EnvReader) -> dict[str, timedelta]:
    """SLA_FIRST_RESPONSE_X=30m style per-platform overrides. Reviews platforms
    (the registry says which) wait SLA_REVIEWS (24h) for every answer: a good
    public answer matters more than a fast one. A platform's own variable wins.
    A suffix that names no platform (SLA_FIRST_RESPONSE_TWITTER) is an error:
    ignored, it would leave the default SLA in force without a word."""
    from adapters.registry import platform_names, review_platforms  # see _platform_settings
    reviews = reader.duration("SLA_REVIEWS", "24h") or timedelta(hours=24)
    overrides = {f"{kind}:{name}": reviews for name in review_platforms() for kind in ("first", "next")}
    suffixes = [name.upper() for name in platform_names()]
    for name in sorted(env):
        for prefix, kind in PER_PLATFORM.items():
            if not (name.startswith(prefix) and env[name].strip()):
                continue
            suffix = name[len(prefix):]
            if suffix.upper() not in suffixes:
                reader.check(name, f"{suffix!r} names no platform; the suffix is one of {', '.join(suffixes)} "
                                   f"(e.g. {prefix}{suffixes[0]})")
                continue
            overrides[f"{kind}:{suffix.lower()}"] = reader.duration(name, "1h")
    return overrides


def log_level_problem(env: Mapping[str, str]) -> str | None:
    level = (env.get("LOG_LEVEL") or "INFO").strip().upper()
    return None if level in LOG_LEVELS else f"{env.get('LOG_LEVEL')!r} is not one of {', '.join(LOG_LEVELS)}"


def load_settings(env: Mapping[str, str], command: str = "migrate") -> Settings:
    """Settings from the environment; every malformed variable is reported at
    once (ConfigErrors), none of them with a value that may be a secret."""
    reader = EnvReader(env)
    for name in REQUIRED_BY_COMMAND.get(command, ()):
        if not reader.text(name):
            reader.check(name, f"is required for `socialdesk {command}`")
    reader.check("LOG_LEVEL", log_level_problem(env))
    log_format = (env.get("LOG_FORMAT") or "text").strip().lower()
    reader.check("LOG_FORMAT", None if log_format in ("text", "json") else f"{env.get('LOG_FORMAT')!r} is not text or json")
    token = reader.text("SLACK_BOT_TOKEN")
    if token and not token.startswith("xoxb-"):
        reader.check("SLACK_BOT_TOKEN", "must be a bot token starting with xoxb-")
    app_token = reader.text("SLACK_APP_TOKEN")
    if app_token and not app_token.startswith("xapp-"):
        reader.check("SLACK_APP_TOKEN", "must be an app-level token starting with xapp-")
    slack_api_url = reader.url("SLACK_API_URL", "https://slack.com/api/") or "https://slack.com/api/"
    if not slack_api_url.endswith("/"):
        slack_api_url += "/"  # slack_sdk drops the last path segment otherwise
    first = reader.duration("SLA_FIRST_RESPONSE", "1h") or timedelta(hours=1)
    backfill_raw = reader.text("BACKFILL", "24h")
    if backfill_raw.lower() == "all":
        backfill = None
    else:
        backfill = reader.duration("BACKFILL", "24h")
    timezone = reader.text("TIMEZONE", "UTC")
    reader.check("TIMEZONE", _timezone_problem(timezone))
    settings = _build(env, reader, token, app_token, slack_api_url, first, backfill, timezone)
    if reader.errors:
        raise ConfigErrors(reader.errors) if len(reader.errors) > 1 else reader.errors[0]
    return settings


def _build(env, reader: EnvReader, token, app_token, slack_api_url, first, backfill, timezone) -> Settings:
    return Settings(
        database_url=_database_url(reader),
        slack_bot_token=token,
        slack_signing_secret=reader.text("SLACK_SIGNING_SECRET"),
        slack_app_token=app_token,
        slack_api_url=slack_api_url,
        slack_channel=reader.channel("SLACK_CHANNEL"),
        platforms=_platform_settings(reader),
        sla_first_response=first,
        sla_next_response=reader.duration("SLA_NEXT_RESPONSE", format_duration(first)),
        sla_warn_before=reader.duration("SLA_WARN_BEFORE", "15m"),
        sla_overrides=_sla_overrides(env, reader),
        escalation_channel=reader.channel("ESCALATION_CHANNEL"),
        report_channel=reader.channel("REPORT_CHANNEL"),
        escalate_to=reader.mention_ids("ESCALATE_TO") or (),
        slack_oncall=reader.mention_ids("SLACK_ONCALL") or (),
        slack_publishers=reader.mention_ids("SLACK_PUBLISHERS") or (),
        metrics_token=reader.text("METRICS_TOKEN"),
        reply_check=reader.choice("REPLY_CHECK", ("hold", "warn", "off"), "hold"),
        reply_check_allow=frozenset(entry.strip().lower() for entry in
                                    (reader.text("REPLY_CHECK_ALLOW") or "").split(",") if entry.strip()),
        send_delay=reader.duration("SEND_DELAY", "0s"),
        business_hours=reader.parsed("BUSINESS_HOURS", parse_business_hours),
        timezone=timezone,
        holidays=reader.parsed("HOLIDAYS", parse_holidays),
        snooze_default=reader.duration("SNOOZE_DEFAULT", "1h"),
        reply_signature=_reply_signature(reader),
        poll_interval=reader.duration("POLL_INTERVAL", "60s"),
        backfill=backfill,
        delivery_lease=reader.duration("DELIVERY_LEASE", "60s"),
        port=reader.integer("PORT", 3000, 1, 65535),
        web_host=reader.parsed("WEB_HOST", _ip_address) or "0.0.0.0",
        web_concurrency=reader.integer("WEB_CONCURRENCY", 2, 1, 64),
        listen_terms=_listen_terms(reader),
        listen_channel=reader.channel("LISTEN_CHANNEL"),
    )


def _listen_terms(reader: EnvReader) -> tuple[str, ...]:
    """LISTEN_TERMS, comma-separated; a quote in a term would break X's query syntax."""
    terms = tuple(dict.fromkeys(t.strip() for t in (reader.text("LISTEN_TERMS") or "").split(",") if t.strip()))
    for term in terms:
        if '"' in term or len(term) > 64:
            reader.check("LISTEN_TERMS", f"{term[:70]!r}: each term is a name of at most 64 characters, "
                                         "without double quotes")
    return terms


def _ip_address(text: str) -> str:
    import ipaddress
    try:
        return str(ipaddress.IPv4Address(text.strip()))
    except ValueError:
        raise ValueError("not an IPv4 address (e.g. 127.0.0.1, or 0.0.0.0 for every interface)") from None


def _platform_settings(reader: EnvReader) -> dict[str, Any]:
    # Imported here: adapters read their settings with EnvReader from this module.
    from adapters.registry import read_platform_settings
    return read_platform_settings(reader)


def _reply_signature(reader: EnvReader) -> str | None:
    value = reader.text("REPLY_SIGNATURE")
    if value and value not in ("initials", "off"):
        reader.check("REPLY_SIGNATURE", f"{value!r} is not one of: initials, off")
        return None
    return None if value in (None, "off") else value


def _timezone_problem(name: str) -> str | None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return f"{name!r} is not an IANA time zone (e.g. Europe/Berlin)"
    return None
