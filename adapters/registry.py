"""Every platform socialdesk knows, in one list (matterbridge's one factory per
protocol). Each entry reads its own settings and builds its adapter; a
platform whose credentials are absent is off: `web` and `worker` say so once
at start (off_hints), a one-shot pass only at DEBUG — its answer is one line."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Callable, Mapping

from adapters import (_bluesky_wire, _google_wire, _threads_wire, _yelp_wire, facebook, instagram, threads, trustpilot,
                      x, yelp)
from adapters.base import Adapter
from bot.env import EnvReader

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Platform:
    name: str
    read_settings: Callable[[EnvReader], Any | None]   # None: credentials absent, platform off
    build: Callable[[Any], Adapter]
    off_hint: str                                      # logged once when it is off
    reviews: bool = False                              # its conversations are reviews: SLA_REVIEWS applies


def _bluesky(settings) -> Adapter:
    # The atproto SDK takes about 0.65 s to import: only a process with Bluesky on pays it
    # (every web worker, worker and one-shot command imports this registry).
    from adapters.bluesky import BlueskyAdapter
    return BlueskyAdapter(settings)


def _google(settings) -> Adapter:
    # google-auth is imported by a process with Google on only, like the atproto SDK above.
    from adapters.google import build
    return build(settings)


PLATFORMS: tuple[Platform, ...] = (
    Platform("x", x.read_settings, x.XAdapter,
             "X is off: set X_API_KEY, X_API_SECRET, X_ACCESS_TOKEN and X_ACCESS_TOKEN_SECRET to turn it on"),
    Platform("facebook", facebook.read_settings, facebook.FacebookAdapter,
             "Facebook and Messenger are off: set META_PAGE_ID and META_PAGE_TOKEN to turn them on"),
    Platform("instagram", instagram.read_settings, instagram.InstagramAdapter,
             "Instagram is off: set INSTAGRAM_ACCOUNT_ID and INSTAGRAM_TOKEN (or META_PAGE_TOKEN) to turn it on"),
    Platform("trustpilot", trustpilot.read_settings, trustpilot.TrustpilotAdapter,
             "Trustpilot reviews are off: set TRUSTPILOT_API_KEY, TRUSTPILOT_API_SECRET, TRUSTPILOT_BUSINESS_UNIT_ID, "
             "TRUSTPILOT_USERNAME and TRUSTPILOT_PASSWORD to turn them on", reviews=True),
    Platform("google", _google_wire.read_settings, _google,
             "Google reviews are off: set GBP_ACCOUNT_ID, GBP_LOCATION_IDS and a Google identity "
             "(GOOGLE_APPLICATION_CREDENTIALS, or GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET and GOOGLE_REFRESH_TOKEN) "
             "to turn them on", reviews=True),
    Platform("yelp", _yelp_wire.read_settings, yelp.build,
             "Yelp reviews are off: set YELP_API_KEY and YELP_BUSINESS_IDS to turn them on", reviews=True),
    Platform("bluesky", _bluesky_wire.read_settings, _bluesky,
             "Bluesky is off: set BLUESKY_HANDLE and BLUESKY_APP_PASSWORD to turn it on"),
    Platform("threads", _threads_wire.read_settings, threads.ThreadsAdapter,
             "Threads is off: set THREADS_USER_ID and THREADS_TOKEN to turn it on"),
)


def platform_names() -> tuple[str, ...]:
    return tuple(platform.name for platform in PLATFORMS)


def review_platforms() -> tuple[str, ...]:
    return tuple(platform.name for platform in PLATFORMS if platform.reviews)


def read_platform_settings(reader: EnvReader) -> dict[str, Any]:
    found = {}
    for platform in PLATFORMS:
        settings = platform.read_settings(reader)
        if settings is not None:
            found[platform.name] = settings
    return found


def off_hints(platforms: Mapping[str, Any]) -> list[str]:
    """What to set to turn on each platform that is off."""
    return [platform.off_hint for platform in PLATFORMS if platforms.get(platform.name) is None]


def build_adapters(platforms: Mapping[str, Any]) -> dict[str, Adapter]:
    """platforms: each platform's own settings, as read_platform_settings
    found them (Settings.platforms). Built by every process and every web
    worker, so the platforms that are off are only a DEBUG line here."""
    adapters: dict[str, Adapter] = {}
    for platform in PLATFORMS:
        own = platforms.get(platform.name)
        if own is None:
            log.debug("%s", platform.off_hint)
        else:
            adapters[platform.name] = platform.build(own)
    return adapters
