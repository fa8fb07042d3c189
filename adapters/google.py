"""Google Business Profile reviews of one account's locations: new and updated reviews by Pub/Sub push
(`/webhooks/google`, when GOOGLE_PUSH_* are set) and by polling each location's reviews, newest first, as the
fallback and the catch-up; a staff thread reply becomes the owner's reply to that review.

The API as Google documents it (developers.google.com/my-business, reference/rest/v4/accounts.locations.reviews;
content/review-data):
- GET  accounts/{a}/locations/{l}/reviews?pageSize (≤ 50)&pageToken&orderBy=updateTime desc → {reviews, averageRating,
  totalReviewCount, nextPageToken}; GET …/reviews/{r} → a Review {name, reviewId, reviewer{displayName,
  profilePhotoUrl, isAnonymous}, starRating ONE…FIVE, comment, createTime, updateTime, reviewReply{comment,
  updateTime}};
- PUT  …/reviews/{r}/reply {"comment"} (at most 4096 bytes) creates or replaces the one owner reply: idempotent, so a
  lost answer is settled by reading the review back; DELETE …/reviews/{r}/reply removes it;
- notifications (reference/notifications/rest/v1/NotificationSetting): NEW_REVIEW / UPDATED_REVIEW published to the
  account's Pub/Sub topic, naming the review (reviewName) and its location (locationName); a push subscription
  POSTs {"message": {"data": base64 of that JSON, "attributes", "messageId", "publishTime"}, "subscription"}
  with a Google-signed OIDC token (cloud.google.com/pubsub/docs/push).
A notification names the review only, so the review is read (one GET) after the push was answered. Google sends
nothing when a review is deleted: a review it no longer has — 404 on that read or on the read before a reply
(ReviewGone carries the removal), or missing from a location's whole list (FetchResult.listing) — is said as removed.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import json
import logging
import threading
from datetime import datetime, timedelta, timezone

import requests

from adapters._google_wire import (CertsCache, GoogleSettings, credentials, error_of, no_access_line, push_problem,
                                   read_settings)
from adapters._bearer import bearer_request
from adapters.base import (REVISED, ActionKind, AdapterError, AmbiguousSend, CredentialsRejected, Feed, FetchResult,
                           InboundPost, Listing, OutboundAction, PermanentSendError, PostGone, PostRef, RateLimited,
                           SentMessage, empty_reply_problem)

__all__ = ["GoogleAdapter", "GooglePushAdapter", "build", "read_settings"]
log = logging.getLogger(__name__)
LABEL = "Google"
STARS = {"ONE": 1, "TWO": 2, "THREE": 3, "FOUR": 4, "FIVE": 5}
PAGE_SIZE = 50          # the most reviews.list gives per page
MAX_PAGES = 10          # a catch-up reads at most this many pages per location per pass; the next goes on
MAX_REPLY_BYTES = 4096  # ReviewReply.comment: "The maximum length is 4096 bytes"
QUOTA_WINDOW = timedelta(minutes=1)   # Google's quotas are per minute (300 QPM by default)
EVENTS = {"NEW_REVIEW": None, "UPDATED_REVIEW": REVISED}
# The v4 API gives no public link per review: the owner's review list on Business Profile is where staff see it.
REVIEWS_PAGE = "https://business.google.com/reviews"
REPLACES = ("Google keeps one owner reply per review: the reply below replaces the earlier one (“{earlier}”) on "
            "Google as it goes out.")


def _time(value) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:   # RFC 3339 with up to nine fractional digits; Python reads six
        head, _, rest = value.replace("Z", "+00:00").partition(".")
        if rest:
            digits = len(rest) - len(rest.lstrip("0123456789"))
            value = f"{head}.{rest[:min(digits, 6)]}{rest[digits:]}"
        else:
            value = head
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


class ReviewGone(PostGone):
    """Google answered 404: the review is not there any more (the customer removed it)."""


def revision_key(name: str, review: dict) -> str:
    """A revision's id from what the reviewer can change (stars, text): the same revision
    seen by push and by polling is one post."""
    seen = f"{review.get('starRating') or ''}\x1f{review.get('comment') or ''}"
    return f"{name}:rev:{hashlib.sha256(seen.encode()).hexdigest()[:16]}"


class GoogleAdapter:
    platform = "google"
    label = LABEL
    private_label = LABEL

    def __init__(self, settings: GoogleSettings, timeout: float = 10.0):
        self._settings, self._timeout = settings, timeout
        self.clock = lambda: datetime.now(timezone.utc)
        self._http = requests.Session()
        self._credentials = credentials(settings)
        self._token_lock = threading.Lock()
        self._prefix = f"accounts/{settings.account_id}/locations/"

    # -- who --------------------------------------------------------------------------------------------------------
    @property
    def account_key(self) -> str:
        return f"{self.platform}:{self._settings.account_id}"

    def account_id(self) -> str:
        return self._settings.account_id

    def account_name(self) -> str:
        return f"Google Business Profile account {self._settings.account_id}"

    # -- reviews as posts -------------------------------------------------------------------------------------------
    def _ours(self, name) -> bool:
        """A review name of one of the configured locations: accounts/{a}/locations/{l}/reviews/{r}."""
        if not isinstance(name, str) or not name.startswith(self._prefix):
            return False
        parts = name.split("/")
        return len(parts) == 6 and parts[4] == "reviews" and parts[3] in self._settings.location_ids and bool(parts[5])

    def _post(self, review: dict, change: str | None) -> InboundPost | None:
        name = review.get("name")
        if not self._ours(name):
            log.info("Google review %s ignored: not a review of GBP_LOCATION_IDS", str(name)[:120])
            return None
        reviewer = review.get("reviewer") if isinstance(review.get("reviewer"), dict) else {}
        anonymous = reviewer.get("isAnonymous") is True
        shown = "An anonymous Google reviewer" if anonymous else (reviewer.get("displayName") or "A Google reviewer")
        external_id = (name if change is None else f"{name}:removed" if change == "removed"
                       else revision_key(name, review))
        try:
            return InboundPost(
                platform=self.platform, external_id=external_id, thread_id=name,
                # Google names no reviewer id: each review is its own customer (unrelated reviews never share a thread).
                author_id="review:" + hashlib.sha256(name.encode()).hexdigest()[:32], author_handle=str(shown)[:128],
                author_name=None, text=review.get("comment") or "",
                created_at=_time(review.get("updateTime")) if change else _time(review.get("createTime")),
                url=REVIEWS_PAGE, platform_label=LABEL, account=self._settings.account_id, change=change,
                rating=STARS.get(review.get("starRating")), location=f"location {name.split('/')[3]}")
        except ValueError as exc:
            log.warning("Google review %s skipped: %s", name[:120], exc)
            return None

    # -- polling ----------------------------------------------------------------------------------------------------
    def feeds(self) -> list[Feed]:
        return [Feed(f"{self.account_key}:{location}", f"Google reviews of location {location}",
                     lambda cursor, start, location=location: self.fetch_reviews(location, cursor, start))
                for location in self._settings.location_ids]

    def fetch_reviews(self, location: str, cursor: str | None, start_time: datetime | None) -> FetchResult:
        """Newest update first, page by page, down to the newest update an earlier pass saw (the cursor) or the
        backfill's start. A review new since then is one post; an older one updated since is its revision (each keyed
        by what it says, so one seen by push already changes nothing). When the pages read reach the list's end —
        every pass for a location of up to 50 reviews — they are the location's whole list: the Listing lets the
        poll find reviews deleted since (Google sends no notification for a deletion) and ones back."""
        since = _time(cursor) or start_time
        found: list[InboundPost] = []
        listed: dict[str, dict] = {}
        newest, token, older = cursor, None, False
        for _ in range(MAX_PAGES):
            params = {"pageSize": PAGE_SIZE, "orderBy": "updateTime desc", **({"pageToken": token} if token else {})}
            body = self._call("GET", f"/{self._prefix}{location}/reviews", params=params)
            for review in (r for r in body.get("reviews") or [] if isinstance(r, dict)):
                if isinstance(review.get("name"), str):
                    listed[review["name"]] = review
                created = _time(review.get("createTime"))
                updated = _time(review.get("updateTime")) or created
                if updated and (newest is None or updated > _time(newest)):
                    newest = updated.isoformat()
                if older or (since and updated and updated < since):   # strictly older: the cursor's second may be new
                    older = True
                    continue
                revised = None not in (created, updated) and updated != created
                # Written after the cursor: new to us (its latest text is its first post). At the cursor's own
                # time it was on the page that set the cursor, so a later update is a revision.
                new_to_us = since is None or created is None or created > since
                post = self._post(review, REVISED if revised and not new_to_us else None)
                if post is not None:
                    found.append(post)
            token = body.get("nextPageToken")
            if older or not token:
                break
        found.sort(key=lambda p: p.created_at or datetime.min.replace(tzinfo=timezone.utc))
        return FetchResult(found, newest, None, listing=None if token else self._listing(location, listed))

    def _listing(self, location: str, listed: dict[str, dict]) -> Listing:
        present = {name: post for name, review in listed.items() if (post := self._post(review, REVISED)) is not None}
        return Listing(self.platform, self._settings.account_id, f"{self._prefix}{location}/reviews/", present,
                       lambda name: self._post({"name": name}, "removed"))

    # -- replies ----------------------------------------------------------------------------------------------------
    def measure(self, text: str, kind: ActionKind) -> tuple[int, int]:
        return len(text.encode("utf-8")), MAX_REPLY_BYTES

    def check_reply(self, text: str, kind: ActionKind = ActionKind.REPLY, about: PostRef | None = None) -> str | None:
        if kind is not ActionKind.REPLY:
            return "Google reviews have no private messages: a reply in this thread becomes the public owner reply."
        used, most = self.measure(text, kind)
        if used > most:
            return (f"Google takes an owner reply of at most {most} bytes; this one has {used}. "
                    "Shorten it and post it again in this thread.")
        return empty_reply_problem(text)

    def target_for(self, kind: ActionKind, post: PostRef) -> str:
        return post.external_id.split(":", 1)[0]   # a revision's or removal's id starts with the review's name

    def send_reply(self, action: OutboundAction) -> SentMessage:
        """PUT is the whole reply: the same text twice is one reply, another text replaces it (the thread was told
        first, see replaces). The review is read first: our text already there is an earlier attempt's (sent), and a
        reply written after this one was queued is newer — a retried older reply never overwrites it."""
        found = self._settled(action)
        if found is not None:
            return found
        self._call("PUT", f"/{action.target}/reply", json={"comment": action.text}, sending=True)
        return self._sent(action)

    def _settled(self, action: OutboundAction) -> SentMessage | None:
        try:
            reply = self._call("GET", f"/{action.target}", for_send=True).get("reviewReply")
        except ReviewGone as exc:   # Google sends nothing when a review is deleted: this read is how we learn it
            raise ReviewGone(str(exc), self._post({"name": action.target}, "removed")) from None
        text = reply.get("comment") if isinstance(reply, dict) else None
        if isinstance(text, str) and text.strip() == action.text.strip():
            return self._sent(action)
        written = _time(reply.get("updateTime")) if isinstance(reply, dict) else None
        if text and written and action.queued_at and written > action.queued_at:
            raise PermanentSendError("A newer owner reply is on Google now (written after this one), so this one was "
                                     "not sent over it. Post it again in this thread if it should replace that one.")
        return None

    def replaces(self, earlier: str) -> str:
        return REPLACES.format(earlier=earlier if len(earlier) <= 120 else earlier[:119] + "…")

    def find_sent(self, action: OutboundAction) -> SentMessage | None:
        return self._settled(action)

    def remove_reply(self, review_name: str, text: str) -> bool:
        """DELETE the owner reply when it is still `text` (staff deleted that reply in Slack): True when Google no
        longer shows it. Another text there is a later reply, left alone (False)."""
        current = _reply_text(self._call("GET", f"/{review_name}", for_send=True))
        if current is None:
            return True
        if current.strip() != text.strip():
            return False
        self._call("DELETE", f"/{review_name}/reply", for_send=True)
        return True

    def _sent(self, action: OutboundAction) -> SentMessage:
        key = hashlib.sha256(action.idempotency_key.encode()).hexdigest()[:16]   # the reply has no id of its own
        return SentMessage(f"{action.target}:reply:{key}", REVIEWS_PAGE)

    # -- start-up ---------------------------------------------------------------------------------------------------
    def check_access(self) -> None:
        """One call at start: a project Google has not approved, or an identity that does not manage the account,
        stops the command with one line. An outage is not a setup mistake: the passes retry it."""
        location = self._settings.location_ids[0]
        try:
            self._call("GET", f"/{self._prefix}{location}/reviews", params={"pageSize": 1}, at_start=True)
        except (AdapterError, RateLimited) as exc:
            log.warning("Google Business Profile did not answer the start-up check (%s); starting anyway", exc)

    # -- HTTP -------------------------------------------------------------------------------------------------------
    def _call(self, method: str, path: str, sending: bool = False, for_send: bool = False, at_start: bool = False,
              **kwargs) -> dict:
        response = bearer_request(self._http, method, self._settings.api_url + path,
                                  lambda renew: self._access_token(renew=renew), self._timeout,
                                  "Google Business Profile", sending, **kwargs)
        return self._answer(response, sending, for_send or sending, at_start)

    def _answer(self, response: requests.Response, sending: bool, for_send: bool, at_start: bool) -> dict:
        status = response.status_code
        if status < 300:
            try:
                body = response.json() if response.content else {}
            except ValueError:
                body = {}
            return body if isinstance(body, dict) else {}
        word, why, zero_quota = error_of(response)
        no_access = no_access_line(status, word, why, zero_quota)
        if no_access and (at_start or not for_send):
            raise CredentialsRejected(no_access)
        if status == 429:
            raise RateLimited(self.clock() + QUOTA_WINDOW, f"Google quota ({why[:120]})")
        if status >= 500:
            raise (AmbiguousSend if sending else AdapterError)(f"Google answered {status} ({word}: {why[:160]})")
        if status == 401:
            raise CredentialsRejected(f"Google refused the access token ({why[:160]}): check GOOGLE_* credentials")
        if not for_send:
            raise AdapterError(f"Google answered {status} ({word}: {why[:160]})")
        if status == 404:
            raise ReviewGone("Google does not know this review any more: the customer may have removed it. "
                                     "Nothing was sent.")
        raise PermanentSendError(f"Google refused it ({status} {word}: {why[:200]}). Nothing was sent.")

    def _access_token(self, renew: bool = False) -> str:
        from google.auth import exceptions
        from google.auth.transport.requests import Request
        with self._token_lock:
            if renew or not self._credentials.valid:
                try:
                    self._credentials.refresh(Request(self._http))
                except exceptions.RefreshError as exc:
                    raise CredentialsRejected(f"Google refused the credentials (GOOGLE_*): {_first_line(exc)}") \
                        from None
                except exceptions.TransportError as exc:
                    raise AdapterError(f"Google's token endpoint unreachable ({_first_line(exc)})") from None
            return self._credentials.token


class GooglePushAdapter(GoogleAdapter):
    """Google with Pub/Sub push on: the same adapter, and a route. Without GOOGLE_PUSH_* the route stays absent."""
    webhook_name = "google"

    def __init__(self, settings: GoogleSettings, timeout: float = 10.0):
        super().__init__(settings, timeout)
        self._certs = CertsCache(requests.Session())

    def handshake(self, query) -> tuple[int, dict | str]:
        return 405, {"ok": False, "error": "Pub/Sub push sends no subscription check; messages are POSTed"}

    def verify_webhook(self, headers, body: bytes) -> bool:
        problem = push_problem(self._settings, self._certs, headers.get("Authorization", ""))
        if problem:
            log.warning("Google push refused: %s", problem)
        return problem is None

    def parse_webhook(self, payload: dict) -> list[InboundPost]:
        """The review a Business Profile notification names, read now (after the push was answered). Google
        failing here raises: the delivery is kept and read again with backoff."""
        note = _notification(payload)
        if note is None:
            return []
        kind = note.get("type") or note.get("notificationType")
        name = note.get("reviewName") or note.get("review_name") or note.get("review")
        if kind not in EVENTS:
            log.info("Google notification %r ignored (not a new or updated review)", str(kind)[:60])
            return []
        if not self._ours(name):
            log.info("Google notification about %s ignored: not a review of GBP_LOCATION_IDS", str(name)[:120])
            return []
        try:
            review = self._call("GET", f"/{name}", for_send=True)
        except ReviewGone as exc:   # gone before we read it
            log.info("Google review %s could not be read (%s): said as removed", name[:120], exc)
            return [post for post in [self._post({"name": name}, "removed")] if post]
        if not review.get("name"):
            review = {**review, "name": name}
        revised = EVENTS[kind] and review.get("updateTime") not in (None, review.get("createTime"))
        post = self._post(review, REVISED if revised else None)
        return [post] if post else []


def _notification(payload: dict) -> dict | None:
    message = payload.get("message")
    data = message.get("data") if isinstance(message, dict) else None
    if not isinstance(data, str):
        log.info("Google push without message.data ignored (not a Pub/Sub push of a notification)")
        return None
    try:
        note = json.loads(base64.b64decode(data, validate=False))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        note = None
    if not isinstance(note, dict):
        log.info("Google push %s ignored: its data is not a Business Profile notification (JSON)",
                 str(message.get("messageId") or message.get("message_id") or "")[:40])
        return None
    return note


def _reply_text(review: dict) -> str | None:
    reply = review.get("reviewReply")
    text = reply.get("comment") if isinstance(reply, dict) else None
    return text if isinstance(text, str) else None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else type(exc).__name__


def build(settings: GoogleSettings) -> GoogleAdapter:
    return GooglePushAdapter(settings) if settings.push else GoogleAdapter(settings)
