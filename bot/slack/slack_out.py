"""The Slack Web API side: a configured WebClient and the few calls we make."""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.builtin_handlers import (ConnectionErrorRetryHandler,
                                                   RateLimitErrorRetryHandler,
                                                   ServerErrorRetryHandler)

from bot.slack.slack_pace import NOT_READ, ChannelPacer

log = logging.getLogger(__name__)


def make_slack_client(token: str, base_url: str, timeout: int = 10) -> WebClient:
    # slack_sdk retries only connection errors by default; 429 and 5xx need handlers.
    return WebClient(token=token, base_url=base_url, timeout=timeout, retry_handlers=[
        ConnectionErrorRetryHandler(max_retry_count=2),
        RateLimitErrorRetryHandler(max_retry_count=2),
        ServerErrorRetryHandler(max_retry_count=2),
    ])


# What a Slack call can raise: API errors, and OSError (urllib's URLError,
# timeouts) once slack_sdk's own connection retries are used up.
SLACK_ERRORS = (SlackApiError, SlackClientError, OSError)
MARKER_EVENT = "socialdesk_post"
# Slack's own words for these: "It's possible some aspect of the operation
# succeeded before the error was raised." Treated like a lost answer.
_MAYBE_DONE = {"internal_error", "fatal_error", "service_unavailable", "request_timeout"}
_LOOKUP_PAGES = 10  # up to 2,000 messages back; a lost post is seconds old


class SlackPoster:
    """Posting, updating and looking up people, with a small cache of names."""

    def __init__(self, client: WebClient, pacer: ChannelPacer | None = None):
        self.client = client
        # Posts and root repaints take their turn per channel, and their 429s
        # are waited out by the pacer (its clock, no retry budget) rather than
        # by slack_sdk's handler (time.sleep, two tries, then given up).
        self.pacer = pacer or ChannelPacer()
        unpaced = [h for h in client.retry_handlers if not isinstance(h, RateLimitErrorRetryHandler)]
        self._paced_client = WebClient(token=client.token, base_url=client.base_url, timeout=client.timeout,
                                       retry_handlers=unpaced)
        # For posts that must appear once: a 5xx or a timeout may come after
        # Slack stored the message, so those are never retried blindly (only
        # 429s, which Slack refuses before doing anything: the pacer's).
        self._unique_client = WebClient(token=client.token, base_url=client.base_url, timeout=client.timeout,
                                        retry_handlers=[])
        self._names: dict[str, str] = {}
        self._initials: dict[str, str] = {}

    def post_unique(self, channel: str, message: dict, thread_ts: str | None, marker: dict[str, str],
                    since: datetime, look_first: bool, attempts: int = 3, paced_until=NOT_READ) -> str:
        """Post `message` carrying `marker` as Slack message metadata, exactly
        once: when an earlier attempt may have landed (look_first, or a lost
        answer now), find it by its marker instead of posting again.
        paced_until: the channel's shared turn as just read (ChannelPacer.wait_turn)."""
        metadata = {"event_type": MARKER_EVENT, "event_payload": marker}
        error: Exception | None = None
        for attempt in range(attempts):
            if look_first or attempt:
                found = self.find_marked(channel, marker, thread_ts, since)
                if found:
                    return found
            try:
                return self.pacer.call(channel, lambda: self._unique_client.chat_postMessage(
                    channel=channel, thread_ts=thread_ts, metadata=metadata, **message), paced_until=paced_until)["ts"]
            except SlackApiError as exc:
                if exc.response.status_code < 500 and exc.response.get("error") not in _MAYBE_DONE:
                    raise  # refused outright: nothing was posted
                error = exc
            except OSError as exc:  # timeout or connection lost mid-request
                error = exc
            log.warning("posting to %s may have failed (%s); checking before retrying", channel, error)
            paced_until = NOT_READ
        raise error

    def find_marked(self, channel: str, marker: dict[str, str], thread_ts: str | None,
                    since: datetime) -> str | None:
        """The ts of our message carrying `marker`: in the thread, or among the
        channel's messages since `since` (minus slack for clock skew)."""
        def marked(found: dict) -> bool:
            meta = found.get("metadata") or {}
            return meta.get("event_type") == MARKER_EVENT and meta.get("event_payload") == marker
        found = self._find(channel, thread_ts, since, marked)
        return found["ts"] if found else None

    def find_file(self, channel: str, filename: str, since: datetime) -> str | None:
        """The ts of a message in `channel` since `since` sharing a file of this name."""
        found = self._find(channel, None, since, lambda m: any(f.get("name") == filename for f in m.get("files") or []))
        return found["ts"] if found else None

    def _find(self, channel: str, thread_ts: str | None, since: datetime, wanted) -> dict | None:
        cursor = None
        for _ in range(_LOOKUP_PAGES):
            if thread_ts:
                page = self.client.conversations_replies(channel=channel, ts=thread_ts, include_all_metadata=True,
                                                         limit=200, cursor=cursor)
            else:
                oldest = f"{(since - timedelta(minutes=5)).timestamp():.6f}"
                page = self.client.conversations_history(channel=channel, oldest=oldest, include_all_metadata=True,
                                                         limit=200, cursor=cursor)
            found = next((m for m in page.get("messages", []) if wanted(m)), None)
            if found is not None:
                return found
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if not page.get("has_more") or not cursor:
                return None
        return None

    def post(self, channel: str, message: dict, thread_ts: str | None = None) -> str:
        response = self.pacer.call(channel, lambda: self._paced_client.chat_postMessage(
            channel=channel, thread_ts=thread_ts, **message))
        return response["ts"]

    def update(self, channel: str, ts: str, message: dict) -> None:
        # chat.update is not under the per-channel posting limit (Tier 3): no turn taken.
        self.pacer.call(channel, lambda: self._paced_client.chat_update(channel=channel, ts=ts, **message),
                        paced=False)

    def notice(self, channel: str, thread_ts: str | None, text: str) -> str:
        return self.post(channel, {"text": text, "unfurl_links": False}, thread_ts)

    def notice_once(self, channel: str, thread_ts: str | None, text: str, marker: dict[str, str],
                    since: datetime, look_first: bool) -> str:
        """A notice that must not appear twice (SLA pings): posted like a customer post."""
        return self.post_unique(channel, {"text": text, "unfurl_links": False}, thread_ts, marker,
                                since=since, look_first=look_first)

    def ephemeral(self, channel: str, user: str, text: str, thread_ts: str | None = None,
                  blocks: list[dict] | None = None) -> None:
        try:
            self.client.chat_postEphemeral(channel=channel, user=user, text=text, thread_ts=thread_ts,
                                           blocks=blocks)
        except SlackApiError as exc:  # the user may have left the channel
            log.warning("ephemeral to %s failed: %s", user, exc.response.get("error"))

    def unreact(self, channel: str, ts: str, name: str) -> None:
        try:
            self.client.reactions_remove(channel=channel, timestamp=ts, name=name)
        except SlackApiError as exc:
            if exc.response.get("error") != "no_reaction":
                log.warning("removing reaction %s failed: %s", name, exc.response.get("error"))

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

    def display_name(self, user_id: str, fetch: bool = True) -> str:
        """fetch=False: only what is cached (no Slack call), else the id."""
        if user_id not in self._names and not fetch:
            return user_id
        if user_id not in self._names:
            try:
                user = self._profile(user_id)
                profile = user.get("profile", {})
                self._names[user_id] = (profile.get("display_name") or profile.get("real_name")
                                        or user.get("name") or user_id)
            except SlackApiError:
                return user_id  # not cached: try again next time
        return self._names[user_id]

    def initials(self, user_id: str, fetch: bool = True) -> str:
        if user_id not in self._initials and not fetch:
            return ""
        if user_id not in self._initials:
            try:
                profile = self._profile(user_id).get("profile", {})
            except SlackApiError:
                return ""
            name = profile.get("real_name") or profile.get("display_name") or ""
            self._initials[user_id] = "".join(part[0] for part in name.split()[:3]).upper()
        return self._initials[user_id]
