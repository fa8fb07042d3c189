"""The Graph emulator's Instagram side: a professional account's media and
comments (top-level and replies; `fields=` honoured, cursor paging), replies
only to top-level comments (Graph refuses others), Instagram DMs with the
same windows as Messenger and one private reply per comment, the Instagram
Login token refresh (`GET /refresh_access_token`), `love` reactions on DMs, and webhooks (`object:
instagram`) signed with the Page app's secret or, for Instagram Login, the
Instagram app's own."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import datetime, timezone

from flask import Flask, jsonify, request

from sandbox.graph_reactions import sender_reaction
from sandbox.meta_inbound import instagram_mid
from sandbox.serve import push_signed

DAY = 24 * 3600


class InstagramMixin:
    """Instagram state for GraphState (fields are declared there)."""

    def ig_media(self, caption: str) -> dict:
        with self.lock:
            media = {"id": self.new_id(), "caption": caption, "timestamp": self._ig_time(),
                     "media_type": "IMAGE", "owner": {"id": self.ig_id}}
            self.ig_posts[media["id"]] = media
            return media

    def _ig_time(self) -> str:
        return self.now().strftime("%Y-%m-%dT%H:%M:%S+0000")

    def ig_user(self, username: str) -> str:
        with self.lock:
            for uid, known in self.ig_users.items():
                if known == username:
                    return uid
            uid = str(17840000000000000 + len(self.ig_users) + 1)
            self.ig_users[uid] = username
            return uid

    def ig_comment(self, author_id: str, media_id: str, text: str, parent_id: str | None = None) -> dict:
        with self.lock:
            own = author_id == self.ig_id
            author = {"id": author_id, "username": self.ig_username if own else self.ig_users[author_id]}
            if own:
                author["self_ig_scoped_id"] = author_id
            comment = {"id": self.new_id(), "media_id": media_id, "parent_id": parent_id, "text": text,
                       "from": author, "timestamp": self._ig_time()}
            self.ig_comments[comment["id"]] = comment
        value = {"from": author, "media": {"id": media_id, "media_product_type": "FEED"}, "id": comment["id"],
                 "text": text, **({"parent_id": parent_id} if parent_id else {})}
        self.ig_push({"object": "instagram", "entry": [{"id": self.ig_id, "time": int(self.clock()),
                                                        "changes": [{"field": "comments", "value": value}]}]})
        return comment

    def ig_customer_comments(self, username: str, text: str, reply_to: str | None = None) -> dict:
        parent = self.ig_comments.get(reply_to) if reply_to else None
        media = parent["media_id"] if parent else (next(iter(sorted(self.ig_posts, reverse=True)), None)
                                                   or self.ig_media("New in: the winter range")["id"])
        return self.ig_comment(self.ig_user(username), media, text, reply_to)

    def ig_customer_messages(self, username: str, text: str, under: str = "messaging") -> dict:
        igsid = self.ig_user(username)
        message = self._ig_store(igsid, igsid, text)
        self.ig_push({"object": "instagram", "entry": [{"id": self.ig_id, "time": int(self.clock() * 1000),
                                                        under: [{"sender": {"id": igsid},
                                                                       "recipient": {"id": self.ig_id},
                                                                       "timestamp": int(self.clock() * 1000),
                                                                       "message": {"mid": message["id"],
                                                                                   "text": text}}]}]})
        return message

    def _ig_store(self, igsid: str, sender: str, text: str) -> dict:
        with self.lock:
            message = {"id": instagram_mid(self.ig_id, int(self.new_id())), "text": text, "from": sender, "timestamp": self.clock()}
            self.ig_messages.setdefault(igsid, []).append(message)
            return message

    def ig_sent_to(self, igsid: str) -> list[str]:
        return [m["text"] for m in self.ig_messages.get(igsid, []) if m["from"] == self.ig_id]

    def ig_replies_to(self, comment_id: str) -> list[str]:
        return [c["text"] for c in self.ig_comments.values()
                if c["parent_id"] == comment_id and c["from"]["id"] == self.ig_id]

    def ig_push(self, body: dict) -> None:
        if not self.webhook_url:
            return
        raw = json.dumps(body).encode()
        secret = self.ig_app_secret if self.ig_login else self.app_secret
        signature = "sha256=" + hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()
        push_signed(self.webhook_url, raw, "X-Hub-Signature-256", signature, self.webhook_answers)


def register_instagram_routes(app: Flask, state, graph_error, page, fields) -> None:
    def comment_view(comment: dict) -> dict:
        shown = {k: v for k, v in comment.items() if k != "media_id" and (k != "parent_id" or v)}
        shown["username"] = comment["from"]["username"]
        if comment["from"]["id"] == state.ig_id:  # `user`: only on the app user's own comments
            shown["user"] = {"id": state.ig_id}
        return shown

    def conversation_id(igsid: str) -> str:
        return base64.urlsafe_b64encode(f"ig_thread:{state.ig_id}:{igsid}".encode()).decode().rstrip("=")

    def igsid_of(conversation: str) -> str | None:
        try:
            kind, account, igsid = base64.urlsafe_b64decode(conversation + "=" * (-len(conversation) % 4)).decode() \
                .split(":")
        except ValueError:
            return None
        return igsid if kind == "ig_thread" and account == state.ig_id and igsid in state.ig_messages else None

    def message_view(igsid: str, message: dict) -> dict:
        account = {"username": state.ig_username, "id": state.ig_id}
        person = {"username": state.ig_users.get(igsid, igsid), "id": igsid}
        ours = message["from"] == state.ig_id
        return {"id": message["id"], "message": message["text"], "from": account if ours else person,
                "to": {"data": [person if ours else account]}, "created_time": _iso(message["timestamp"])}

    def read(node: str, edge: str | None):
        with state.lock:
            if node == state.ig_id and edge == "media":
                media = sorted(state.ig_posts.values(), key=lambda m: m["timestamp"], reverse=True)
                return jsonify(page(media, fields(("id",))))
            if node in state.ig_posts and edge == "comments":
                top = [comment_view(c) for c in state.ig_comments.values()
                       if c["media_id"] == node and not c["parent_id"]]
                return jsonify(page(sorted(top, key=lambda c: c["timestamp"]), fields(("id", "text", "timestamp"))))
            if node in state.ig_comments and edge == "replies":
                replies = [comment_view(c) for c in state.ig_comments.values() if c["parent_id"] == node]
                return jsonify(page(sorted(replies, key=lambda c: c["timestamp"]), fields(("id", "text", "timestamp"))))
            if node == state.ig_id and edge is None and "mentioned_" in request.args.get("fields", ""):
                return mentioned(request.args["fields"])
            if node in state.ig_users and edge is None:  # an Instagram user's profile (IGSID)
                return jsonify({"id": node, "username": state.ig_users[node]})
            if edge == "conversations" and request.args.get("platform") == "instagram" and node in (
                    "me", state.ig_id, state.page_id):  # the DM conversations, one person's with user_id
                threads = [{"id": conversation_id(igsid), "updated_time": _iso(msgs[-1]["timestamp"])}
                           for igsid, msgs in state.ig_messages.items()
                           if msgs and request.args.get("user_id") in (None, igsid)]
                threads.sort(key=lambda t: t["updated_time"], reverse=True)
                return jsonify(page(threads, fields(("id", "updated_time"))))
            igsid = igsid_of(node) if edge == "messages" else None
            if igsid is not None:  # newest first, as Graph answers
                messages = [message_view(igsid, m) for m in reversed(state.ig_messages[igsid])]
                return jsonify(page(messages, fields(("id", "created_time"))))
            if node in state.ig_comments and edge is None:
                shown = comment_view(state.ig_comments[node])
                return jsonify({k: v for k, v in shown.items() if k in fields(("id",)) | {"id"}})
        return None

    def mentioned(asked: str):
        """GET /{ig-user-id}?fields=mentioned_comment.comment_id(X){…} or
        mentioned_media.media_id(X){…}: a comment or caption that @-mentions the account."""
        kind, _, rest = asked.partition(".")
        wanted = rest.split("(", 1)[1].split(")", 1)[0]
        item = state.ig_elsewhere.get(wanted)
        media = state.ig_elsewhere.get(item.get("media_id", wanted)) if item else None
        if item is None or media is None or media["comments_off"]:
            return graph_error(400, "(#10) Comments are disabled for this media", 10, 2108006)
        shown = {k: v for k, v in item.items() if k not in ("media_id", "replies", "comments_off", "owner")}
        return jsonify({kind: shown, "id": state.ig_id})

    def write(node: str, edge: str, payload: dict):
        if node == state.ig_id and edge == "mentions":  # a comment where the account was @-mentioned
            media = state.ig_elsewhere.get(payload.get("media_id", ""))
            if media is None or media["comments_off"]:
                return graph_error(400, "(#100) Invalid parameter: media_id", 100)
            reply = {"id": state.new_id(), "text": payload.get("message", ""), "from": {"id": state.ig_id}}
            target = state.ig_elsewhere.get(payload.get("comment_id") or "", media)
            target.setdefault("replies", []).append(reply)
            return jsonify({"id": reply["id"]})
        comment = state.ig_comments.get(node)
        if comment is not None and edge == "replies":
            if comment["parent_id"]:
                return graph_error(400, "(#100) Replies can only be made to top-level comments", 100, 2534049)
            reply = state.ig_comment(state.ig_id, comment["media_id"], payload.get("message", ""), node)
            return jsonify({"id": reply["id"]})
        if edge == "messages" and node in (state.ig_id, "me"):
            recipient = payload.get("recipient") or {}
            if "id" in recipient and recipient["id"] not in state.ig_users:
                return None  # not an Instagram user: the Page's Messenger handles it
            if payload.get("sender_action") in ("react", "unreact"):  # Instagram takes only "love"
                igsid = recipient.get("id", "")
                return sender_reaction(state, payload, graph_error, state.ig_messages.get(igsid), igsid, only="love")
            return send(payload, recipient)
        return None

    def send(payload: dict, recipient: dict):
        text = ((payload.get("message") or {}).get("text") or "").strip()
        now = state.clock()
        if "comment_id" in recipient:
            comment = state.ig_comments.get(recipient["comment_id"])
            if comment is None:
                return graph_error(400, "(#100) Invalid parameter: comment_id", 100)
            if recipient["comment_id"] in state.private_replied:
                return graph_error(400, "(#10900) Activity already replied to", 10900)
            if now - datetime.strptime(comment["timestamp"], "%Y-%m-%dT%H:%M:%S%z").timestamp() > 7 * DAY:
                return graph_error(400, "(#10903) This activity cannot be replied to", 10903)
            state.private_replied.add(recipient["comment_id"])
            igsid = comment["from"]["id"]
        else:
            igsid = recipient["id"]
            theirs = [m["timestamp"] for m in state.ig_messages.get(igsid, []) if m["from"] == igsid]
            tagged = payload.get("tag") == "HUMAN_AGENT"
            if not theirs or now - theirs[-1] > (7 * DAY if tagged else DAY):
                return graph_error(400, "(#10) This message is sent outside of allowed window.", 10, 2534022)
        message = state._ig_store(igsid, state.ig_id, text)
        state.sends.append(payload)
        return jsonify({"recipient_id": igsid, "message_id": message["id"]})

    @app.get("/refresh_access_token")
    def refresh_access_token():
        if request.args.get("grant_type") != "ig_refresh_token" or request.args.get("access_token") != state.ig_token:
            return graph_error(400, "Invalid OAuth access token.", 190)
        state.ig_token = f"IGrefreshed{state.new_id()}"
        return jsonify({"access_token": state.ig_token, "token_type": "bearer", "expires_in": 60 * DAY})

    app.config["instagram_read"], app.config["instagram_write"] = read, write


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S+0000")
