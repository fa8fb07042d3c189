"""Reading the environment: every malformed variable collected (ConfigError)
and reported together in one line; durations, URLs, Slack ids. A leaf: the
core's configuration (bot/config.py) and every adapter's own settings read
through it, so adapters import nothing else of the core."""
from __future__ import annotations

import re
from datetime import timedelta
from typing import Mapping
from urllib.parse import urlparse


class ConfigError(Exception):
    def __init__(self, variable: str, problem: str):
        super().__init__(f"{variable}: {problem}")
        self.variable = variable


class ConfigErrors(ConfigError):
    """Every bad variable at once, so one run names them all (one line)."""

    def __init__(self, errors: list[ConfigError]):
        Exception.__init__(self, "; ".join(str(e) for e in errors))
        self.errors = errors
        self.variable = errors[0].variable
        self.variables = [e.variable for e in errors]


def _collecting(method):
    """A reader method that records its ConfigError and returns None, so
    load_settings goes on and reports every bad variable together."""
    def wrapper(self, name, *args, **kwargs):
        try:
            return method(self, name, *args, **kwargs)
        except ConfigError as exc:
            self.errors.append(exc)
            return None
    wrapper.__doc__ = method.__doc__
    return wrapper


_DURATION = re.compile(r"^\s*(\d+)\s*([smhd])\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
MAX_DURATION = timedelta(days=3650)  # ten years: no setting means more
# Slack conversation ids: C (public), G (private/legacy), D (DM).
_CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{6,}$")
# Mention targets for pings: users (U/W) and user groups (S).
_MENTION_ID = re.compile(r"^[UWS][A-Z0-9]{6,}$")


def parse_duration(text: str) -> timedelta:
    """'45s', '15m', '2h', '1d' → timedelta. Raises ValueError otherwise."""
    match = _DURATION.match(text or "")
    if not match:
        raise ValueError(f"{text!r} is not a duration (use e.g. 45s, 15m, 2h, 1d)")
    seconds = int(match.group(1)) * _UNIT_SECONDS[match.group(2)]
    if seconds > MAX_DURATION.total_seconds():
        # timedelta overflows past ~2.7 million years, a due time past year 9999 sooner
        raise ValueError(f"{text!r} is longer than {MAX_DURATION.days} days")
    return timedelta(seconds=seconds)


def format_duration(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    for unit in ("d", "h", "m"):
        if seconds and seconds % _UNIT_SECONDS[unit] == 0:
            return f"{seconds // _UNIT_SECONDS[unit]}{unit}"
    return f"{seconds}s"


class EnvReader:
    """Reads variables, collecting every malformed one (ConfigError) instead of
    stopping at the first. Adapters read their own settings through it."""

    def __init__(self, env: Mapping[str, str]):
        self.env = env
        self.errors: list[ConfigError] = []

    def text(self, name: str, default: str | None = None) -> str | None:
        value = self.env.get(name, "")
        value = value.strip() if value else ""
        return value or default

    @_collecting
    def duration(self, name: str, default: str) -> timedelta:
        try:
            return parse_duration(self.text(name, default) or default)
        except ValueError as exc:
            raise ConfigError(name, str(exc)) from None

    @_collecting
    def parsed(self, name: str, parse):
        """None when unset; parse(value) otherwise, its ValueError → ConfigError."""
        value = self.text(name)
        if value is None:
            return None
        try:
            return parse(value)
        except ValueError as exc:
            raise ConfigError(name, str(exc)) from None

    @_collecting
    def url(self, name: str, default: str) -> str:
        value = self.text(name, default) or default
        parsed = urlparse(value)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise ConfigError(name, f"{value!r} is not an http(s) URL")
        return value

    @_collecting
    def channel(self, name: str) -> str | None:
        value = self.text(name)
        if value and not _CHANNEL_ID.match(value):
            raise ConfigError(name, f"{value!r} is not a Slack channel ID (like C0123ABCD; "
                                    "find it under the channel name → About)")
        return value

    @_collecting
    def choice(self, name: str, choices: tuple[str, ...], default: str) -> str:
        value = (self.text(name, default) or default).lower()
        if value not in choices:
            self.check(name, f"{self.text(name)!r} is not one of: {', '.join(choices)}")
            return default
        return value

    @_collecting
    def mention_ids(self, name: str) -> tuple[str, ...]:
        value = self.text(name)
        if not value:
            return ()
        ids = tuple(part.strip() for part in re.split(r"[,\s]+", value) if part.strip())
        for item in ids:
            if not _MENTION_ID.match(item):
                raise ConfigError(name, f"{item!r} is not a Slack user (U…) or user group (S…) ID")
        return ids

    @_collecting
    def integer(self, name: str, default: int, low: int, high: int) -> int:
        raw = self.text(name, str(default))
        if not raw.isdigit() or not low <= int(raw) <= high:
            raise ConfigError(name, f"{raw!r} is not a whole number from {low} to {high}")
        return int(raw)

    @_collecting
    def check(self, name: str, problem: str | None) -> None:
        if problem:
            raise ConfigError(name, problem)
