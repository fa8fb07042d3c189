"""The demo page's own endpoints: bad input is a 400 with a one-line error,
an absent bot a 503 — never a 500 (the browser test covers the happy path)."""
from __future__ import annotations

import pytest

from sandbox.page import create_page


@pytest.fixture
def page(slack_state, x_state):
    slack_state.events_url = "http://127.0.0.1:9/slack/events"  # no bot listening
    return create_page(slack_state, x_state).test_client()


@pytest.mark.parametrize("path, body", [
    ("/customer", {}), ("/customer", {"username": "carol"}), ("/staff", {"user": "U0ALICE"}),
    ("/command", {"user": "U0NOBODY"}), ("/action", {"user": "U0NOBODY", "ts": "1.1", "action": {"action_id": "x"}}),
    ("/action", {"user": "U0ALICE", "ts": "1.1"}),
    ("/action", {"user": "U0ALICE", "ts": "1.1", "action": "claim"})])
def test_bad_input_is_a_400_with_one_line(page, path, body):
    response = page.post(path, json=body)
    assert response.status_code == 400
    assert response.json["ok"] is False and "\n" not in response.json["error"]


def test_a_command_while_the_bot_is_down_is_a_503(page):
    response = page.post("/command", json={"user": "U0ALICE", "text": "status"})
    assert response.status_code == 503 and response.json["error"].startswith("the bot did not answer")


def test_customer_post_shows_in_the_state(page, x_state):
    assert page.post("/customer", json={"username": "@nina", "text": "@acme_support hi"}).json["ok"]
    state = page.get("/state").json
    assert [t["author"] for t in state["x"]] == ["@nina"] and state["channel"] == []
    assert {s["id"] for s in state["staff"]} == {"U0ALICE", "U0BOB", "U0MANAGER"}


def test_a_slash_command_names_people_as_slack_sends_them(slack_state):
    from sandbox.page import escape_mentions
    assert escape_mentions(slack_state, " assign #1 @bob ") == "assign #1 <@U0BOB|bob>"
    assert escape_mentions(slack_state, "assign #1 @nobody") == "assign #1 @nobody"  # Slack leaves unknown names
    assert escape_mentions(slack_state, "assign #1 <@U0BOB|bob>") == "assign #1 <@U0BOB|bob>"


def test_a_second_sandbox_on_a_taken_port_leaves_the_first_ones_database_alone(tmp_path, capsys):
    """A newcomer runs `make demo` twice: the second used to empty the
    database under the first one's bot, then fail on the port."""
    import socket

    from sandbox.runner import run_sandbox
    (tmp_path / "sandbox.db").write_bytes(b"the running sandbox's data")
    with socket.socket() as first_one:
        first_one.bind(("127.0.0.1", 0))
        first_one.listen()
        port = first_one.getsockname()[1]
        assert run_sandbox(port=port, data_dir=str(tmp_path)) == 1
    assert (tmp_path / "sandbox.db").read_bytes() == b"the running sandbox's data"
    said = capsys.readouterr().err
    assert f"port {port} is in use" in said and "--port" in said and said.count("\n") == 1
