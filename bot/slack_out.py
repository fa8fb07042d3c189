"""The Slack Web API side: a configured WebClient and the few calls we make."""
from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (ConnectionErrorRetryHandler,
                                                   RateLimitErrorRetryHandler,
                                                   ServerErrorRetryHandler)

log = logging.getLogger(__name__)


def make_slack_client(token: str, base_url: str, timeout: int = 10) -> WebClient:
    # slack_sdk retries only connection errors by default; 429 and 5xx need handlers.
    return WebClient(token=token, base_url=base_url, timeout=timeout, retry_handlers=[
        ConnectionErrorRetryHandler(max_retry_count=2),
        RateLimitErrorRetryHandler(max_retry_count=2),
        ServerErrorRetryHandler(max_retry_count=2),
    ])


class SlackPoster:
    """Posting, updating and looking up people, with a small cache of names."""

    def __init__(self, client: WebClient):
        self.client = client
        self._names: dict[str, str] = {}
        self._initials: dict[str, str] = {}

    def post(self, channel: str, message: dict, thread_ts: str | None = None) -> str:
        response = self.client.chat_postMessage(channel=channel, thread_ts=thread_ts, **message)
        return response["ts"]

    def update(self, channel: str, ts: str, message: dict) -> None:
        self.client.chat_update(channel=channel, ts=ts, **message)

    def notice(self, channel: str, thread_ts: str | None, text: str) -> str:
        return self.post(channel, {"text": text, "unfurl_links": False}, thread_ts)

    def ephemeral(self, channel: str, user: str, text: str, thread_ts: str | None = None) -> None:
        try:
            self.client.chat_postEphemeral(channel=channel, user=user, text=text, thread_ts=thread_ts)
        except SlackApiError as exc:  # the user may have left the channel
            log.warning("ephemeral to %s failed: %s", user, exc.response.get("error"))

    def react(self, channel: str, ts: str, name: str) -> None:
        try:
            self.client.reactions_add(channel=channel, timestamp=ts, name=name)
        except SlackApiError as exc:
            if exc.response.get("error") != "already_reacted":
                log.warning("reaction %s failed: %s", name, exc.response.get("error"))

    def permalink(self, channel: str, ts: str) -> str | None:
        try:
            return self.client.chat_getPermalink(channel=channel, message_ts=ts)["permalink"]
        except SlackApiError:
            return None

    def _profile(self, user_id: str) -> dict:
        return self.client.users_info(user=user_id)["user"]

    def display_name(self, user_id: str) -> str:
        if user_id not in self._names:
            try:
                user = self._profile(user_id)
                profile = user.get("profile", {})
                self._names[user_id] = (profile.get("display_name") or profile.get("real_name")
                                        or user.get("name") or user_id)
            except SlackApiError:
                return user_id  # not cached: try again next time
        return self._names[user_id]

    def initials(self, user_id: str) -> str:
        if user_id not in self._initials:
            try:
                profile = self._profile(user_id).get("profile", {})
            except SlackApiError:
                return ""
            name = profile.get("real_name") or profile.get("display_name") or ""
            self._initials[user_id] = "".join(part[0] for part in name.split()[:3]).upper()
        return self._initials[user_id]
