"""Bluesky's session kept across processes (adapters.base.SessionKeeper):
createSession allows 30 logins per 5 minutes and 300 a day per account, so
every process — a one-shot `socialdesk poll` from cron too — resumes the stored
session (the SDK refreshes it when its access token has run out) and logs in
with the app password only when Bluesky no longer takes it."""
from __future__ import annotations

import logging

import httpx
from atproto_client import exceptions as sdk

log = logging.getLogger("adapters.bluesky")


def _error_of(exc: sdk.RequestErrorBase) -> tuple[int | None, str, str]:
    response = exc.response
    if response is None:
        return None, "", ""
    content = response.content
    return (response.status_code, getattr(content, "error", None) or "", getattr(content, "message", None) or "")


class KeptSession:
    """Mixed into BlueskyAdapter: self.client (the SDK's Client), self._did
    (set once logged in) and self._settings come from it."""

    def _keep_session(self) -> None:
        self._saved_session: str | None = None
        self._session_changed = False
        self.client.on_session_change(self._session_event)

    @property
    def session_key(self) -> str:
        return f"bluesky-session:{self._settings.handle}"[:96]

    def needs_session(self) -> bool:
        return self._did is None

    def use_session(self, saved: str) -> None:
        self._saved_session = saved

    def session_to_store(self) -> str | None:
        if not self._session_changed:
            return None
        self._session_changed = False
        return self.client.export_session_string()

    def _session_event(self, event, _session) -> None:
        if event.value != "import":  # created or refreshed: worth storing (an import is what we stored)
            self._session_changed = True

    def _resumed(self):
        """The profile, logged in with the stored session (refreshed when its
        access token has run out); None when there is none or Bluesky no longer
        takes it (refresh token expired or revoked)."""
        saved, self._saved_session = self._saved_session, None
        if not saved:
            return None
        try:
            try:
                return self.client.login(session_string=saved)
            except sdk.BadRequestError as exc:
                if _error_of(exc)[1] != "ExpiredToken":
                    raise
            # The access token ran out by the server's clock before its own: refresh once.
            self.client._refresh_and_set_session()  # the SDK's own refresh, as its auto-refresh calls it
            return self.client.get_profile(self._settings.handle)
        except (sdk.AtProtocolError, httpx.HTTPError, ValueError) as exc:
            log.info("Bluesky: the stored session was not taken (%s); logging in with the app password",
                     _error_of(exc)[1] if isinstance(exc, sdk.RequestErrorBase) else type(exc).__name__)
            return None
