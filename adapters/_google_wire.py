"""Google Business Profile's settings, credentials and Pub/Sub push tokens, through google-auth.

- Credentials: a service account's JSON key (GOOGLE_APPLICATION_CREDENTIALS, the account added as a manager of the
  Business Profile) or an OAuth client and a refresh token of a person who manages it (GOOGLE_CLIENT_ID,
  GOOGLE_CLIENT_SECRET, GOOGLE_REFRESH_TOKEN). Either way google-auth refreshes the access token at the token
  endpoint, pointed at GOOGLE_OAUTH_URL (the emulators in tests, Google's own otherwise).
- A Pub/Sub push carries `Authorization: Bearer <OIDC token>` signed by Google
  (cloud.google.com/pubsub/docs/authenticate-push-subscriptions): the token is verified with
  google.oauth2.id_token.verify_token against the keys at GOOGLE_CERTS_URL, then its issuer, audience, service
  account e-mail and email_verified are checked as that page says.
- Google's errors are {"error": {"code", "message", "status", "details"}}; a project not yet approved for the
  Business Profile APIs has a quota of 0 requests per minute, so every call answers 429 RESOURCE_EXHAUSTED with
  quota_limit_value "0" (developers.google.com/my-business/content/limits: "If your quota limit … is 0, you have
  not yet been granted access").
"""
from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass

import requests

from bot.env import EnvReader

log = logging.getLogger(__name__)

SCOPE = "https://www.googleapis.com/auth/business.manage"
DEFAULT_API = "https://mybusiness.googleapis.com/v4"
DEFAULT_INFO = "https://mybusinessbusinessinformation.googleapis.com/v1"  # locations' titles (locations.get)
DEFAULT_OAUTH = "https://oauth2.googleapis.com/token"
DEFAULT_CERTS = "https://www.googleapis.com/oauth2/v1/certs"   # PEM certificates by key id, as google-auth reads them
ISSUERS = ("accounts.google.com", "https://accounts.google.com")


@dataclass(frozen=True)
class GoogleSettings:
    api_url: str
    oauth_url: str
    certs_url: str
    account_id: str
    location_ids: tuple[str, ...]
    service_account: dict | None          # the parsed JSON key, or None with a refresh token instead
    client_id: str | None
    client_secret: str | None
    refresh_token: str | None
    push_audience: str | None             # both set: Pub/Sub push on /webhooks/google
    push_service_account: str | None
    info_url: str = DEFAULT_INFO          # the Business Information API: what each location is called

    @property
    def push(self) -> bool:
        return bool(self.push_audience and self.push_service_account)


def _service_account(path: str) -> dict:
    try:
        with open(path, encoding="utf-8") as handle:
            info = json.load(handle)
    except OSError as exc:
        raise ValueError(f"cannot read {path} ({exc.strerror or exc})") from None
    except ValueError:
        raise ValueError(f"{path} is not a JSON key file") from None
    if not isinstance(info, dict) or info.get("type") != "service_account" or not info.get("private_key"):
        raise ValueError(f"{path} is not a service account's JSON key (type service_account, with private_key)")
    return info


def _ids(value: str) -> tuple[str, ...]:
    ids = tuple(part.strip().removeprefix("locations/") for part in value.split(",") if part.strip())
    for one in ids:
        if not one.isdigit():
            raise ValueError(f"{one!r} is not a location id (the digits after locations/)")
    return ids


def read_settings(reader: EnvReader) -> GoogleSettings | None:
    api = reader.url("GBP_API_URL", DEFAULT_API) or DEFAULT_API
    oauth = reader.url("GOOGLE_OAUTH_URL", DEFAULT_OAUTH) or DEFAULT_OAUTH
    certs = reader.url("GOOGLE_CERTS_URL", DEFAULT_CERTS) or DEFAULT_CERTS
    account = (reader.text("GBP_ACCOUNT_ID") or "").removeprefix("accounts/")
    locations = reader.parsed("GBP_LOCATION_IDS", _ids) or ()
    key_path = reader.text("GOOGLE_APPLICATION_CREDENTIALS")
    client = [reader.text(name) for name in ("GOOGLE_CLIENT_ID", "GOOGLE_CLIENT_SECRET", "GOOGLE_REFRESH_TOKEN")]
    if not (account and locations):
        return None
    if account and not account.isdigit():
        reader.check("GBP_ACCOUNT_ID", f"{account!r} is not an account id (the digits after accounts/)")
    info = reader.parsed("GOOGLE_APPLICATION_CREDENTIALS", _service_account) if key_path else None
    if not key_path and not all(client):
        reader.check("GOOGLE_APPLICATION_CREDENTIALS",
                     "Google reviews need a Google identity: set GOOGLE_APPLICATION_CREDENTIALS (a service account's "
                     "JSON key) or GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET and GOOGLE_REFRESH_TOKEN")
        return None
    audience, push_account = reader.text("GOOGLE_PUSH_AUDIENCE"), reader.text("GOOGLE_PUSH_SERVICE_ACCOUNT")
    if bool(audience) != bool(push_account):
        reader.check("GOOGLE_PUSH_AUDIENCE" if push_account else "GOOGLE_PUSH_SERVICE_ACCOUNT",
                     "Pub/Sub push needs both GOOGLE_PUSH_AUDIENCE and GOOGLE_PUSH_SERVICE_ACCOUNT")
    info_url = (reader.url("GBP_INFO_URL", DEFAULT_INFO) or DEFAULT_INFO).rstrip("/")
    return GoogleSettings(api.rstrip("/"), oauth, certs, account, locations, info, *(client if not key_path
                          else (None, None, None)), audience, push_account, info_url)


def credentials(settings: GoogleSettings):
    """google-auth credentials whose refresh goes to GOOGLE_OAUTH_URL."""
    if settings.service_account is not None:
        from google.oauth2 import service_account
        info = {**settings.service_account, "token_uri": settings.oauth_url}
        return service_account.Credentials.from_service_account_info(info, scopes=[SCOPE])
    from google.oauth2.credentials import Credentials
    return Credentials(None, refresh_token=settings.refresh_token, client_id=settings.client_id,
                       client_secret=settings.client_secret, token_uri=settings.oauth_url, scopes=[SCOPE])


class CertsCache:
    """google-auth's transport, keeping Google's signing certificates a few minutes: verify_token
    fetches them for every token, which would put a call to Google in front of every push's answer.
    A token that fails against kept certificates is checked once more against fresh ones (Google
    rotates its keys), so a rotation never refuses a real push."""

    def __init__(self, session: requests.Session, keep: float = 300.0, clock=time.monotonic):
        from google.auth.transport.requests import Request
        self._request, self._keep, self._clock = Request(session), keep, clock
        self._kept: dict[str, tuple[float, object]] = {}

    def __call__(self, url, method="GET", **kwargs):
        kept = self._kept.get(url) if method == "GET" else None
        if kept and self._clock() - kept[0] < self._keep:
            return kept[1]
        response = self._request(url, method=method, **kwargs)
        if method == "GET" and response.status == 200:
            self._kept[url] = (self._clock(), response)
        return response

    def forget(self) -> None:
        self._kept.clear()


def push_problem(settings: GoogleSettings, certs: CertsCache, authorization: str) -> str | None:
    """Why a push's OIDC token is not Google's for our subscription, or None when it is."""
    from google.auth import exceptions
    from google.oauth2 import id_token
    if not authorization.startswith("Bearer ") or not authorization[7:].strip():
        return "no bearer token"
    for attempt in (1, 2):
        try:
            claims = id_token.verify_token(authorization[7:].strip(), certs, audience=settings.push_audience,
                                           certs_url=settings.certs_url)
            break
        except (ValueError, exceptions.GoogleAuthError) as exc:   # bad signature, expired, wrong audience, certs down
            if attempt == 1:
                certs.forget()   # perhaps a key Google rotated in since we kept its certificates
                continue
            return f"token refused ({str(exc).splitlines()[0][:160] if str(exc) else type(exc).__name__})"
    if claims.get("iss") not in ISSUERS:
        return f"issuer {str(claims.get('iss'))[:80]!r} is not Google's"
    if claims.get("email") != settings.push_service_account:
        return f"signed for {str(claims.get('email'))[:120]!r}, not GOOGLE_PUSH_SERVICE_ACCOUNT"
    if claims.get("email_verified") is not True:
        return "the service account's e-mail is not verified"
    return None


def error_of(response: requests.Response) -> tuple[str, str, bool]:
    """(status word, message, zero quota) of a Google error body."""
    try:
        body = response.json()
    except ValueError:
        return "", (response.text[:200] or response.reason or str(response.status_code)), False
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return "", str(body)[:200], False
    zero = any(isinstance(d, dict) and isinstance(d.get("metadata"), dict)
               and d["metadata"].get("quota_limit_value") == "0" for d in error.get("details") or [])
    return str(error.get("status") or ""), str(error.get("message") or "")[:300], zero


def no_access_line(status_code: int, status: str, message: str, zero_quota: bool) -> str | None:
    """The one line a project without Business Profile access gets, or None when the answer means something else."""
    if status_code == 429 and zero_quota:
        return ("Google Business Profile: this Google Cloud project's quota is 0 requests per minute, which means it "
                "has not been approved for the Business Profile APIs yet — apply for Basic API access "
                "(support.google.com/business/contact/api_default); socialdesk starts once Google approves it")
    if status_code == 403:
        return (f"Google Business Profile refused access ({status or 403}: {message[:160]}): enable the My Business "
                "APIs in the project, and make the identity a manager of the Business Profile account GBP_ACCOUNT_ID")
    return None
