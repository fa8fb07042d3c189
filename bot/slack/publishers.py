"""Who may speak for the brand. SLACK_PUBLISHERS names people (U…/W…) and
user groups (S…, resolved with usergroups.users.list, cached a few minutes);
only they publish, and only they change conversations. Guests, people from
other organisations (Slack Connect) and bots never do, whatever the setting.
Unset, every full member of the workspace publishes (said once at start).

Profiles come from users.info and are cached like display names, so the ack
path calls Slack at most once per person per cache period."""
from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Callable

from slack_sdk.errors import SlackApiError

log = logging.getLogger(__name__)
CACHE_FOR = timedelta(minutes=5)


@dataclass(frozen=True)
class Standing:
    may_publish: bool
    reason: str | None = None   # why not, said privately to the person


class Publishers:
    def __init__(self, client, configured: tuple[str, ...], clock: Callable[[], datetime] | None = None):
        self.client = client
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

    def standing(self, user: str, user_team: str | None = None) -> Standing:
        if not user:
            return Standing(False, "the message has no author")
        try:
            profile = self._profile(user)
        except SlackApiError as exc:
            return Standing(False, f"Slack could not say who you are ({exc.response.get('error')})")
        if profile is None:
            return Standing(False, "you are not a member of this workspace")
        if profile.get("is_bot") or profile.get("is_app_user"):
            return Standing(False, "bots never speak for the brand")
        if profile.get("is_restricted") or profile.get("is_ultra_restricted"):
            return Standing(False, "guests never speak for the brand")
        team = self._our_team()
        if profile.get("is_stranger") or (team and (user_team or profile.get("team_id")) not in (None, team)):
            return Standing(False, "people from another organisation (Slack Connect) never speak for the brand")
        if not self.restricted or user in self.people or user in self._group_members():
            return Standing(True)
        return Standing(False, "you are not among the people who may speak for the brand (SLACK_PUBLISHERS)")

    def _now(self) -> datetime:
        return self._clock()

    def _profile(self, user: str) -> dict | None:
        cached = self._profiles.get(user)
        if cached and self._now() - cached[0] < CACHE_FOR:
            return cached[1]
        try:
            profile = self.client.users_info(user=user)["user"]
        except SlackApiError as exc:
            if exc.response.get("error") == "user_not_found":
                profile = None
            else:
                raise
        with self._lock:
            self._profiles[user] = (self._now(), profile)
        return profile

    def _our_team(self) -> str | None:
        if self._team is None:
            try:
                self._team = self.client.auth_test()["team_id"]
            except SlackApiError:
                return None
        return self._team

    def _group_members(self) -> set[str]:
        if not self.groups:
            return set()
        if self._members and self._now() - self._members[0] < CACHE_FOR:
            return self._members[1]
        members: set[str] = set()
        for group in self.groups:
            try:
                members.update(self.client.usergroups_users_list(usergroup=group)["users"])
            except SlackApiError as exc:
                log.warning("SLACK_PUBLISHERS: user group %s could not be read (%s)", group, exc.response.get("error"))
        with self._lock:
            self._members = (self._now(), members)
        return members


def change_refused(publishers: "Publishers | None", user: str, user_team: str | None = None) -> str | None:
    """The one line for someone who may not change conversations, or None."""
    if publishers is None:
        return None
    standing = publishers.standing(user, user_team)
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
