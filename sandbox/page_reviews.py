"""The demo page's Reviews panel: a customer leaves, edits and deletes a review on
each review platform the sandbox runs, and sees the business's public answer
under it once staff replied in the review's Slack thread.

Generic on purpose: the page knows review platforms only as `ReviewSite`s — one
per platform, each wrapping its emulator's state behind the same five customer
actions and one common shape of a review (id, name, stars, title, text, times,
the owner's reply). Google's and Yelp's sites are in sandbox/page_review_sites.py;
another platform is one more `*_site` function and one more entry in
sandbox/runner.py's `review_sites`. The drawing is sandbox/static/reviews.js."""
from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from typing import Any, Callable

from flask import Flask, jsonify, request

from sandbox.trustpilot_emulator import TrustpilotState, create_trustpilot_emulator


@dataclass(frozen=True)
class ReviewSite:
    platform: str                                   # the registry's name (adapters/registry.py)
    label: str                                      # as customers know it
    mount: str                                      # where the page mounts its emulator ("/trustpilot")
    api_path: str                                   # the API's base under the mount ("/v1")
    emulator: Any                                   # the WSGI app
    state: Any                                      # the emulator's state: the platform's side, for tests and benches
    environment: Callable[[str], dict]              # the emulator's URL → the bot's settings for it
    leave: Callable[[str, int, str, str], str]      # name, stars, title, text → the review's id
    edit: Callable[[str, int, str, str], None]      # id, stars, title, text
    delete: Callable[[str], None] | None            # None: the platform never tells an app of a removal
    reviews: Callable[[], list[dict]]               # newest first, in the common shape (trustpilot_reviews)
    webhooks: Callable[[bool], None]                # push each change to the bot, or leave it to polling
    polled_every: str                               # what the page says when webhooks are off
    deleted_note: str = ""                          # what the page says about a deleted review, when it matters
    note: str = ""                                  # said under the site's name always (Yelp: polled, never pushed)


def trustpilot_site(state: TrustpilotState, bot_url: str) -> ReviewSite:
    """bot_url: the bot's web (http://127.0.0.1:PORT): the subscription URL carries the webhook secret in it,
    as a business pastes it into Trustpilot Business."""
    subscription = state.subscription_url(bot_url)
    state.webhook_url = subscription

    def environment(url: str) -> dict:
        return {"TRUSTPILOT_API_URL": f"{url}/v1", "TRUSTPILOT_API_KEY": state.api_key,
                "TRUSTPILOT_API_SECRET": state.api_secret, "TRUSTPILOT_BUSINESS_UNIT_ID": state.business_unit_id,
                "TRUSTPILOT_USERNAME": state.username, "TRUSTPILOT_PASSWORD": state.password,
                "TRUSTPILOT_BUSINESS_USER_ID": state.business_user_id,
                "TRUSTPILOT_WEBHOOK_SECRET": state.webhook_secret}

    def webhooks(on: bool) -> None:
        state.webhook_url = subscription if on else None

    return ReviewSite(
        platform="trustpilot", label="Trustpilot", mount="/trustpilot", api_path="/v1",
        emulator=create_trustpilot_emulator(state), state=state, environment=environment,
        leave=lambda name, stars, title, text: state.review(name, stars, text, title=title)["id"],
        edit=lambda review_id, stars, title, text: state.revise(review_id, stars=stars, text=text, title=title),
        delete=state.delete, reviews=lambda: trustpilot_reviews(state), webhooks=webhooks,
        # adapters/trustpilot.py POLL_PACE: Trustpilot counts API calls per year.
        polled_every="every 5 minutes (Trustpilot counts API calls per year)")


def trustpilot_reviews(state: TrustpilotState) -> list[dict]:
    with state.lock:
        shown = [{"id": r["id"], "name": r["consumer"]["displayName"], "stars": r["stars"], "title": r["title"],
                  "text": r["text"], "created_at": r["createdAt"], "updated_at": r["updatedAt"],
                  "reply": ({"text": r["companyReply"]["text"], "created_at": r["companyReply"]["createdAt"]}
                            if r.get("companyReply") else None)}
                 for r in state.reviews.values()]
    return sorted(shown, key=lambda r: r["created_at"], reverse=True)


def reviews_view(sites: list[ReviewSite], page_url: str) -> list[dict]:
    return [{"platform": s.platform, "label": s.label, "url": page_url + s.mount + s.api_path,
             "polled_every": s.polled_every, "deletable": s.delete is not None, "deleted_note": s.deleted_note,
             "note": s.note,
             "reviews": s.reviews()} for s in sites]


def _bad(error: str, status: int = 400):
    return jsonify({"ok": False, "error": error}), status


def _review_form(form: dict, need_name: bool) -> tuple[tuple, str | None]:
    """(name, stars, title, text), or a one-line reason the form is refused."""
    name = (form.get("name") or "").strip() if isinstance(form.get("name"), str) else ""
    title = (form.get("title") or "").strip() if isinstance(form.get("title"), str) else ""
    text = (form.get("text") or "").strip() if isinstance(form.get("text"), str) else ""
    stars = form.get("stars")
    if isinstance(stars, str) and stars.isdigit():
        stars = int(stars)
    if not isinstance(stars, int) or isinstance(stars, bool) or not 1 <= stars <= 5:
        return (), "stars must be a whole number from 1 to 5"
    if need_name and not name:
        return (), "your name is required"
    if not text:
        return (), "the review's text is required"
    return (name, stars, title[:100], text[:4000]), None


def add_review_routes(app: Flask, sites: list[ReviewSite]) -> None:
    by_platform = {site.platform: site for site in sites}

    def site_of(form: dict) -> ReviewSite | None:
        platform = form.get("platform")
        return by_platform.get(platform) if isinstance(platform, str) else None

    @app.get("/reviews.js")
    def reviews_js():
        body = resources.files("sandbox").joinpath("static/reviews.js").read_text(encoding="utf-8")
        return body, 200, {"Content-Type": "text/javascript; charset=utf-8"}

    @app.post("/review")
    def leave_review():
        form = request.get_json(silent=True) or {}
        site = site_of(form)
        if site is None:
            return _bad(f"pick a review platform: {', '.join(by_platform) or 'none runs here'}")
        fields, problem = _review_form(form, need_name=True)
        if problem:
            return _bad(problem)
        return jsonify({"ok": True, "id": site.leave(*fields)})

    @app.post("/review/edit")
    def edit_review():
        form = request.get_json(silent=True) or {}
        site = site_of(form)
        if site is None or not any(r["id"] == form.get("id") for r in site.reviews()):
            return _bad("no such review (deleted already?)", 404)
        fields, problem = _review_form(form, need_name=False)
        if problem:
            return _bad(problem)
        _, stars, title, text = fields
        site.edit(form["id"], stars, title, text)
        return jsonify({"ok": True})

    @app.post("/review/delete")
    def delete_review():
        form = request.get_json(silent=True) or {}
        site = site_of(form)
        if site is None or not any(r["id"] == form.get("id") for r in site.reviews()):
            return _bad("no such review (deleted already?)", 404)
        if site.delete is None:
            return _bad(site.deleted_note or f"{site.label} reviews cannot be deleted here")
        try:
            site.delete(form["id"])
        except KeyError:   # deleted between the look and the delete (a double click)
            return _bad("no such review (deleted already?)", 404)
        return jsonify({"ok": True})
