"""Slack's Socket Mode side, for tests: `apps.connections.open` (served by the
Web API emulator) hands out this server's ws:// URL; the server greets each
client with Slack's `hello`, pushes envelopes to it and records the acks."""
from __future__ import annotations

import json
import threading
import uuid

from websockets.exceptions import ConnectionClosed
from websockets.sync.server import ServerConnection, serve

from sandbox.slack_signing import event_envelope


class SocketModeServer:
    def __init__(self, app_id: str = "A0SANDBOX"):
        self.app_id = app_id
        self.connections: list[ServerConnection] = []
        self.acks: dict[str, dict] = {}
        self.changed = threading.Condition()
        self._server = serve(self._handle, "127.0.0.1", 0)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.socket.getsockname()[:2]
        return f"ws://{host}:{port}/link/?ticket={uuid.uuid4()}&app_id={self.app_id}"

    def start(self) -> "SocketModeServer":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(10)

    def _handle(self, connection: ServerConnection) -> None:
        connection.send(json.dumps({"type": "hello", "num_connections": 1,
                                    "debug_info": {"host": "sandbox", "approximate_connection_time": 18060},
                                    "connection_info": {"app_id": self.app_id}}))
        with self.changed:
            self.connections.append(connection)
            self.changed.notify_all()
        try:
            for raw in connection:
                message = json.loads(raw)
                with self.changed:
                    self.acks[message.get("envelope_id", "")] = message
                    self.changed.notify_all()
        except ConnectionClosed:
            pass
        finally:
            with self.changed:
                self.connections.remove(connection)
                self.changed.notify_all()

    def wait_for_client(self, timeout: float) -> bool:
        with self.changed:
            return self.changed.wait_for(lambda: self.connections, timeout)

    def send_event(self, event: dict) -> str:
        """An Events API event, wrapped as Slack wraps it for Socket Mode."""
        envelope_id = str(uuid.uuid4())
        envelope = {"envelope_id": envelope_id, "type": "events_api", "accepts_response_payload": False,
                    "retry_attempt": 0, "retry_reason": "", "payload": event_envelope(event, api_app_id=self.app_id)}
        with self.changed:
            connection = self.connections[0]
        connection.send(json.dumps(envelope))
        return envelope_id

    def wait_for_ack(self, envelope_id: str, timeout: float) -> dict | None:
        with self.changed:
            self.changed.wait_for(lambda: envelope_id in self.acks, timeout)
            return self.acks.get(envelope_id)
