"""Yelp's settings and wire shapes (adapters/yelp.py is the adapter): the variables read, a review's content
key, the quota's reset, the cursor of reviews seen, and the two error bodies Yelp sends — the Places API names its
code `code`, the Respond-to-Reviews API `id`."""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import requests

from bot.env import EnvReader

_ID = re.compile(r"^[^\s/?#]{1,128}$")


@dataclass(frozen=True)
class YelpSettings:
    api_url: str
    api_key: str
    business_ids: tuple[str, ...]
    zone: str                        # IANA zone the businesses' review times are written in
    partner_api_url: str
    partner: tuple[str, str, str] | None   # client id, client secret, the owner's refresh token


def read_settings(reader: EnvReader) -> YelpSettings | None:
    api_url = reader.url("YELP_API_URL", "https://api.yelp.com") or ""
    partner_url = reader.url("YELP_PARTNER_API_URL", "https://partner-api.yelp.com") or ""
    key, listed = reader.text("YELP_API_KEY"), reader.text("YELP_BUSINESS_IDS")
    if not key or not listed:
        return None
    ids = tuple(dict.fromkeys(part.strip() for part in listed.split(",") if part.strip()))
    bad = [i for i in ids if not _ID.match(i)]
    reader.check("YELP_BUSINESS_IDS", f"{bad[0]!r} is not a Yelp business id or alias" if bad else
                 None if ids else "names no business")
    names = ("YELP_PARTNER_CLIENT_ID", "YELP_PARTNER_CLIENT_SECRET", "YELP_PARTNER_REFRESH_TOKEN")
    values = [reader.text(name) for name in names]
    partner = None
    if any(values):
        missing = [name for name, value in zip(names, values, strict=True) if not value]
        reader.check(missing[0] if missing else names[0], (
            "Yelp's Respond-to-Reviews access needs YELP_PARTNER_CLIENT_ID, YELP_PARTNER_CLIENT_SECRET and "
            "YELP_PARTNER_REFRESH_TOKEN (the business owner's, from Yelp's authorization code workflow) together")
            if missing else None)
        partner = tuple(values) if not missing else None
    zone = reader.text("YELP_TIMEZONE") or reader.text("TIMEZONE") or "UTC"
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        reader.check("YELP_TIMEZONE", f"{zone!r} is not a time zone name (like America/Los_Angeles)")
        zone = "UTC"
    return YelpSettings(api_url.rstrip("/"), key, ids, zone, partner_url.rstrip("/"), partner)


def content_key(review: dict) -> str:
    """What the customer can change (stars, text): an edit seen by a later poll is a new revision."""
    seen = f"{review.get('rating')}\x1f{review.get('text') or ''}"
    return hashlib.sha256(seen.encode()).hexdigest()[:16]


def next_midnight(now: datetime) -> datetime:
    return (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)


def load_seen(cursor: str | None) -> dict[str, str]:
    try:
        seen = json.loads(cursor) if cursor else {}
    except ValueError:   # a cursor of another shape: every review is news once more, and ingest keeps each once
        seen = {}
    return {str(k): str(v) for k, v in seen.items()} if isinstance(seen, dict) else {}


def parse_reset(value: str | None) -> datetime | None:
    try:
        moment = datetime.fromisoformat(value) if value else None
    except ValueError:
        return None
    return moment if moment is None or moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def error_of(response: requests.Response, field: str) -> tuple[str, str]:
    """(code, description) of Yelp's {"error": {…}} body: Places names the code `code`, the partner API `id`."""
    try:
        body = response.json()
    except ValueError:
        return "", (response.text[:200] or response.reason or str(response.status_code))
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return "", str(body)[:200]
    return str(error.get(field) or error.get("code") or ""), str(error.get("description") or "")[:200]
