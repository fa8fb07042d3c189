"""The emulators of sandbox/ as fixtures, one state and one server per platform
and test (tests/conftest.py takes them in as its own)."""
from __future__ import annotations

import pytest

from sandbox.bluesky_emulator import BlueskyState, create_bluesky_emulator
from sandbox.google_emulator import GoogleState, create_google_emulator
from sandbox.graph_emulator import GraphState, create_graph_emulator
from sandbox.serve import BackgroundServer
from sandbox.slack_emulator import SlackState, create_slack_emulator
from sandbox.threads_emulator import ThreadsState, create_threads_emulator
from sandbox.trustpilot_emulator import TrustpilotState, create_trustpilot_emulator
from sandbox.x_emulator import XState, create_x_emulator
from sandbox.yelp_emulator import YelpState, create_yelp_emulator


@pytest.fixture
def slack_state(clock):
    # Echoes on, as in real Slack: our own posts, edits and reactions come back as events.
    return SlackState(echo_bot_messages=True, clock=lambda: clock().timestamp())


@pytest.fixture
def x_state(clock):
    return XState(clock=lambda: clock().timestamp())


@pytest.fixture
def graph_state(clock):
    return GraphState(clock=lambda: clock().timestamp())


@pytest.fixture
def graph_emulator(graph_state):
    server = BackgroundServer(create_graph_emulator(graph_state)).start()
    yield server
    server.stop()


@pytest.fixture
def trustpilot_state(clock):
    return TrustpilotState(clock=lambda: clock().timestamp())


@pytest.fixture
def trustpilot_emulator(trustpilot_state):
    server = BackgroundServer(create_trustpilot_emulator(trustpilot_state)).start()
    yield server
    server.stop()


@pytest.fixture
def google_state(clock):
    return GoogleState(clock=lambda: clock().timestamp())


@pytest.fixture
def google_emulator(google_state):
    server = BackgroundServer(create_google_emulator(google_state)).start()
    yield server
    server.stop()


@pytest.fixture
def yelp_state(clock):
    state = YelpState(clock=lambda: clock().timestamp())
    state.business("Acme Diner")
    return state


@pytest.fixture
def yelp_emulator(yelp_state):
    server = BackgroundServer(create_yelp_emulator(yelp_state)).start()
    yield server
    server.stop()


@pytest.fixture
def webhooks_on(bot, graph_state):
    """The Graph emulator pushes every change to the bot's /webhooks/meta."""
    graph_state.webhook_url = bot.server.url + "/webhooks/meta"
    return bot


@pytest.fixture
def bluesky_state(clock):
    return BlueskyState(clock=lambda: clock().timestamp())


@pytest.fixture
def bluesky_emulator(bluesky_state):
    server = BackgroundServer(create_bluesky_emulator(bluesky_state)).start()
    yield server
    server.stop()


@pytest.fixture
def threads_state(clock):
    return ThreadsState(clock=lambda: clock().timestamp())


@pytest.fixture
def threads_emulator(threads_state):
    server = BackgroundServer(create_threads_emulator(threads_state)).start()
    yield server
    server.stop()


@pytest.fixture
def slack_emulator(slack_state):
    server = BackgroundServer(create_slack_emulator(slack_state)).start()
    yield server
    server.stop()


@pytest.fixture
def x_emulator(x_state):
    server = BackgroundServer(create_x_emulator(x_state)).start()
    yield server
    server.stop()
