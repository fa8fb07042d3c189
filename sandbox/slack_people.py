"""The Slack emulator's other half: what people do in the Slack client
(post, react, run a slash command, click a button) and how Slack delivers it —
signed requests, retries with X-Slack-Retry-Num, and the events about the app's
own actions that Slack sends back (echoes)."""
from __future__ import annotations

import json
import re
import threading
import uuid

import requests

from sandbox.slack_signing import event_envelope, form_request, json_request
from sandbox.slack_views import new_trigger


class SlackPeople:
    """Mixed into SlackState, whose fields (lock, messages, users, events_url,
    signing_secret, …) these methods use."""

    def echo(self, event: dict) -> None:
        """Send the app an event about its own action, as Slack does (async)."""
        if not (self.echo_bot_messages and self.events_url):
            return
        sender = threading.Thread(target=self.send_event, args=({**event, "event_ts": self.next_ts()}, 0),
                                  daemon=True)
        with self.lock:
            self._echoes.append(sender)
        sender.start()

    def flush_echoes(self, timeout: float = 30) -> int:
        """Wait until every echo sent so far was delivered; how many there were."""
        with self.lock:
            pending, self._echoes = self._echoes, []
        for sender in pending:
            sender.join(timeout)
        return len(pending)

    # -- who is in the workspace: users.info answers from these --------------------
    # The fields users.info sets for them, as https://api.slack.com/types/user
    # documents: a guest is is_restricted (a single-channel guest also
    # is_ultra_restricted); a Slack Connect person keeps their own team_id, and
    # one the app shares no channel with is_stranger.
    def add_guest(self, user: str, name: str, single_channel: bool = False) -> None:
        with self.lock:
            self.users[user] = {"real_name": name.title(), "display_name": name, "is_restricted": True,
                                "is_ultra_restricted": single_channel}

    def add_external(self, user: str, name: str, team_id: str = "T0PARTNER") -> None:
        with self.lock:
            self.users[user] = {"real_name": name.title(), "display_name": name, "team_id": team_id}

    # -- the human side: what a person does in the Slack client ------------------
    def user_posts(self, user: str, channel: str, text: str, thread_ts: str | None = None,
                   deliver: bool = True, escape: bool = True) -> dict:
        # The Slack client escapes what a person types: & < > arrive as entities.
        # escape=False: `text` is already Slack's wire format (mentions, links).
        if escape:
            text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        with self.lock:
            message = {"type": "message", "channel": channel, "user": user, "text": text,
                       "ts": self.next_ts(), "team": self.team_id, "client_msg_id": str(uuid.uuid4()),
                       "blocks": rich_text(text)}
            if thread_ts:
                message["thread_ts"] = thread_ts
                root = next((m for m in self.messages if m["channel"] == channel and m["ts"] == thread_ts), None)
                if root and root.get("user"):
                    message["parent_user_id"] = root["user"]  # as Slack adds to every thread reply
            home = self.users.get(user, {}).get("team_id")
            if home and home != self.team_id:
                message["user_team"] = home  # a Slack Connect person writes from their own team
            self.messages.append(message)
        if deliver:
            self.send_event({**message, "event_ts": message["ts"], "channel_type": "channel"})
        return message

    def user_reacts(self, user: str, channel: str, ts: str, name: str, removed: bool = False) -> list[int]:
        message = self.find(channel, ts)
        if message is None:
            return []
        with self.lock:
            reactions = message.setdefault("reactions", [])
            entry = next((r for r in reactions if r["name"] == name), None)
            if removed and entry and user in entry["users"]:
                entry["users"].remove(user)
            elif not removed:
                if entry is None:
                    entry = {"name": name, "users": [], "count": 0}
                    reactions.append(entry)
                if user not in entry["users"]:
                    entry["users"].append(user)
            if entry:
                entry["count"] = len(entry["users"])
        event = {"type": "reaction_removed" if removed else "reaction_added", "user": user, "reaction": name,
                 "item_user": message.get("user"), "item": {"type": "message", "channel": channel, "ts": ts},
                 "event_ts": self.next_ts()}
        return self.send_event(event)

    def user_runs_command(self, user: str, channel: str, text: str, command: str = "/social") -> requests.Response:
        """A slash command as Slack sends it (form-encoded, signed)."""
        return self.deliver_form({
            "token": "legacy-verification-token", "team_id": self.team_id, "team_domain": "sandbox",
            "channel_id": channel, "channel_name": self.channels.get(channel, ""), "user_id": user,
            "user_name": self.users.get(user, {}).get("display_name", user), "command": command, "text": text,
            "api_app_id": "A0SANDBOX", "response_url": "https://hooks.slack.invalid/commands",
            "trigger_id": self.next_ts()})

    def user_acts(self, user: str, channel: str, ts: str, action: dict) -> requests.Response:
        """A click on a button or a pick in a menu of a message (block_actions)."""
        payload = {"type": "block_actions", "token": "legacy-verification-token", "api_app_id": "A0SANDBOX",
                   "user": {"id": user, "username": self.users.get(user, {}).get("display_name", user),
                            "team_id": self.team_id},
                   "team": {"id": self.team_id, "domain": "sandbox"}, "trigger_id": new_trigger(self, user),
                   "channel": {"id": channel, "name": self.channels.get(channel, "")},
                   "container": {"type": "message", "message_ts": ts, "channel_id": channel},
                   "message": {"ts": ts, "type": "message"}, "response_url": "https://hooks.slack.invalid/actions",
                   "actions": [{"action_ts": self.next_ts(), **action}]}
        return self.deliver_form({"payload": json.dumps(payload)})

    def send_event(self, event: dict, retries: int = 3) -> list[int]:
        envelope = event_envelope(event, self.team_id, self.bot_user_id)
        return self.deliver_json(envelope, retries)

    def deliver_json(self, payload: dict, retries: int = 3) -> list[int]:
        if not self.events_url:
            return []
        statuses = []
        for attempt in range(retries + 1):
            body, headers = json_request(self.signing_secret, payload)
            if attempt:
                headers.update({"X-Slack-Retry-Num": str(attempt), "X-Slack-Retry-Reason": "http_error"})
            try:
                status = requests.post(self.events_url, data=body, headers=headers, timeout=3).status_code
            except requests.RequestException:
                status = 0  # timeout or refused: Slack retries
            statuses.append(status)
            self.deliveries.append((status, attempt))
            if 200 <= status < 300:
                break
        return statuses

    def deliver_form(self, fields: dict) -> requests.Response:
        if not self.events_url:
            raise RuntimeError("no events_url: nothing to send slash commands or actions to")
        body, headers = form_request(self.signing_secret, fields)
        return requests.post(self.events_url, data=body, headers=headers, timeout=3)


_MARKUP = re.compile(r"<([^<>|]*)(?:\|([^<>]*))?>")


def rich_text(text: str) -> list[dict]:
    """The rich_text block Slack's client sends beside `text` (see the captured
    deliveries in tests/fixtures/slack/): mentions, channels and links as their
    own elements, the rest as text with Slack's three entities decoded."""
    elements, at = [], 0

    def plain(part: str) -> None:
        if part:
            elements.append({"type": "text", "text": part.replace("&lt;", "<").replace("&gt;", ">")
                             .replace("&amp;", "&")})
    for found in _MARKUP.finditer(text):
        plain(text[at:found.start()])
        target, label = found.group(1), found.group(2)
        if target.startswith("@"):
            elements.append({"type": "user", "user_id": target[1:]})
        elif target.startswith("#"):
            elements.append({"type": "channel", "channel_id": target[1:]})
        elif target.startswith("!"):
            elements.append({"type": "broadcast", "range": target[1:]})
        else:
            elements.append({"type": "link", "url": target, **({"text": label} if label else {})})
        at = found.end()
    plain(text[at:])
    return [{"type": "rich_text", "block_id": uuid.uuid4().hex[:5],
             "elements": [{"type": "rich_text_section", "elements": elements}]}]
