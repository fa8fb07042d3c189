"""The Reviews panel's Google Business Profile and Yelp sites (sandbox/page_reviews.py has the panel and
Trustpilot's): each wraps its emulator's state behind the panel's customer actions and common review shape.

Google pushes each new or edited review to the bot's /webhooks/google as Pub/Sub does (a signed OIDC token the
bot checks against the emulator's certificates); with webhooks off the worker's polling finds them. Yelp has no
push at all: the worker polls, and Respond-to-Reviews partner access is configured so staff replies become the
review's public response. Neither platform tells an app that a review was deleted — the panel says so."""
from __future__ import annotations

from sandbox.google_emulator import STAR_WORDS, GoogleState, create_google_emulator
from sandbox.page_reviews import ReviewSite
from sandbox.yelp_emulator import YelpState, create_yelp_emulator


def _with_title(title: str, text: str) -> str:
    """Google and Yelp reviews have no title: the panel's title goes first in the text rather than being lost."""
    return f"{title}\n\n{text}" if title else text


def google_site(state: GoogleState, bot_url: str) -> ReviewSite:
    """bot_url: the bot's web: the push subscription's endpoint is its /webhooks/google. The token's audience stays
    the subscription's configured one (state.push_audience), which the bot is told as GOOGLE_PUSH_AUDIENCE."""
    endpoint = f"{bot_url}/webhooks/google"
    state.webhook_url = endpoint

    def environment(url: str) -> dict:
        # The bot's identity: an OAuth client and a manager's refresh token, exchanged at the emulator's /token.
        return {"GBP_API_URL": f"{url}/v4", "GOOGLE_OAUTH_URL": f"{url}/token",
                "GOOGLE_CERTS_URL": f"{url}/oauth2/v1/certs", "GBP_ACCOUNT_ID": state.account_id,
                "GBP_LOCATION_IDS": ",".join(state.location_ids), "GOOGLE_CLIENT_ID": state.client_id,
                "GOOGLE_CLIENT_SECRET": state.client_secret, "GOOGLE_REFRESH_TOKEN": state.refresh_token,
                "GOOGLE_PUSH_AUDIENCE": state.push_audience,
                "GOOGLE_PUSH_SERVICE_ACCOUNT": state.push_service_account}

    def webhooks(on: bool) -> None:
        state.webhook_url = endpoint if on else None

    return ReviewSite(
        platform="google", label="Google", mount="/google", api_path="/v4",
        emulator=create_google_emulator(state), state=state, environment=environment,
        leave=lambda name, stars, title, text: state.review(name, stars, _with_title(title, text))["name"],
        edit=lambda name, stars, title, text: state.update(name, stars=stars, text=_with_title(title, text)),
        delete=state.remove, reviews=lambda: google_reviews(state), webhooks=webhooks,
        # adapters/google.py paces itself only after a 429: otherwise every POLL_INTERVAL (3 s in the sandbox).
        polled_every="every POLL_INTERVAL (3 s here)",
        deleted_note=("Google sends no notice of a deleted review: the bot learns it at its next poll of the "
                      "location's reviews (once it has held it 10 minutes), or when a reply finds it gone"))


def google_reviews(state: GoogleState) -> list[dict]:
    stars = {word: n for n, word in STAR_WORDS.items()}
    with state.lock:
        shown = [{"id": r["name"], "name": r["reviewer"].get("displayName", "Anonymous"),
                  "stars": stars[r["starRating"]], "title": "", "text": r.get("comment", ""),
                  "created_at": r["createTime"],
                  "updated_at": r["updateTime"] if r["updateTime"] != r["createTime"] else None,
                  "reply": ({"text": r["reviewReply"]["comment"], "created_at": r["reviewReply"]["updateTime"]}
                            if r.get("reviewReply") else None)}
                 for r in state.reviews.values()]
    return sorted(shown, key=lambda r: r["created_at"], reverse=True)


def yelp_site(state: YelpState) -> ReviewSite:
    """One business, Acme Diner, with partner access granted (state.partner_access)."""
    business_id = next(iter(state.businesses), None) or state.business("Acme Diner")

    def environment(url: str) -> dict:
        # The Places API and the partner token live on one host at Yelp; Respond-to-Reviews on another.
        return {"YELP_API_URL": url, "YELP_PARTNER_API_URL": url, "YELP_API_KEY": state.api_key,
                "YELP_BUSINESS_IDS": business_id, "YELP_TIMEZONE": state.zone,
                "YELP_PARTNER_CLIENT_ID": state.client_id, "YELP_PARTNER_CLIENT_SECRET": state.client_secret,
                "YELP_PARTNER_REFRESH_TOKEN": state.refresh_token}

    return ReviewSite(
        platform="yelp", label="Yelp", mount="/yelp", api_path="/v3",
        emulator=create_yelp_emulator(state), state=state, environment=environment,
        leave=lambda name, stars, title, text: state.review(business_id, name, stars, _with_title(title, text))["id"],
        edit=lambda review_id, stars, title, text: state.edit(review_id, rating=stars, text=_with_title(title, text)),
        delete=None, reviews=lambda: yelp_reviews(state),
        webhooks=lambda on: None,   # Yelp has no push: the checkbox changes nothing here
        # adapters/yelp.py MIN_PACE, and slower when the day's quota (RateLimit-* headers) must be spread out.
        polled_every="at most every 5 minutes, spread over the day's API quota (Yelp has no push)",
        deleted_note="Yelp never tells an app a review was removed, so this panel cannot delete one",
        note="Yelp has no push: the bot finds new and edited reviews by polling, at most every 5 minutes")


def yelp_reviews(state: YelpState) -> list[dict]:
    with state.lock:
        answered = {review_id: str(day) for review_id, _, day in state.response_posts}
        shown = [(r["order"], {"id": r["id"], "name": r["user"]["name"], "stars": r["rating"], "title": "",
                               "text": r["full_text"], "created_at": r["time_created"], "updated_at": None,
                               "reply": ({"text": state.responses[r["id"]], "created_at": answered.get(r["id"])}
                                         if r["id"] in state.responses else None)})
                 for _, r in state.reviews.values()]
    return [review for _, review in sorted(shown, key=lambda pair: pair[0], reverse=True)]
