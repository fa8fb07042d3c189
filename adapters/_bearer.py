"""One HTTP request to a review platform's API with its OAuth bearer token —
shared by the Google Business Profile and Trustpilot adapters.

A 401 gets one fresh token (it expired early or was revoked), then stands: the
credentials are wrong. A request that may have changed something (`sending`)
and lost its answer — the connection dropped after it was sent, or no answer in
time — is AmbiguousSend: the platform may have stored it, so it is looked for,
never resent blindly. One that never left (refused connection, connect timeout)
is an ordinary transient failure."""
from __future__ import annotations

from typing import Callable

import requests

from adapters.errors import AdapterError, AmbiguousSend


def bearer_request(http: requests.Session, method: str, url: str, token: Callable[[bool], str], timeout: float,
                   name: str, sending: bool = False, **kwargs) -> requests.Response:
    """token(renew): the access token, a fresh one when renew. name: the platform as said in errors."""
    for attempt in (1, 2):
        headers = {"Authorization": f"Bearer {token(attempt == 2)}"}
        try:
            response = http.request(method, url, headers=headers, timeout=timeout, **kwargs)
        except requests.ConnectionError as exc:
            if sending and not isinstance(exc, requests.exceptions.ConnectTimeout):
                raise AmbiguousSend(f"{name}: connection lost ({type(exc).__name__})") from None
            raise AdapterError(f"{name} unreachable ({type(exc).__name__})") from None
        except requests.Timeout:
            raise (AmbiguousSend if sending else AdapterError)(f"{name} did not answer in time") from None
        if response.status_code != 401 or attempt == 2:
            return response
    raise AssertionError("unreachable")
