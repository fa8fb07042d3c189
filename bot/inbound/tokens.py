"""Platform tokens that expire unless renewed (an Instagram Login token lasts
60 days and may be refreshed once it is a day old): the worker's `tokens` job
refreshes each a day after its last refresh and stores it (bot.store.models.Credential),
and every process hands the newest stored token to its adapter before it
polls or sends. A refresh that fails is logged and tried again on the next run;
the token in use keeps working until it expires."""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from adapters.base import AdapterError, PermanentSendError, SessionKeeper
from bot.deps import Deps
from bot.store.models import Credential
from bot.redaction import remember_secret

log = logging.getLogger(__name__)
REFRESH_EVERY = timedelta(days=1)


def _renewable(deps: Deps):
    """Adapters whose token expires unless renewed (an Instagram Login token;
    a Page token does not)."""
    return [a for a in deps.adapters.values() if getattr(a, "token_renewable", False)]


def use_stored_tokens(deps: Deps) -> None:
    use_stored_sessions(deps)
    adapters = _renewable(deps)
    if not adapters:
        return
    with deps.sessions() as session:
        for adapter in adapters:
            stored = session.get(Credential, adapter.account_key)
            if stored is not None and stored.token:  # "" until the first refresh succeeded
                remember_secret(stored.token)
                adapter.use_token(stored.token)


def refresh_tokens(deps: Deps, now: datetime) -> list[str]:
    """Refresh every renewable token last refreshed a day ago or more; the
    names of the accounts refreshed. Of several workers, one claims each."""
    refreshed = []
    for adapter in _renewable(deps):
        key = adapter.account_key
        with deps.sessions() as session:
            if session.get(Credential, key) is None:
                try:
                    with session.begin_nested():
                        session.add(Credential(key=key, token="", refreshed_at=now - REFRESH_EVERY))
                except IntegrityError:
                    pass
            claimed = session.execute(update(Credential).where(Credential.key == key,
                                                               Credential.refreshed_at <= now - REFRESH_EVERY)
                                      .values(refreshed_at=now).execution_options(synchronize_session=False))
            session.commit()
            if claimed.rowcount != 1:
                continue
            try:
                renewed = adapter.refresh_token()
            except (AdapterError, PermanentSendError) as exc:
                log.warning("%s: the token could not be refreshed (%s); retrying on the next run", adapter.label, exc)
                session.execute(update(Credential).where(Credential.key == key)
                                .values(refreshed_at=now - REFRESH_EVERY).execution_options(synchronize_session=False))
                session.commit()
                continue
            if renewed is None:
                continue  # a token that does not expire this way
            token, expires_at = renewed
            remember_secret(token)  # hidden from every log line from now on
            session.execute(update(Credential).where(Credential.key == key)
                            .values(token=token, expires_at=expires_at).execution_options(synchronize_session=False))
            session.commit()
            adapter.use_token(token)
            log.info("%s: token refreshed; valid until %s", adapter.label, f"{expires_at:%Y-%m-%d}")
            refreshed.append(adapter.account_key)
    return refreshed


def _keepers(deps: Deps) -> list:
    return [a for a in deps.adapters.values() if isinstance(a, SessionKeeper)]


def use_stored_sessions(deps: Deps) -> None:
    """Hand a platform not logged in yet the session another process stored
    (read once per process: a logged-in adapter refreshes its own)."""
    waiting = [a for a in _keepers(deps) if a.needs_session()]
    if not waiting:
        return
    with deps.sessions() as session:
        for adapter in waiting:
            stored = session.get(Credential, adapter.session_key)
            if stored is not None and stored.token:
                remember_secret(stored.token)
                adapter.use_session(stored.token)


def keep_sessions(deps: Deps, now: datetime) -> None:
    """Store each session that was created or refreshed in this pass, for the
    next process (a cron-run `poll` would otherwise log in every run)."""
    for adapter in _keepers(deps):
        saved = adapter.session_to_store()
        if saved is None:
            continue
        remember_secret(saved)
        with deps.sessions() as session:
            stored = session.get(Credential, adapter.session_key)
            if stored is None:
                session.add(Credential(key=adapter.session_key, token=saved, refreshed_at=now))
            else:
                stored.token, stored.refreshed_at = saved, now
            try:
                session.commit()
            except IntegrityError:  # another process stored its own at the same moment: either will do
                session.rollback()
