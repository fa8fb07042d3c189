"""Bad input gets a clear 4xx, never a 5xx or a traceback."""
from __future__ import annotations

import requests

from sandbox.slack_signing import sign


def _post(bot, body: bytes, content_type: str, signed: bool = True):
    headers = {"Content-Type": content_type}
    if signed:
        headers.update(sign(bot.slack_state.signing_secret, body))
    return requests.post(bot.events_url, data=body, headers=headers, timeout=5)


def test_malformed_json_is_400(bot):
    assert _post(bot, b'{"type": "event_callback", ', "application/json").status_code == 400
    assert _post(bot, b'["a list"]', "application/json").status_code == 400


def test_malformed_interactivity_payload_is_400(bot):
    assert _post(bot, b"payload=%7Bnot-json", "application/x-www-form-urlencoded").status_code == 400


def test_unsupported_content_type_is_415(bot):
    assert _post(bot, b"<xml/>", "application/xml").status_code == 415


def test_body_over_one_megabyte_is_413(bot):
    body = b'{"pad": "' + b"x" * (1024 * 1024) + b'"}'
    assert _post(bot, body, "application/json").status_code == 413


def test_url_verification_challenge_is_answered(bot):
    response = bot.post_json({"type": "url_verification", "challenge": "abc123", "token": "t"})
    assert response.status_code == 200 and "abc123" in response.text


def test_healthz(bot):
    response = requests.get(bot.server.url + "/healthz", timeout=5)
    assert response.status_code == 200 and response.json() == {"ok": True}


def test_healthz_is_503_when_the_database_does_not_answer(deps):
    from dataclasses import replace

    from slack_bolt import App
    from sqlalchemy import create_engine

    from bot.store.db import make_session_factory
    from service.web import create_web_app
    unreachable = create_engine("postgresql+psycopg://postgres@127.0.0.1:1/none")
    broken = replace(deps, sessions=make_session_factory(unreachable))
    client = create_web_app(broken, App(client=deps.slack.client, signing_secret="s")).test_client()
    response = client.get("/healthz")
    assert response.status_code == 503 and response.get_json()["ok"] is False
