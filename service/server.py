"""`socialdesk web`: the Flask app under an embedded gunicorn (gthread workers).
gunicorn drains in-flight requests on SIGTERM and exits 0."""
from __future__ import annotations

from typing import Callable

from gunicorn.app.base import BaseApplication

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


def serve(factory: Callable, port: int, workers: int, access_log: bool = False) -> None:
    """access_log: one line per HTTP request (LOG_LEVEL=DEBUG). Off otherwise:
    the bot logs what each request did, and hosts log requests at their router."""
    _Gunicorn(factory, {
        "bind": f"0.0.0.0:{port}",
        "workers": workers,
        "worker_class": "gthread",
        "threads": 32,  # cheap; a slow client holds one for at most BODY_DEADLINE (service.slow_clients)
        "timeout": 30,
        "graceful_timeout": 20,
        "accesslog": "-" if access_log else None,
        "errorlog": "-",
        "loglevel": "info",
        "proc_name": "socialdesk-web",
        # gunicorn 25+ opens a control socket in ~/.gunicorn by default: one path for
        # every gunicorn of the user (two `web`s on a host take it from each other)
        # and a write to a home a container may not have. socialdesk does not use it.
        "control_socket_disable": True,
        **({"logconfig_dict": logconfig} if (logconfig := gunicorn_logconfig()) else {}),
    }).run()
