"""The documented deploy, done the way a Heroku-style builder does it: a copy
of the checkout, a fresh virtualenv, only `pip install -r requirements.txt`
run from the checkout, then each line of the Procfile through bash — release
migrates, web answers /healthz on its $PORT, worker starts — and both stop
with 0 on SIGTERM. A fresh venv costs about 25 s, so `make test` skips this;
`.ci/run` runs it with `-m deploy` (pytest tests/test_deploy.py -m deploy)."""
from __future__ import annotations

import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from tests.helpers import killed_on_failure
from tests.test_processes import _free_port, _wait_for_line

pytestmark = pytest.mark.deploy
ROOT = Path(__file__).resolve().parent.parent

# What service code imports must come from requirements.txt alone (tests and
# lint dependencies are not there): each room's modules, imported outside the checkout.
RUNTIME_MODULES = (
    "service.cli", "service.web", "service.server", "service.scheduler", "service.bolt_app", "service.metrics",
    "service.logs", "service.slack_shape", "service.slow_clients", "service.preflight", "handlers.slack_events",
    "handlers.slack_actions", "handlers.slack_commands", "handlers.slack_replies", "handlers.webhooks",
    "adapters.registry", "adapters.x", "adapters.facebook", "adapters.instagram", "adapters.google", "bot.desk.private",
    "bot.desk.audit_trail", "bot.slack.publishers", "bot.inbound.tokens", "bot.outbound.held", "bot.redaction",
    "bot.rules.reply_check", "sandbox.runner")


def _checkout_copy(target: Path) -> Path:
    """The files a builder gets: what git tracks (and new files not ignored),
    as they are in the working tree — no .venv, no build/, no egg-info."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


@pytest.fixture(scope="module")
def built(request, tmp_path_factory):
    """(the app's directory, its venv's bin): built once for the module."""
    if "deploy" not in (request.config.getoption("markexpr") or ""):
        pytest.skip("builds a fresh virtualenv (~25 s): run with -m deploy, as .ci/run does")
    base = tmp_path_factory.mktemp("builder")
    app = _checkout_copy(base / "app")
    subprocess.run([sys.executable, "-m", "venv", str(base / "venv")], check=True)
    installed = subprocess.run([str(base / "venv/bin/pip"), "install", "--quiet", "--disable-pip-version-check",
                                "-r", "requirements.txt"], cwd=app, capture_output=True, text=True)
    assert installed.returncode == 0, installed.stderr[-3000:]
    return app, base / "venv/bin"


def _procfile(app: Path) -> dict[str, str]:
    lines = (app / "Procfile").read_text().splitlines()
    return dict(line.split(":", 1) for line in lines if line.strip() and not line.startswith("#"))


def _container(env: dict, bin_dir: Path, **more) -> dict:
    """A container's environment: its config vars and the builder's PATH, nothing of ours."""
    return {**env, "PATH": f"{bin_dir}:/usr/bin:/bin", **more}


def test_the_distribution_runs_on_requirements_txt_alone_from_outside_the_checkout(built, tmp_path):
    app, bin_dir = built
    found = subprocess.run([str(bin_dir / "python"), "-c", f"import {', '.join(RUNTIME_MODULES)}, migrations; "
                            "from bot.rules.reply_check import check_reply_text; "
                            "assert check_reply_text('Calm down, jane@gmail.com'); print(migrations.__file__)"],
                           cwd=tmp_path, env={"PATH": "/usr/bin:/bin"}, capture_output=True, text=True)
    assert found.returncode == 0, found.stderr
    assert "site-packages" in found.stdout  # the installed copy, with its migrations, not the checkout's
    for name in ("pytest", "ruff", "hypothesis"):
        assert not list((bin_dir.parent / "lib").glob(f"python*/site-packages/{name}")), name


def test_every_procfile_line_starts_as_the_builder_installed_it(built, env):
    app, bin_dir = built
    procfile = _procfile(app)
    assert set(procfile) == {"release", "web", "worker"}

    release = subprocess.run(["bash", "-c", procfile["release"]], cwd=app, env=_container(env, bin_dir),
                             capture_output=True, text=True, timeout=120)
    assert release.returncode == 0 and release.stdout.startswith("migrate: "), release.stdout + release.stderr

    port = _free_port()
    web = subprocess.Popen(["bash", "-c", f"exec {procfile['web']}"], cwd=app,
                           env=_container(env, bin_dir, PORT=str(port), WEB_CONCURRENCY="1"),
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    with killed_on_failure(web):
        _wait_for_line(web, "Booting worker")  # from here a request waits in the backlog for the app
        health = requests.get(f"http://127.0.0.1:{port}/healthz", timeout=30)
        assert health.status_code == 200 and health.json() == {"ok": True}
        web.send_signal(signal.SIGTERM)
        assert web.wait(timeout=30) == 0

    worker = subprocess.Popen(["bash", "-c", f"exec {procfile['worker']}"], cwd=app, env=_container(env, bin_dir),
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    with killed_on_failure(worker):
        _wait_for_line(worker, "worker started")
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=30) == 0

