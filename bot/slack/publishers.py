"""Who may speak for the brand. SLACK_PUBLISHERS names people (U…/W…) and
user groups (S…, resolved with usergroups.users.list, cached a few minutes);
only they publish, and only they change conversations. Guests, people from
other organisations (Slack Connect) and bots never do, whatever the setting.
Unset, every full member of the workspace publishes (said once at start).

Profiles come from users.info and are cached like display names. The ack
path never calls Slack: it asks known() (the cache only), and when the cache
cannot say, the reply is recorded and its author looked up after the ack
(standing_patiently), where a 429, a timeout or an error is retried — never
read as "may not publish"."""
from __future__ import annotations

import logging
import re
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Callable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

log = logging.getLogger(__name__)
CACHE_FOR = timedelta(minutes=5)
LOOKUP_TIMEOUT = 5      # seconds per users.info / usergroups.users.list call
QUICK_TIMEOUT = 1       # a slash command's answer is its ack: one quick try, then it waits
LOOKUP_TRIES = 6        # after the ack; then the reply is held and its author told
LOOKUP_BUDGET = 120.0   # seconds of waiting between tries, at most


class LookupFailed(Exception):
    """Slack could not say who someone is just now (refused with a 429, too
    slow, or failing): not an answer, so never read as "may not publish"."""

    def __init__(self, why: str, retry_after: float | None = None):
        super().__init__(why)
        self.why, self.retry_after = why, retry_after


def _failure(exc: Exception) -> LookupFailed:
    if isinstance(exc, SlackApiError):
        response = exc.response
        after = (response.headers or {}).get("Retry-After") or (response.headers or {}).get("retry-after")
        if isinstance(after, list):
            after = after[0] if after else None
        try:
            retry_after = float(after) if after is not None else None
        except ValueError:
            retry_after = None
        why = response.get("error") if isinstance(response.data, dict) else None
        return LookupFailed(f"{why or 'HTTP ' + str(response.status_code)}", retry_after)
    return LookupFailed(type(exc).__name__ + (f" ({exc})" if str(exc) else ""))


@dataclass(frozen=True)
class Standing:
    may_publish: bool
    reason: str | None = None   # why not, said privately to the person


class Publishers:
    def __init__(self, client, configured: tuple[str, ...], clock: Callable[[], datetime] | None = None):
        # Its own client: no retry handler that sleeps inside the call on a
        # 429, a short timeout — the caller decides how long to wait.
        self.client = WebClient(token=client.token, base_url=client.base_url,
                                timeout=min(client.timeout, LOOKUP_TIMEOUT), retry_handlers=[])
        self._quick_client = WebClient(token=client.token, base_url=client.base_url,
                                       timeout=min(client.timeout, QUICK_TIMEOUT), retry_handlers=[])
        self.sleep: Callable[[float], None] = time.sleep  # tests hand in one that does not sleep
        self.people = {i for i in configured if not i.startswith("S")}
        self.groups = [i for i in configured if i.startswith("S")]
        self._clock = clock or (lambda: datetime.now(timezone.utc))
        self._profiles: dict[str, tuple[datetime, dict]] = {}
        self._members: tuple[datetime, set[str]] | None = None
        self._team: str | None = None
        self._lock = threading.Lock()

    @property
    def restricted(self) -> bool:
        return bool(self.people or self.groups)

    def describe(self) -> str:
        """Who may publish, for App Home and the start-up log."""
        if not self.restricted:
            return ("every full member of the workspace (SLACK_PUBLISHERS is unset); guests, Slack Connect "
                    "users and bots never")
        named = [f"<@{p}>" for p in sorted(self.people)] + [f"<!subteam^{g}>" for g in self.groups]
        return ", ".join(named) + " (SLACK_PUBLISHERS); guests, Slack Connect users and bots never"

    def known(self, user: str, user_team: str | None = None) -> Standing | None:
        """The standing from the cache alone (no Slack call), or None when the
        cache cannot say: what the ack path asks."""
        try:
            return self._standing(user, user_team, cached_only=True)
        except _NotCached:
            return None

    def standing_quickly(self, user: str, user_team: str | None = None) -> Standing:
        """standing() in one try of at most QUICK_TIMEOUT per call (a 429 is
        an instant refusal): for a slash command, whose answer is its ack."""
        return self._standing(user, user_team, cached_only=False, client=self._quick_client)

    def standing(self, user: str, user_team: str | None = None) -> Standing:
        """The standing, asking Slack what the cache does not know; raises
        LookupFailed when Slack cannot answer now."""
        return self._standing(user, user_team, cached_only=False)

    def standing_patiently(self, user: str, user_team: str | None = None) -> Standing:
        """standing(), retried with backoff (a 429's Retry-After honoured) for
        up to LOOKUP_TRIES tries and LOOKUP_BUDGET seconds: after the ack only."""
        waited = 0.0
        for attempt in range(1, LOOKUP_TRIES + 1):
            try:
                return self.standing(user, user_team)
            except LookupFailed as exc:
                wait = exc.retry_after if exc.retry_after is not None else min(30.0, 2.0 ** (attempt - 1))
                if attempt == LOOKUP_TRIES or waited + wait > LOOKUP_BUDGET:
                    raise LookupFailed(f"{exc.why}, {attempt} tries over {waited:.0f} s") from exc
                log.info("who %s is: Slack could not say (%s); asking again in %.0f s", user, exc.why, wait)
                waited += wait
                self.sleep(wait)
        raise AssertionError("unreachable")

    def _standing(self, user: str, user_team: str | None, cached_only: bool, client=None) -> Standing:
        client = client or self.client
        if not user:
            return Standing(False, "the message has no author")
        profile = self._profile(user, cached_only, client)
        if profile is None:
            return Standing(False, "you are not a member of this workspace")
        if profile.get("is_bot") or profile.get("is_app_user"):
            return Standing(False, "bots never speak for the brand")
        if profile.get("is_restricted") or profile.get("is_ultra_restricted"):
            return Standing(False, "guests never speak for the brand")
        team = self._our_team(cached_only, client)
        if profile.get("is_stranger") or (team and (user_team or profile.get("team_id")) not in (None, team)):
            return Standing(False, "people from another organisation (Slack Connect) never speak for the brand")
        if not self.restricted or user in self.people or user in self._group_members(cached_only, client):
            return Standing(True)
        return Standing(False, "you are not among the people who may speak for the brand (SLACK_PUBLISHERS)")

    def _now(self) -> datetime:
        return self._clock()

    def _profile(self, user: str, cached_only: bool, client) -> dict | None:
        cached = self._profiles.get(user)
        if cached and self._now() - cached[0] < CACHE_FOR:
            return cached[1]
        if cached_only:
            raise _NotCached
        try:
            profile = client.users_info(user=user)["user"]
        except SlackApiError as exc:
            if exc.response.get("error") != "user_not_found":
                raise _failure(exc) from exc
            profile = None
        except (SlackClientError, OSError) as exc:
            raise _failure(exc) from exc
        with self._lock:
            self._profiles[user] = (self._now(), profile)
        return profile

    def _our_team(self, cached_only: bool, client) -> str | None:
        if self._team is None and cached_only:
            raise _NotCached
        if self._team is None:
            try:
                self._team = client.auth_test()["team_id"]
            except (SlackApiError, SlackClientError, OSError):
                return None  # the profile's is_stranger still tells a Slack Connect person
        return self._team

    def _group_members(self, cached_only: bool, client) -> set[str]:
        if not self.groups:
            return set()
        if self._members and self._now() - self._members[0] < CACHE_FOR:
            return self._members[1]
        if cached_only:
            raise _NotCached
        members: set[str] = set()
        for group in self.groups:
            try:
                members.update(client.usergroups_users_list(usergroup=group)["users"])
            except SlackApiError as exc:
                if exc.response.get("error") not in ("no_such_subteam", "subteam_not_found"):
                    raise _failure(exc) from exc  # not "nobody is in it": ask again later
                log.warning("SLACK_PUBLISHERS: user group %s does not exist (%s)", group, exc.response.get("error"))
            except (SlackClientError, OSError) as exc:
                raise _failure(exc) from exc
        with self._lock:
            self._members = (self._now(), members)
        return members


class _NotCached(Exception):
    pass


NOT_KNOWN = "not known"  # change_refused(known_only=True): only Slack can say


def change_refused(publishers: "Publishers | None", user: str, user_team: str | None = None,
                   known_only: bool = False, patiently: bool = False, quickly: bool = False) -> str | None:
    """The one line for someone who may not change conversations, or None.
    known_only: from the cache alone (the ack path), NOT_KNOWN when it cannot
    say; quickly: the cache, else one short try, NOT_KNOWN when Slack cannot
    answer at once; patiently: retried as Slack allows (after the ack)."""
    if publishers is None:
        return None
    if known_only or quickly:
        standing = publishers.known(user, user_team)
        if standing is None and quickly:
            try:
                standing = publishers.standing_quickly(user, user_team)
            except LookupFailed as exc:
                log.info("who %s is: Slack could not say at once (%s); asked again after the ack", user, exc.why)
        if standing is None:
            return NOT_KNOWN
    else:
        try:
            standing = (publishers.standing_patiently if patiently else publishers.standing)(user, user_team)
        except LookupFailed as exc:
            return (f"Slack could not say who you are just now ({exc.why}); nothing was changed. "
                    "Try again in a minute.")
    if standing.may_publish:
        return None
    return f"Only people who may speak for the brand can change conversations: {standing.reason}."


_ADDRESSING = re.compile(r"^\s*<@[UW][A-Z0-9]+(?:\|[^>]*)?>")
_NOTE_LIKE = re.compile(r"^\s*[\(\[\{]?\s*(note|notes|internal)\b", re.IGNORECASE)


def looks_internal(text: str) -> str | None:
    """Why a thread message is kept as a note though it does not start with
    `note:`: it addresses a colleague first, or starts like a note."""
    if _ADDRESSING.match(text):
        return "it starts by addressing a colleague"
    if _NOTE_LIKE.match(text):
        return "it starts like an internal note"
    return None
