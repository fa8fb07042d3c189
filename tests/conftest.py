"""Shared fixtures. Tests talk HTTP to the emulators in sandbox/, run on SQLite
always and on PostgreSQL when 127.0.0.1:5432 answers, never read a developer's
.env, never sleep, and fail on any non-loopback connection."""
from __future__ import annotations

import ipaddress
import os
import shutil
import socket
import uuid
from concurrent.futures import ThreadPoolExecutor, wait
from datetime import datetime, timedelta, timezone

import pytest
import requests

from bot.config import load_settings
from bot.store.migrate import upgrade_to_head
from bot.store.models import Base
from sandbox.serve import BackgroundServer
from sandbox.slack_signing import event_envelope, json_request

# The emulators' fixtures, the clock shift's hooks and fixture, and the shared caches (each module says why).
pytest_plugins = ["tests.emulators", "tests.clock_shifting", "tests.compile_once", "tests.vector_cache"]

SCRUBBED_PREFIXES = ("SLACK_", "X_", "META_", "TRUSTPILOT_", "INSTAGRAM_", "GRAPH_", "SLA_", "ESCALAT", "BUSINESS_",
                     "REPLY_", "SNOOZE_", "POLL_", "BACKFILL", "DELIVERY_", "TIMEZONE", "HOLIDAYS", "PORT",
                     "DATABASE_URL", "WEB_CONCURRENCY", "BLUESKY_", "YELP_", "THREADS_")
PG_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


# -- isolation ---------------------------------------------------------------------

@pytest.fixture(autouse=True)
def scrubbed_environment(monkeypatch, tmp_path):
    for name in list(os.environ):
        if name.startswith(SCRUBBED_PREFIXES):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)  # no developer .env in sight


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        try:
            infos = socket.getaddrinfo(host, None)
        except socket.gaierror:
            return False
        return all(ipaddress.ip_address(info[4][0].split("%")[0]).is_loopback for info in infos)


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch):
    """Any attempt to reach a non-loopback address fails the test."""
    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex

    def check(sock, address):
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(str(address[0])):
            raise AssertionError(f"test tried to reach the network: {address!r}")

    def connect(sock, address):
        check(sock, address)
        return real_connect(sock, address)

    def connect_ex(sock, address):
        check(sock, address)
        return real_connect_ex(sock, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)


# -- databases -----------------------------------------------------------------------

def _postgres_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            return True
    except OSError:
        return False


# TEST_DATABASES=sqlite limits a run to SQLite.
POSTGRES = _postgres_answers() and os.environ.get("TEST_DATABASES", "sqlite,postgresql") != "sqlite"
BACKENDS = ["sqlite"] + (["postgresql"] if POSTGRES else [])


def pytest_report_header(config):
    from datetime import datetime
    note = "" if POSTGRES else " (PostgreSQL: not asked for, or 127.0.0.1:5432 did not answer)"
    return f"databases: {', '.join(BACKENDS)}{note}; clock: {datetime.now().astimezone():%Y-%m-%d %H:%M %Z}"


@pytest.fixture
def families_alone(monkeypatch):
    """The reply check's phrase families without the tone model (as if socialdesk[nlp] were not installed): what a
    round's families catch by themselves (tests/test_reply_check_round_*.py)."""
    from bot.rules import tone_model
    monkeypatch.setattr(tone_model, "_ready", lambda: None)


@pytest.fixture
def report_figure(record_property):
    """A figure a test measured (corpus accuracy, timings): printed at the end
    of the run, also when pytest-xdist runs the test in another process."""
    return lambda line: record_property("figure", line)


def pytest_terminal_summary(terminalreporter):
    figures = [value for report in terminalreporter.stats.get("passed", []) + terminalreporter.stats.get("failed", [])
               if report.when == "call" for name, value in report.user_properties if name == "figure"]
    from tests.clock_shifting import shift_counts  # a plugin of this conftest (pytest_plugins), loaded by now
    if shifts := shift_counts(terminalreporter):
        figures.append(shifts)
    if figures:
        terminalreporter.section("figures measured by the tests")
        for line in figures:
            terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    path = tmp_path_factory.mktemp("db") / "template.db"
    upgrade_to_head(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_database():
    """A throwaway database for this run, migrated once; tables emptied per test."""
    from sqlalchemy import create_engine, text
    name = f"socialdesk_test_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    upgrade_to_head(url)
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def postgres_reset(postgres_database):
    """Empties every table of the run's database between tests: DELETE and a
    setval per sequence, one round trip on a kept connection. TRUNCATE … RESTART
    IDENTITY gave every table a new file on disk each time (about 0.1 s a test on
    an idle VM, half a second on a loaded one; DELETE of a test's few rows is ~10x
    cheaper). Same end state: no rows, ids from 1 again."""
    from sqlalchemy import create_engine, text
    engine = create_engine(postgres_database, pool_size=1, pool_pre_ping=True)
    with engine.connect() as conn:
        in_database = set(conn.scalars(text(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'")))
        sequences = list(conn.scalars(text("SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'")))
    # Every table the migrations made (a table left out leaks one test's rows into the next);
    # children before parents, so no foreign key refuses a DELETE.
    ordered = [table.name for table in reversed(Base.metadata.sorted_tables) if table.name in in_database]
    ordered = sorted(in_database - set(ordered)) + ordered
    statement = "; ".join([f'DELETE FROM "{name}"' for name in ordered]
                          + ([f"SELECT {', '.join(f'setval({name!r}, 1, false)' for name in sequences)}"]
                             if sequences else []))

    def reset() -> None:
        with engine.begin() as conn:
            conn.exec_driver_sql(statement)

    yield reset
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path, sqlite_template):
    if request.param == "sqlite":
        path = tmp_path / "socialdesk.db"
        shutil.copy(sqlite_template, path)
        return f"sqlite:///{path}"
    request.getfixturevalue("postgres_reset")()
    return request.getfixturevalue("postgres_database")


class FakeClock:
    def __init__(self, start: datetime):
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs) -> datetime:
        self.now += timedelta(**kwargs)
        return self.now


@pytest.fixture
def clock():
    return FakeClock(datetime.now(timezone.utc).replace(microsecond=0))


@pytest.fixture
def env(request, database_url, slack_emulator, x_emulator, slack_state, x_state):
    """The environment an operator would set, pointed at the emulators, plus a
    test's own settings (@pytest.mark.settings(SLA_FIRST_RESPONSE="2s")), so
    the bot and the jobs of one test always share one configuration."""
    marker = request.node.get_closest_marker("settings")
    meta = {}
    if request.node.get_closest_marker("meta"):  # a Facebook Page on the Graph emulator as well
        graph, graph_state = request.getfixturevalue("graph_emulator"), request.getfixturevalue("graph_state")
        meta = {"GRAPH_API_URL": f"{graph.url}/v26.0", "META_PAGE_ID": graph_state.page_id,
                "META_PAGE_TOKEN": graph_state.page_token, "META_APP_SECRET": graph_state.app_secret,
                "META_VERIFY_TOKEN": graph_state.verify_token, "INSTAGRAM_ACCOUNT_ID": graph_state.ig_id}
        if request.node.get_closest_marker("instagram_login"):  # its own token, URL and webhook secret
            graph_state.ig_login = True
            meta.update(INSTAGRAM_TOKEN=graph_state.ig_token, INSTAGRAM_API_URL=f"{graph.url}/v26.0",
                        INSTAGRAM_APP_SECRET=graph_state.ig_app_secret)
    if request.node.get_closest_marker("trustpilot"):  # a Trustpilot business unit on its emulator as well
        tp, tp_state = request.getfixturevalue("trustpilot_emulator"), request.getfixturevalue("trustpilot_state")
        meta.update(TRUSTPILOT_API_URL=f"{tp.url}/v1", TRUSTPILOT_API_KEY=tp_state.api_key,
                    TRUSTPILOT_API_SECRET=tp_state.api_secret, TRUSTPILOT_BUSINESS_UNIT_ID=tp_state.business_unit_id,
                    TRUSTPILOT_USERNAME=tp_state.username, TRUSTPILOT_PASSWORD=tp_state.password,
                    TRUSTPILOT_BUSINESS_USER_ID=tp_state.business_user_id,
                    TRUSTPILOT_WEBHOOK_SECRET=tp_state.webhook_secret)
    if request.node.get_closest_marker("google"):  # a Business Profile account on the Google emulator as well
        gbp, gbp_state = request.getfixturevalue("google_emulator"), request.getfixturevalue("google_state")
        meta.update(GBP_API_URL=f"{gbp.url}/v4", GBP_INFO_URL=f"{gbp.url}/v1", GOOGLE_OAUTH_URL=f"{gbp.url}/token",
                    GOOGLE_CERTS_URL=f"{gbp.url}/oauth2/v1/certs", GBP_ACCOUNT_ID=gbp_state.account_id,
                    GBP_LOCATION_IDS=",".join(gbp_state.location_ids), GOOGLE_CLIENT_ID=gbp_state.client_id,
                    GOOGLE_CLIENT_SECRET=gbp_state.client_secret, GOOGLE_REFRESH_TOKEN=gbp_state.refresh_token,
                    GOOGLE_PUSH_AUDIENCE=gbp_state.push_audience,
                    GOOGLE_PUSH_SERVICE_ACCOUNT=gbp_state.push_service_account)
    if request.node.get_closest_marker("yelp"):  # Yelp businesses and Respond-to-Reviews access on the Yelp emulator
        yelp, yelp_state = request.getfixturevalue("yelp_emulator"), request.getfixturevalue("yelp_state")
        meta.update(YELP_API_URL=yelp.url, YELP_PARTNER_API_URL=yelp.url, YELP_API_KEY=yelp_state.api_key,
                    YELP_BUSINESS_IDS=",".join(yelp_state.businesses), YELP_TIMEZONE=yelp_state.zone,
                    YELP_PARTNER_CLIENT_ID=yelp_state.client_id, YELP_PARTNER_CLIENT_SECRET=yelp_state.client_secret,
                    YELP_PARTNER_REFRESH_TOKEN=yelp_state.refresh_token)
    if request.node.get_closest_marker("bluesky"):  # the brand's Bluesky account on the Bluesky emulator too
        sky, sky_state = request.getfixturevalue("bluesky_emulator"), request.getfixturevalue("bluesky_state")
        meta.update(BLUESKY_PDS_URL=sky.url, BLUESKY_HANDLE=sky_state.handle,
                    BLUESKY_APP_PASSWORD=sky_state.app_password)
    if request.node.get_closest_marker("threads"):  # the brand's Threads account on the Threads emulator too
        th, th_state = request.getfixturevalue("threads_emulator"), request.getfixturevalue("threads_state")
        meta.update(THREADS_API_URL=f"{th.url}/v1.0", THREADS_USER_ID=th_state.user_id, THREADS_TOKEN=th_state.token,
                    THREADS_APP_SECRET=th_state.app_secret, META_VERIFY_TOKEN=th_state.verify_token)
    return {
        "DATABASE_URL": database_url,
        "SLACK_BOT_TOKEN": slack_state.token, "SLACK_SIGNING_SECRET": slack_state.signing_secret,
        "SLACK_API_URL": slack_emulator.url + "/api/", "SLACK_CHANNEL": "C0SUPPORT",
        "X_API_URL": x_emulator.url, "X_API_KEY": x_state.api_key, "X_API_SECRET": x_state.api_secret,
        "X_ACCESS_TOKEN": x_state.access_token, "X_ACCESS_TOKEN_SECRET": x_state.access_token_secret,
        "BACKFILL": "all", **meta,
        **(marker.kwargs if marker else {}),
    }


@pytest.fixture
def make_deps(env, clock):
    from service.wiring import build_deps
    built = []

    def factory(**overrides):
        settings = load_settings({**env, **overrides}, "web")
        deps = build_deps(settings)
        deps.clock = clock
        built.append(deps)
        return deps

    yield factory
    for deps in built:
        deps.sessions.kw["bind"].dispose()


@pytest.fixture
def deps(make_deps):
    return make_deps()


# -- the bot's web app on loopback ---------------------------------------------------

class DrainableExecutor(ThreadPoolExecutor):
    """Bolt's lazy listeners run here; tests wait for them by joining, not sleeping."""

    def __init__(self, echoes=None):
        super().__init__(max_workers=4)
        self.futures = []
        self.echoes = echoes  # the Slack emulator's flush_echoes: its events about our own actions

    def submit(self, fn, *args, **kwargs):
        future = super().submit(fn, *args, **kwargs)
        self.futures.append(future)
        return future

    def drain(self, timeout: float = 30) -> None:
        """Until the lazy listeners are done and every echo they caused was
        delivered (and its own listeners are done): joined on, never slept."""
        while True:
            pending = [f for f in self.futures if not f.done()]
            if pending:
                wait(pending, timeout=timeout)
            elif not (self.echoes and self.echoes(timeout)):
                break
        for future in self.futures:
            future.result()  # surface exceptions from lazy listeners


class Bot:
    def __init__(self, deps, server, executor, slack_state):
        self.deps, self.server, self.executor, self.slack_state = deps, server, executor, slack_state
        self.events_url = server.url + "/slack/events"

    def post_json(self, payload: dict, headers: dict | None = None, timestamp: int | None = None):
        body, signed = json_request(self.slack_state.signing_secret, payload, timestamp)
        response = requests.post(self.events_url, data=body, headers={**signed, **(headers or {})}, timeout=10)
        self.executor.drain()
        return response

    def event(self, event: dict, headers: dict | None = None, envelope: dict | None = None):
        payload = envelope or event_envelope(event, self.slack_state.team_id, self.slack_state.bot_user_id)
        return self.post_json(payload, headers)

    def staff_says(self, root_ts: str, text: str, user: str = "U0ALICE"):
        message = self.slack_state.user_posts(user, "C0SUPPORT", text, thread_ts=root_ts, deliver=False,
                                              escape=False)
        response = self.event({**message, "event_ts": message["ts"], "channel_type": "channel"})
        return message, response


@pytest.fixture
def bot(deps, slack_state):
    from service.bolt_app import build_bolt_app
    from service.web import create_web_app
    executor = DrainableExecutor(echoes=slack_state.flush_echoes)
    app = create_web_app(deps, build_bolt_app(deps, executor=executor), executor=executor)
    server = BackgroundServer(app).start()
    slack_state.events_url = server.url + "/slack/events"
    yield Bot(deps, server, executor, slack_state)
    executor.drain()
    server.stop()
    executor.shutdown()


@pytest.fixture
def held_web(deps, slack_state):
    """The web app whose after-ack work (HeldExecutor) runs only when the test says so."""
    from service.bolt_app import build_bolt_app
    from service.web import create_web_app
    from tests.helpers import HeldExecutor
    executor = HeldExecutor()
    server = BackgroundServer(create_web_app(deps, build_bolt_app(deps, executor=executor),
                                             executor=executor)).start()
    executor.run()  # what a web does as it starts (nothing is left over yet)
    yield server, executor
    server.stop()


@pytest.fixture
def carol(deps, clock, x_state, slack_state):
    """A customer's X mention, polled into its Slack root: (tweet, root)."""
    from bot.inbound.poll import poll
    tweet = x_state.customer_mentions("carol", "@acme_support my parcel is lost")
    poll(deps, clock())
    return tweet, slack_state.roots("C0SUPPORT")[0]
