"""`socialdesk web`: the Flask app under an embedded gunicorn (gthread workers).
gunicorn drains in-flight requests on SIGTERM and exits 0."""
from __future__ import annotations

import re
from typing import Callable

from gunicorn.app.base import BaseApplication
from gunicorn.glogging import Logger

from service.logs import gunicorn_logconfig


class _Gunicorn(BaseApplication):
    def __init__(self, factory: Callable, options: dict):
        self._factory = factory
        self._options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self):
        # Built in each worker after fork: no database pool is shared across processes.
        return self._factory()


# Query parameters that carry a secret: Meta's subscription check sends the
# verify token in the URL of GET /webhooks/meta. A wrong one (a probe, a token
# being rotated) is masked as well, so no configured value is needed to spot it.
SECRET_PARAMETERS = re.compile(r"(?i)((?:^|[?&;])hub(?:\.|%2e)verify(?:_|%5f)token=)[^&;\s\"]*")


def mask_query(text):
    return SECRET_PARAMETERS.sub(r"\1***", text) if isinstance(text, str) else text


class MaskedAccessLog(Logger):
    """gunicorn's logger, with secret query parameters masked wherever its
    access-log format can print the URL (request line, query string, referer,
    environ)."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("r", "q", "f", "{raw_uri}e", "{query_string}e", "{referer}i"):
            if key in atoms:
                atoms[key] = mask_query(atoms[key])
        return atoms


# Cheap. A slow client holds one for at most BODY_DEADLINE, and only
# SLOW_BODY_SLOTS of them at once (service.slow_clients); the others are
# free for /healthz and Slack, whose requests wait for a free thread in turn.
THREADS = 64


def serve(factory: Callable, port: int, workers: int, host: str = "0.0.0.0", access_log: bool = False) -> None:
    """access_log: one line per HTTP request (LOG_LEVEL=DEBUG). Off otherwise:
    the bot logs what each request did, and hosts log requests at their router."""
    _Gunicorn(factory, {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "gthread",
        "threads": THREADS,
        "timeout": 30,
        "graceful_timeout": 20,
        "accesslog": "-" if access_log else None,
        "logger_class": MaskedAccessLog,
        "errorlog": "-",
        "loglevel": "info",
        "proc_name": "socialdesk-web",
        # gunicorn 25+ opens a control socket in ~/.gunicorn by default: one path for
        # every gunicorn of the user (two `web`s on a host take it from each other)
        # and a write to a home a container may not have. socialdesk does not use it.
        "control_socket_disable": True,
        **({"logconfig_dict": logconfig} if (logconfig := gunicorn_logconfig()) else {}),
    }).run()
