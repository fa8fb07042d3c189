"""What customers do on a Page and about the brand, as the Graph emulator
pushes it — in Meta's shapes and with real-length ids: a visitor's post on the
Page (`feed`, `item: post`), the Page or the Instagram account @-mentioned
(`mention` / `mentions`), Messenger button presses (`postback`), edits and
unsends (`message_edit`, `is_deleted`), Instagram DMs under `standby`.

Ids as Meta makes them: Messenger mids `m_` + 88 characters, Instagram
message ids about 164 characters (`aWdfZAG1…`), PSIDs 16 digits, IGSIDs 17."""
from __future__ import annotations

import base64
import hashlib


def messenger_mid(seed: str) -> str:
    """`m_` and 88 URL-safe characters, as Messenger's mids look."""
    digest = hashlib.sha512(seed.encode()).digest() + hashlib.sha256(seed.encode()).digest()[:2]
    return "m_" + base64.urlsafe_b64encode(digest).decode().rstrip("=")


def instagram_mid(account: str, seed: int) -> str:
    """An Instagram message id in Meta's shape and length (~164 characters):
    base64 of `<account>:<39 digits>:<35 digits>` inside Meta's fixed affixes."""
    inner = f"{account}:340282366841710300949128{seed % 10**15:015d}:{seed:035d}"
    return "aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOj" + base64.b64encode(inner.encode()).decode().rstrip("=") + "ZDZD"


class MetaInboundMixin:
    """For GraphState (fields declared there)."""

    # -- Facebook Page ----------------------------------------------------------------
    def visitor_posts(self, name: str, text: str, photo: str | None = None) -> dict:
        """Someone who is not the Page posts on the Page's feed."""
        uid = self.user(name)
        with self.lock:
            post_id = f"{self.page_id}_{self.new_id()}"
            post = {"id": post_id, "message": text, "created_time": self._graph_time(),
                    "from": {"id": uid, "name": name}}
            self.posts[post_id] = post
        value = {"from": post["from"], "post_id": post_id, "created_time": int(self.clock()), "item": "post",
                 "verb": "add", "published": 1, "message": text}
        if photo:
            value.update(item="photo", link=photo)
        self.push_change("feed", value)
        return post

    def mentions_page(self, name: str, text: str, in_comment: bool = False) -> dict:
        """Someone @-mentions the Page in a post on their own timeline (or in a
        comment under it): Meta sends the `mention` field, no `from`."""
        uid = self.user(name)
        with self.lock:
            post_id = f"{uid}_{self.new_id()}"
            post = {"id": post_id, "message": text, "created_time": self._graph_time(),
                    "from": {"id": uid, "name": name}}
            self.posts[post_id] = post
        value = {"message": text, "post_id": post_id, "created_time": int(self.clock()), "item": "post",
                 "verb": "add"}
        if in_comment:
            comment = self.comment(uid, post_id, text, push=False)
            value.update(item="comment", comment_id=comment["id"])
            post = comment
        self.push_change("mention", value)
        return post

    def customer_presses(self, name: str, title: str, payload: str, referral: dict | None = None) -> dict:
        """A Messenger button press (Get Started, a menu item): a `postback`."""
        psid = self.psid(name)
        message = self._store_message(psid, psid, title)
        postback = {"mid": message["id"], "title": title, "payload": payload, **({"referral": referral}
                                                                               if referral else {})}
        self.push_messaging({"sender": {"id": psid}, "recipient": {"id": self.page_id},
                             "timestamp": int(self.clock() * 1000), "postback": postback})
        return message

    def customer_edits(self, name: str, mid: str, text: str, times: int = 1) -> None:
        psid = self.psid(name)
        self.push_messaging({"sender": {"id": psid}, "recipient": {"id": self.page_id},
                             "timestamp": int(self.clock() * 1000),
                             "message_edit": {"mid": mid, "text": text, "num_edit": times}})

    def customer_unsends(self, name: str, mid: str) -> None:
        psid = self.psid(name)
        self.push_messaging({"sender": {"id": psid}, "recipient": {"id": self.page_id},
                             "timestamp": int(self.clock() * 1000), "message": {"mid": mid, "is_deleted": True}})

    def _graph_time(self) -> str:
        return self.now().strftime("%Y-%m-%dT%H:%M:%S+0000")

    # -- Instagram ----------------------------------------------------------------------
    def ig_mentions_account(self, username: str, text: str, caption: bool = False,
                            comments_off: bool = False) -> dict:
        """Someone @-mentions the account in a comment on their own media (or
        in its caption): Meta sends only `media_id` (and `comment_id`)."""
        uid = self.ig_user(username)
        with self.lock:
            media = {"id": self.new_id(), "caption": text if caption else "my new post", "timestamp": self._ig_time(),
                     "owner": {"id": uid}, "username": username, "comments_off": comments_off,
                     "permalink": f"https://www.instagram.com/p/C{self.new_id()[-9:]}/"}
            self.ig_elsewhere[media["id"]] = media
            value = {"media_id": media["id"]}
            found = media
            if not caption:
                comment = {"id": self.new_id(), "text": text, "timestamp": self._ig_time(), "username": username,
                           "from": {"id": uid, "username": username}, "media_id": media["id"], "replies": []}
                self.ig_elsewhere[comment["id"]] = comment
                value["comment_id"] = comment["id"]
                found = comment
        self.ig_push({"object": "instagram", "entry": [{"id": self.ig_id, "time": int(self.clock()),
                                                        "changes": [{"field": "mentions", "value": value}]}]})
        return found

    def ig_customer_messages_standby(self, username: str, text: str) -> dict:
        """A DM while another app holds the conversation (handover protocol)."""
        return self.ig_customer_messages(username, text, under="standby")
