"""Trustpilot service reviews of one business unit: new, revised and deleted reviews by Trustpilot's webhooks
(`/webhooks/trustpilot`) and by polling the business unit's private reviews list; a staff thread reply becomes the
company reply to that review.

The API as Trustpilot documents it (https://developers.trustpilot.com, and Trustpilot's own Bruno collection,
github.com/trustpilot/documentation-bruno-collection, "Trustpilot APIs/"):
- a business user token: POST /v1/oauth/oauth-business-users-for-applications/accesstoken, HTTP Basic with the API
  key and secret, form grant_type=password&username&password; renewed at …/refresh with grant_type=refresh_token;
- reviews: GET /v1/private/business-units/{id}/reviews (orderBy=createdat.desc by default, page, perPage ≤ 100;
  a page past the last is an empty list);
- the company reply: POST /v1/private/reviews/{id}/reply {"authorBusinessUserId", "message"}; the review read back
  (GET /v1/private/reviews/{id}) carries it as companyReply.text, which is how an ambiguous answer is settled;
- webhooks: {"events": [{"eventName": "service-review-created|updated|deleted", "eventData": {…}}]} POSTed to the
  subscription URL the business sets in Trustpilot Business (Integrations › Developers › Webhooks). Trustpilot
  documents no signature: the subscription URL is the only secret it carries, so TRUSTPILOT_WEBHOOK_SECRET rides
  in it as the URL's basic-auth password (https://trustpilot:SECRET@host/webhooks/trustpilot), which HTTP clients
  send as an Authorization: Basic header; a delivery without it is refused.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import requests

from adapters._bearer import bearer_request
from adapters.base import (REVISED, ActionKind, AdapterError, AmbiguousSend, CredentialsRejected, Feed, FetchResult,
                           InboundPost, OutboundAction, PermanentSendError, PostGone, PostRef, RateLimit, RateLimited,
                           SentMessage, empty_reply_problem)
from bot.env import EnvReader

log = logging.getLogger(__name__)
LABEL = "Trustpilot"
# The public page of a review (the API's own `link`s point at api.trustpilot.com, which people cannot read).
REVIEW_PAGE = "https://www.trustpilot.com/reviews/"
PER_PAGE = 100          # the most Trustpilot gives per page
MAX_PAGES = 10          # a backfill reads at most this many pages per pass; the next pass goes on from the cursor
TOKEN_MARGIN = timedelta(minutes=5)
POLL_PACE = timedelta(minutes=5)
EVENTS = {"service-review-created": None, "service-review-updated": REVISED, "service-review-deleted": "removed"}
REPLACES = ("Trustpilot keeps one company reply per review: the reply below replaces the earlier one "
            "(“{earlier}”) on the review's public page as it goes out.")


@dataclass(frozen=True)
class TrustpilotSettings:
    api_url: str                # …/v1
    api_key: str
    api_secret: str
    business_unit_id: str
    username: str
    password: str
    business_user_id: str | None
    webhook_secret: str | None


def read_settings(reader: EnvReader) -> TrustpilotSettings | None:
    names = ("TRUSTPILOT_API_KEY", "TRUSTPILOT_API_SECRET", "TRUSTPILOT_BUSINESS_UNIT_ID", "TRUSTPILOT_USERNAME",
             "TRUSTPILOT_PASSWORD")
    values = [reader.text(name) for name in names]
    api_url = reader.url("TRUSTPILOT_API_URL", "https://api.trustpilot.com/v1") or ""
    if not all(values):
        return None
    return TrustpilotSettings(api_url.rstrip("/"), *values, reader.text("TRUSTPILOT_BUSINESS_USER_ID"),
                              reader.text("TRUSTPILOT_WEBHOOK_SECRET"))


def _time(value) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def revision_key(review_id: str, review: dict) -> str:
    """A revision's id, from what the customer can change (stars, title, text):
    the same revision seen by webhook and by polling is one post."""
    seen = "\x1f".join(str(review.get(k) or "") for k in ("stars", "title", "text"))
    return f"{review_id}:rev:{hashlib.sha256(seen.encode()).hexdigest()[:16]}"


class TrustpilotAdapter:
    platform = "trustpilot"
    label = LABEL
    private_label = LABEL
    webhook_name = "trustpilot"

    def __init__(self, settings: TrustpilotSettings, timeout: float = 10.0):
        self._settings, self._timeout = settings, timeout
        self.clock = lambda: datetime.now(timezone.utc)
        self._http = requests.Session()
        self._token: tuple[str, str | None, datetime] | None = None   # access, refresh, expires
        self._token_lock = threading.Lock()

    # -- who --------------------------------------------------------------------------------------------------------
    @property
    def account_key(self) -> str:
        return f"{self.platform}:{self._settings.business_unit_id}"

    def account_id(self) -> str:
        return self._settings.business_unit_id

    def account_name(self) -> str:
        return f"Trustpilot business unit {self._settings.business_unit_id}"

    # -- reviews as posts -------------------------------------------------------------------------------------------
    def _post(self, review: dict, change: str | None) -> InboundPost | None:
        review_id = review.get("id")
        if not isinstance(review_id, str) or not review_id:
            log.info("Trustpilot review without an id; ignored (nothing to key it by)")
            return None
        consumer = review.get("consumer") if isinstance(review.get("consumer"), dict) else {}
        name = consumer.get("displayName") or consumer.get("name") or "A Trustpilot reviewer"
        location = review.get("location")
        where = (location.get("name") or location.get("id")) if isinstance(location, dict) else review.get("locationId")
        stars = review.get("stars")
        external_id = (review_id if change is None else f"{review_id}:removed" if change == "removed"
                       else revision_key(review_id, review))
        try:
            return InboundPost(
                platform=self.platform, external_id=external_id, thread_id=review_id,
                # Without a consumer id each review is its own customer: unrelated reviews never share a thread.
                author_id=str(consumer.get("id") or f"review:{review_id}"), author_handle=str(name)[:128],
                author_name=None, text=review.get("text") or "",
                # A revision or removal happened when Trustpilot says it did, or (a webhook naming no time) now.
                created_at=_time(review.get("updatedAt")) if change else _time(review.get("createdAt")),
                url=REVIEW_PAGE + review_id, platform_label=LABEL, account=self._settings.business_unit_id,
                change=change, rating=stars if isinstance(stars, int) and 1 <= stars <= 5 else None,
                title=review.get("title") if isinstance(review.get("title"), str) else None,
                location=where if isinstance(where, str) else None)
        except ValueError as exc:
            log.warning("Trustpilot review %s skipped: %s", review_id[:80], exc)
            return None

    # -- webhooks ---------------------------------------------------------------------------------------------------
    def handshake(self, query) -> tuple[int, dict | str]:
        return 405, {"ok": False, "error": "Trustpilot sends no subscription check; deliveries are POSTed"}

    def verify_webhook(self, headers, body: bytes) -> bool:
        """The basic-auth password of the subscription URL, in constant time."""
        secret = self._settings.webhook_secret
        given = headers.get("Authorization", "")
        if not secret or not given.lower().startswith("basic "):
            return False
        try:
            _, _, password = base64.b64decode(given[6:].strip(), validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return False
        return hmac.compare_digest(password.encode(), secret.encode())

    def parse_webhook(self, payload: dict) -> list[InboundPost]:
        posts = []
        events = payload.get("events")
        for event in events if isinstance(events, list) else []:
            if not isinstance(event, dict) or event.get("eventName") not in EVENTS:
                log.info("Trustpilot webhook event %r ignored (not a service review event)",
                         str(event.get("eventName"))[:60] if isinstance(event, dict) else type(event).__name__)
                continue
            data = event.get("eventData")
            post = self._post(data, EVENTS[event["eventName"]]) if isinstance(data, dict) else None
            if post is not None:
                posts.append(post)
        return posts

    # -- polling ----------------------------------------------------------------------------------------------------
    def feeds(self) -> list[Feed]:
        return [Feed(self.account_key, "Trustpilot reviews", self.fetch_reviews)]

    def fetch_reviews(self, cursor: str | None, start_time: datetime | None) -> FetchResult:
        """Newest first, page by page, down to the newest review an earlier pass saw (the cursor) or the
        backfill's start. The first page is read whole every time: a revision of a recent review is caught
        there even when its webhook was lost (each revision is keyed by its content, so seen ones change nothing)."""
        since = _time(cursor) or start_time
        found: list[InboundPost] = []
        newest = cursor
        for page in range(1, MAX_PAGES + 1):
            body = self._call("GET", f"/private/business-units/{self._settings.business_unit_id}/reviews",
                              params={"orderBy": "createdat.desc", "page": page, "perPage": PER_PAGE})
            reviews = [r for r in (body.get("reviews") or []) if isinstance(r, dict)]
            older = False
            for review in reviews:
                created = _time(review.get("createdAt"))
                if created and (newest is None or created > _time(newest)):
                    newest = created.isoformat()
                updated = _time(review.get("updatedAt"))
                revised = updated not in (None, created)
                # Strictly older: a review of the cursor's own second may be new (seen ones change nothing).
                if since and created and created < since:
                    older = True
                    # Seen by an earlier pass (or before the backfill): only a revision since the cursor is news —
                    # one made before it was on the page the pass that set the cursor read.
                    if page > 1 or cursor is None or not revised or updated < since:
                        continue
                post = self._post(review, REVISED if revised else None)
                if post is not None:
                    found.append(post)
            if older or len(reviews) < PER_PAGE:
                break
        found.sort(key=lambda p: p.created_at or datetime.min.replace(tzinfo=timezone.utc))
        # Trustpilot counts calls per year, not per window: the API module's first tier allows 200,000
        # (about one every 2.6 minutes). Polling every POLL_PACE keeps a pass to ~105,000 a year, leaving the rest
        # for replies and their look-ups; webhooks carry the news in between.
        return FetchResult(found, newest, RateLimit(1, self.clock() + POLL_PACE))

    # -- replies ----------------------------------------------------------------------------------------------------
    def check_reply(self, text: str, kind: ActionKind = ActionKind.REPLY, about: PostRef | None = None) -> str | None:
        if kind is not ActionKind.REPLY:
            return "Trustpilot has no private messages: a reply in this thread becomes the public company reply."
        return empty_reply_problem(text)

    def target_for(self, kind: ActionKind, post: PostRef) -> str:
        return post.external_id.split(":", 1)[0]   # a revision's or removal's id starts with the review's

    def _review(self, review_id: str) -> dict:
        try:
            return self._call("GET", f"/private/reviews/{review_id}", for_send=True)
        except PostGone as exc:   # its deletion webhook lost (or never subscribed): this read is how we learn it
            raise PostGone(str(exc), self._post({"id": review_id}, "removed")) from None

    def send_reply(self, action: OutboundAction) -> SentMessage:
        """One company reply per review: what is there is read first — our own text already there is the reply
        an earlier attempt made (nothing sent twice); another text is replaced (the thread was told: replaces)."""
        earlier = _reply_text(self._review(action.target))
        sent = self._sent(action)
        if earlier is not None and earlier.strip() == action.text.strip():
            return sent
        body = {"message": action.text}
        if self._settings.business_user_id:
            body["authorBusinessUserId"] = self._settings.business_user_id
        self._call("POST", f"/private/reviews/{action.target}/reply", json=body, sending=True)
        if earlier:  # the thread was told before (replaces); the log keeps what was there
            log.info("Trustpilot review %s: company reply replaced (it read “%s”)", action.target, earlier[:200])
        return sent

    def replaces(self, earlier: str) -> str:
        return REPLACES.format(earlier=earlier if len(earlier) <= 120 else earlier[:119] + "…")

    def find_sent(self, action: OutboundAction) -> SentMessage | None:
        text = _reply_text(self._review(action.target))
        return self._sent(action) if text is not None and text.strip() == action.text.strip() else None

    def _sent(self, action: OutboundAction) -> SentMessage:
        # The reply has no id of its own: the review's, plus which staff message it was.
        key = hashlib.sha256(action.idempotency_key.encode()).hexdigest()[:16]
        return SentMessage(f"{action.target}:reply:{key}", REVIEW_PAGE + action.target)

    # -- HTTP -------------------------------------------------------------------------------------------------------
    def _call(self, method: str, path: str, sending: bool = False, for_send: bool = False, **kwargs) -> dict:
        """sending: the request may change the review (a lost answer is ambiguous); for_send: part of sending a
        reply, so a refusal is said to staff (PermanentSendError) rather than retried like a poll's."""
        response = bearer_request(self._http, method, self._settings.api_url + path,
                                  lambda renew: self._access_token(renew=renew), self._timeout, "Trustpilot",
                                  sending, **kwargs)
        return self._answer(response, sending, for_send or sending)

    def _answer(self, response: requests.Response, sending: bool, for_send: bool) -> dict:
        status = response.status_code
        if status < 300:
            try:
                body = response.json() if response.content else {}
            except ValueError:
                body = {}
            return body if isinstance(body, dict) else {}
        why = _error_text(response)
        if status == 429:
            retry = response.headers.get("Retry-After", "60")
            wait = int(retry) if retry.isdigit() else 60
            raise RateLimited(self.clock() + timedelta(seconds=wait), f"Trustpilot rate limit ({why})")
        if status >= 500:
            raise (AmbiguousSend if sending else AdapterError)(f"Trustpilot answered {status} ({why})")
        if status == 401:
            raise CredentialsRejected(f"Trustpilot refused the business user's token ({why}): check TRUSTPILOT_* "
                                      "credentials and that the user may manage this business unit")
        if not for_send:
            raise AdapterError(f"Trustpilot answered {status} ({why})")
        if status == 404:
            raise PostGone(f"Trustpilot does not know this review any more ({why}): it may have been "
                                     "removed. Nothing was sent.")
        raise PermanentSendError(f"Trustpilot refused it ({status}: {why}). Nothing was sent.")

    def _access_token(self, renew: bool = False) -> str:
        with self._token_lock:
            now = self.clock()
            if self._token and not renew and now < self._token[2] - TOKEN_MARGIN:
                return self._token[0]
            refresh = self._token[1] if self._token else None
            form = ({"grant_type": "refresh_token", "refresh_token": refresh} if refresh else
                    {"grant_type": "password", "username": self._settings.username,
                     "password": self._settings.password})
            body = self._token_call("refresh" if refresh else "accesstoken", form)
            if body is None and refresh:   # a refresh token past its life: log in again
                body = self._token_call("accesstoken", {"grant_type": "password", "username": self._settings.username,
                                                        "password": self._settings.password})
            if body is None or not isinstance(body.get("access_token"), str):
                raise CredentialsRejected("Trustpilot refused the API key, secret, username or password "
                                          "(TRUSTPILOT_*): no business user token")
            try:
                lifetime = int(body.get("expires_in") or 3600)   # Trustpilot sends it as text
            except (TypeError, ValueError):
                lifetime = 3600
            self._token = (body["access_token"], body.get("refresh_token"), now + timedelta(seconds=lifetime))
            return self._token[0]

    def _token_call(self, which: str, form: dict) -> dict | None:
        try:
            response = self._http.post(f"{self._settings.api_url}/oauth/oauth-business-users-for-applications/{which}",
                                       data=form, auth=(self._settings.api_key, self._settings.api_secret),
                                       timeout=self._timeout)
        except requests.RequestException as exc:
            raise AdapterError(f"Trustpilot token endpoint unreachable ({type(exc).__name__})") from None
        if response.status_code >= 500:
            raise AdapterError(f"Trustpilot token endpoint answered {response.status_code}")
        if response.status_code >= 400:
            log.warning("Trustpilot token %s refused: %s", which, _error_text(response))
            return None
        try:
            body = response.json()
        except ValueError:
            return None
        return body if isinstance(body, dict) else None


def _reply_text(review: dict) -> str | None:
    reply = review.get("companyReply")
    text = reply.get("text") if isinstance(reply, dict) else None
    return text if isinstance(text, str) else None


def _error_text(response: requests.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:200] or response.reason or str(response.status_code)
    if isinstance(body, dict):
        for key in ("message", "error_description", "error", "details"):
            if isinstance(body.get(key), str):
                return body[key][:200]
    return str(body)[:200]
