"""Yelp reviews of the configured businesses, polled through the Yelp Places API; where the business has Yelp's
Respond-to-Reviews (R2R) partner access, a staff thread reply becomes the public business response to the review.

As Yelp documents it (docs.developer.yelp.com):
- GET /v3/businesses/{id}/reviews (Bearer API key): "up to three review excerpts" per business, asked newest
  first (sort_by=newest; Yelp's default order is its own ranking, where a new review may never show; a key Yelp
  refuses it for falls back to that order, said once in the log) — `text` cut (~160 characters and "..."), `url` to the full review, `time_created` "YYYY-MM-DD HH:MM:SS" in
  the business's local time, no zone. GET /v3/businesses/{id}: name and address. Errors {"error": {"code",
  "description"}}: TOKEN_INVALID (401), BUSINESS_NOT_FOUND (404), TOO_MANY_REQUESTS_PER_SECOND and
  ACCESS_LIMIT_REACHED (429). The daily quota (docs/places-rate-limiting: 300 calls a day on the Starter trial, more
  on paid plans; the old Fusion free plan gave 5,000) resets at midnight UTC; every answer carries
  RateLimit-Remaining and RateLimit-ResetTime, and polling spreads what is left of the day over the businesses.
- R2R (docs/respond-to-reviews-api-v2, a partner API, "access is disabled by default"): POST
  https://partner-api.yelp.com/reviews/v1/{review_id} {"response_text", "response_type": "public_comment"} with a
  business owner's token; errors {"error": {"id", "description", "http_code"}}; at most 5,000 characters, no emoji,
  20 responses per location per owner a day. The owner authorizes the app once (Authorization Code Workflow); the
  app keeps the refresh token (365 days) and gets 7-day access tokens with grant_type=refresh_token at POST
  https://api.yelp.com/oauth2/token ("get access token v2", docs/refresh-tokens: it keeps the refresh token, where
  v3 would rotate it) — on the API host: partner-api.yelp.com documents only the deprecated /token/v1/refresh.
- Yelp documents no way to read a business response back, so a lost answer cannot be settled by a look: the reply
  is never sent again and staff are told to check (the core's UnconfirmedSend for an adapter that is no SentFinder).
"""
from __future__ import annotations

import hashlib
import json
import logging
import re
import threading
from datetime import datetime, timedelta, timezone
from urllib.parse import quote
from zoneinfo import ZoneInfo

import requests

from adapters.base import (READ_ONLY, REVISED, ActionKind, AdapterError, AmbiguousSend, Attachment,
                           CredentialsRejected, Feed, FetchResult, InboundPost, OutboundAction, PermanentSendError,
                           PostRef, RateLimit, RateLimited, SentMessage, empty_reply_problem)
from adapters._yelp_wire import YelpSettings, content_key, error_of, load_seen, next_midnight, parse_reset

log = logging.getLogger(__name__)
LABEL = "Yelp"
BIZ_SITE = "https://biz.yelp.com"
MIN_PACE = timedelta(minutes=5)      # reviews arrive slowly; three excerpts need no faster look
UNKNOWN_PACE = timedelta(minutes=15)  # an answer without quota headers: assume little
RESERVE = 5                          # calls of the day left for business look-ups after a restart
SEEN_KEPT = 50                       # reviews remembered per business (the page shows three)
MAX_RESPONSE = 5000
TOKEN_MARGIN = timedelta(hours=1)
# Yelp's R2R "does not currently support" emoji: pictographs, dingbats, flags and the variation selector.
_EMOJI = re.compile("[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\uFE0F\U000E0020-\U000E007F]")
EXCERPT = "Yelp's API gives only an excerpt of each review; the full review is on Yelp"
NO_PARTNER = ("Yelp lets only Respond-to-Reviews partners post a business response from an app, and this desk has "
              "no partner access: answer on Yelp for Business (" + BIZ_SITE + "). A reply in this thread stays an "
              "internal note.")
REPLACES = ("Yelp keeps one public business response per review: the reply below is sent as this review's "
            "response after the earlier one (“{earlier}”); Yelp's API does not say whether it replaces it.")


def build(settings: YelpSettings) -> "YelpAdapter":
    """With partner access the adapter is a Replier; without, it is not, and the core keeps staff replies as notes."""
    return YelpPartnerAdapter(settings) if settings.partner else YelpAdapter(settings)


class SortRefused(AdapterError):
    """Yelp refused sort_by=newest (a VALIDATION_ERROR naming it): read in Yelp's own order from then on."""


class UnknownBusiness(AdapterError):
    """A configured business id Yelp does not know: only that business's feed stops (and backs off)."""


class YelpAdapter:
    platform = "yelp"
    label = LABEL
    private_label = LABEL
    responds = False   # a staff reply can be the review's public response (Respond-to-Reviews access)

    def __init__(self, settings: YelpSettings, timeout: float = 10.0):
        self._settings, self._timeout = settings, timeout
        self._zone = ZoneInfo(settings.zone)
        self.clock = lambda: datetime.now(timezone.utc)
        self._http = requests.Session()
        self._places: dict[str, str | None] = {}   # business id → "Name, City", looked up once per process
        self._newest = True   # sort_by=newest, until Yelp refuses it for this key (then Yelp's own order)

    # -- who --------------------------------------------------------------------------------------------------------
    @property
    def account_key(self) -> str:
        return f"{self.platform}:{self._settings.business_ids[0]}"

    def account_id(self) -> str:
        return self._settings.business_ids[0]

    def account_name(self) -> str:
        return "Yelp businesses " + ", ".join(self._settings.business_ids)

    # -- polling ----------------------------------------------------------------------------------------------------
    def feeds(self) -> list[Feed]:
        # One feed per business: its own cursor, and a failure (an unknown id) stops only that business.
        return [Feed(f"{self.platform}:{business}", f"Yelp reviews of {business}",
                     lambda cursor, start, business=business: self.fetch_reviews(business, cursor, start))
                for business in self._settings.business_ids]

    def fetch_reviews(self, business: str, cursor: str | None, start_time: datetime | None) -> FetchResult:
        """The three excerpts Yelp gives, each shown once: the cursor remembers each review's id and content, so
        the same review on the next poll is nothing new and an edited one (stars or text) is a revision."""
        seen = load_seen(cursor)
        where = self._place(business)
        path = f"/v3/businesses/{quote(business, safe='')}/reviews"
        try:
            # Yelp's default order ranks by its own relevance: a new review could stay out of the three for good.
            body, headers = self._get(path, business, {"sort_by": "newest"} if self._newest else None)
        except SortRefused:
            self._newest = False
            log.warning("Yelp refused sort_by=newest for reviews: reading Yelp's own order, so a new review shows "
                        "only once Yelp ranks it among the three it gives")
            body, headers = self._get(path, business)
        reviews = [r for r in (body.get("reviews") or []) if isinstance(r, dict)]
        found = []
        for review in reviews:
            review_id = review.get("id")
            if not isinstance(review_id, str) or not review_id:
                log.info("Yelp review of %s without an id; ignored (nothing to key it by)", business)
                continue
            key, before = content_key(review), seen.get(review_id)
            if key == before:
                continue
            seen.pop(review_id, None)
            seen[review_id] = key
            created = self._time(review.get("time_created"))
            if before is None and cursor is None and start_time and created and created < start_time:
                continue   # before the backfill's start: seen, not shown
            post = self._post(business, where, review, None if before is None else REVISED, created)
            if post is not None:
                found.append(post)
        kept = dict(list(seen.items())[-SEEN_KEPT:])
        return FetchResult(found, json.dumps(kept, separators=(",", ":")), self._pace(headers))

    def _post(self, business: str, where: str | None, review: dict, change: str | None,
              created: datetime | None) -> InboundPost | None:
        review_id = review["id"]
        user = review.get("user") if isinstance(review.get("user"), dict) else {}
        rating = review.get("rating")
        url = review.get("url") if isinstance(review.get("url"), str) else None
        attachments = [Attachment("link", url, EXCERPT)] if url else []
        if not self.responds:
            attachments.append(Attachment(READ_ONLY, None, NO_PARTNER))
        try:
            return InboundPost(
                platform=self.platform,
                external_id=review_id if change is None else f"{review_id}:rev:{content_key(review)}",
                thread_id=review_id,
                # Without a user id each review is its own customer: unrelated reviews never share a thread.
                author_id=str(user.get("id") or f"review:{review_id}"),
                author_handle=str(user.get("name") or "A Yelp reviewer")[:128], author_name=None,
                text=review.get("text") if isinstance(review.get("text"), str) else "",
                # Yelp gives no time for an edit: a revision's wait starts when the desk saw it.
                created_at=self.clock() if change else created, url=url, platform_label=LABEL,
                account=business, change=change,
                rating=rating if type(rating) is int and 1 <= rating <= 5 else None, location=where,
                attachments=tuple(attachments))
        except ValueError as exc:
            log.warning("Yelp review %s skipped: %s", review_id[:80], exc)
            return None

    def _time(self, value) -> datetime | None:
        """The business's local wall time, made UTC. A zone set wrongly could put it in the future: never later
        than now, so a wait never starts after the desk saw the review."""
        if not isinstance(value, str):
            return None
        try:
            local = datetime.strptime(value, "%Y-%m-%d %H:%M:%S").replace(tzinfo=self._zone)
        except ValueError:
            return None
        return min(local.astimezone(timezone.utc), self.clock())

    def _place(self, business: str) -> str | None:
        """The business's name and city (shown as the review's location), once per process. A refused look-up
        stops the pass (the reviews call would fail the same way); an outage only leaves the location out."""
        if business in self._places:
            return self._places[business]
        try:
            body, _ = self._get(f"/v3/businesses/{quote(business, safe='')}", business)
        except (RateLimited, UnknownBusiness):
            raise
        except AdapterError as exc:
            log.warning("Yelp business %s: its name was not looked up (%s); shown without it", business, exc)
            return None
        location = body.get("location") if isinstance(body.get("location"), dict) else {}
        parts = [p for p in (body.get("name"), location.get("city")) if isinstance(p, str) and p]
        self._places[business] = ", ".join(parts) or None
        return self._places[business]

    def _pace(self, headers) -> RateLimit:
        """The day's remaining calls shared by the businesses, spread over what is left of the day."""
        now = self.clock()
        remaining = headers.get("RateLimit-Remaining", "")
        if not remaining.isdigit():
            return RateLimit(1, now + UNKNOWN_PACE)
        reset = parse_reset(headers.get("RateLimit-ResetTime")) or next_midnight(now)
        share = (int(remaining) - RESERVE) // len(self._settings.business_ids)
        if share <= 0:
            return RateLimit(0, reset)
        return RateLimit(1, now + max(MIN_PACE, (reset - now) / share))

    def _get(self, path: str, business: str, params: dict | None = None) -> tuple[dict, dict]:
        try:
            response = self._http.get(self._settings.api_url + path, timeout=self._timeout, params=params,
                                      headers={"Authorization": f"Bearer {self._settings.api_key}"})
        except requests.RequestException as exc:
            raise AdapterError(f"Yelp unreachable ({type(exc).__name__})") from None
        if response.status_code < 300:
            try:
                body = response.json()
            except ValueError:
                raise AdapterError("Yelp answered something that is not JSON") from None
            return (body if isinstance(body, dict) else {}), response.headers
        code, why = error_of(response, "code")
        if code == "VALIDATION_ERROR" and params and "sort_by" in response.text:
            raise SortRefused(why)
        now = self.clock()
        if code == "ACCESS_LIMIT_REACHED":
            reset = parse_reset(response.headers.get("RateLimit-ResetTime")) or next_midnight(now)
            raise RateLimited(reset, "Yelp's daily API quota is used up (ACCESS_LIMIT_REACHED)")
        if response.status_code == 429:
            raise RateLimited(now + timedelta(seconds=2), f"Yelp: too many requests per second ({code})")
        if response.status_code == 401 or code in ("TOKEN_INVALID", "TOKEN_MISSING", "UNAUTHORIZED_ACCESS_TOKEN"):
            raise CredentialsRejected(f"Yelp refused YELP_API_KEY ({code}: {why}): create a new API key on Yelp's "
                                      "Manage App page")
        if code == "BUSINESS_NOT_FOUND" or response.status_code == 404:
            raise UnknownBusiness(f"Yelp does not know business {business!r} ({code or 404}): check YELP_BUSINESS_IDS")
        raise AdapterError(f"Yelp answered {response.status_code} ({code}: {why})")

    # -- replies ----------------------------------------------------------------------------------------------------
    def check_reply(self, text: str, kind: ActionKind = ActionKind.REPLY, about: PostRef | None = None) -> str | None:
        """Said privately to whoever writes in the thread (the core keeps it as a note): no Replier here."""
        return ("Yelp lets only Respond-to-Reviews partners post a business response from an app, and this desk has "
                f"no partner access: answer the review on Yelp for Business ({BIZ_SITE}), then resolve this thread.")

    def target_for(self, kind: ActionKind, post: PostRef) -> str:
        return post.external_id.split(":", 1)[0]   # a revision's id starts with the review's


class YelpPartnerAdapter(YelpAdapter):
    """With Respond-to-Reviews access: a staff thread reply is the business's public response to the review."""
    responds = True

    def __init__(self, settings: YelpSettings, timeout: float = 10.0):
        super().__init__(settings, timeout)
        self._token: tuple[str, datetime] | None = None
        self._token_lock = threading.Lock()

    def measure(self, text: str, kind: ActionKind) -> tuple[int, int]:
        return len(text), MAX_RESPONSE

    def check_reply(self, text: str, kind: ActionKind = ActionKind.REPLY, about: PostRef | None = None) -> str | None:
        if kind is not ActionKind.REPLY:
            return "Yelp has no private messages: a reply in this thread becomes the public response to the review."
        if len(text) > MAX_RESPONSE:
            return f"Yelp takes a response of at most {MAX_RESPONSE:,} characters; this one has {len(text):,}."
        if _EMOJI.search(text):
            return "Yelp's response API does not take emoji: remove them and send the reply again."
        return empty_reply_problem(text)

    def replaces(self, earlier: str) -> str:
        return REPLACES.format(earlier=earlier if len(earlier) <= 120 else earlier[:119] + "…")

    def send_reply(self, action: OutboundAction) -> SentMessage:
        url = f"{self._settings.partner_api_url}/reviews/v1/{quote(action.target, safe='')}"
        body = {"response_text": action.text, "response_type": "public_comment"}
        for attempt in (1, 2):
            headers = {"Authorization": f"Bearer {self._access_token(renew=attempt == 2)}"}
            try:
                response = self._http.post(url, json=body, headers=headers, timeout=self._timeout)
            except requests.exceptions.ConnectTimeout:
                raise AdapterError("Yelp's partner API unreachable (nothing was sent)") from None
            except (requests.ConnectionError, requests.Timeout) as exc:
                raise AmbiguousSend(f"Yelp did not answer ({type(exc).__name__})") from None
            if response.status_code == 401 and attempt == 1:
                continue   # the 7-day token ran out early or was revoked: one fresh token, then it is the grant
            if response.status_code < 300:
                key = hashlib.sha256(action.idempotency_key.encode()).hexdigest()[:16]
                return SentMessage(f"{action.target}:response:{key}", None)
            raise self._refusal(response)
        raise AssertionError("unreachable")

    def _refusal(self, response: requests.Response) -> Exception:
        status = response.status_code
        code, why = error_of(response, "id")
        if status >= 500:
            return AmbiguousSend(f"Yelp answered {status} ({code})")
        if code == "R2R_COMMENT_QUOTA_EXCEEDED":
            return RateLimited(next_midnight(self.clock()), "Yelp allows 20 responses per location a day")
        if status == 429:
            retry = response.headers.get("Retry-After", "60")
            return RateLimited(self.clock() + timedelta(seconds=int(retry) if retry.isdigit() else 60), "Yelp 429")
        if status == 401:
            return CredentialsRejected(f"Yelp refused the partner token ({code}: {why}): the business owner may have "
                                       "revoked the app; authorize it again and set YELP_PARTNER_REFRESH_TOKEN")
        if status == 403 or code in ("R2R_COMMENTS_NOT_ALLOWED", "INSUFFICIENT_SCOPE"):
            return PermanentSendError(f"Yelp refused: this app or location has no Respond-to-Reviews access "
                                      f"({code or status}: {why}). Nothing was sent; answer on Yelp for Business "
                                      f"({BIZ_SITE}).")
        if code == "R2R_REVIEW_DOES_NOT_EXIST":
            return PermanentSendError("Yelp no longer has this review (R2R_REVIEW_DOES_NOT_EXIST): it may have been "
                                      "removed. Nothing was sent.")
        return PermanentSendError(f"Yelp refused the response ({code or status}: {why}). Nothing was sent.")

    def _access_token(self, renew: bool = False) -> str:
        client_id, secret, refresh = self._settings.partner
        with self._token_lock:
            now = self.clock()
            if self._token and not renew and now < self._token[1] - TOKEN_MARGIN:
                return self._token[0]
            form = {"client_id": client_id, "client_secret": secret, "grant_type": "refresh_token",
                    "refresh_token": refresh}
            try:
                response = self._http.post(f"{self._settings.api_url}/oauth2/token", data=form, timeout=self._timeout)
            except requests.RequestException as exc:
                raise AdapterError(f"Yelp's token endpoint unreachable ({type(exc).__name__})") from None
            if response.status_code >= 500:
                raise AdapterError(f"Yelp's token endpoint answered {response.status_code}")
            try:
                body = response.json() if response.status_code < 300 else None
            except ValueError:
                body = None
            if not isinstance(body, dict) or not isinstance(body.get("access_token"), str):
                code, why = error_of(response, "id")
                raise CredentialsRejected(f"Yelp refused the partner credentials ({code or response.status_code}: "
                                          f"{why}): check YELP_PARTNER_CLIENT_ID, YELP_PARTNER_CLIENT_SECRET and "
                                          "YELP_PARTNER_REFRESH_TOKEN (a refresh token lasts 365 days)")
            lifetime = body.get("expires_in")
            lifetime = lifetime if isinstance(lifetime, int) and lifetime > 0 else 7 * 86400
            self._token = (body["access_token"], now + timedelta(seconds=lifetime))
            return self._token[0]
