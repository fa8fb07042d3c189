"""SIGTERM and Ctrl-C for the long-running commands (`worker`, `sandbox`),
without the deadlock the obvious version has.

A Python signal handler runs in the main thread between two bytecodes. If that
thread is inside `Event.wait()` at the moment it still holds the event's lock,
a handler that calls `Event.set()` waits for that same lock forever: the
process ignores SIGTERM and, a worker, goes on claiming work. With job threads
busy it is not rare: 76 of 200 child processes hung that way here (CI saw one
worker never stop). So the handler only records the signal, an assignment that
takes no lock, and the main thread looks at it at least every `tick`."""
from __future__ import annotations

import signal
import threading


class StopRequest:
    """`wait(timeout)` returns True once SIGTERM or SIGINT arrived (handlers are
    installed when built in the main thread) or `external` was set by another
    thread (in-process tests)."""

    def __init__(self, external: threading.Event | None = None, tick: float = 0.2):
        self.external = external or threading.Event()
        self.tick = tick
        self.signal_number: int | None = None
        if threading.current_thread() is threading.main_thread():
            for number in (signal.SIGTERM, signal.SIGINT):
                signal.signal(number, self._record)

    def _record(self, number: int, _frame) -> None:
        self.signal_number = number  # nothing else: see the module docstring

    @property
    def requested(self) -> bool:
        return self.signal_number is not None or self.external.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until a stop is requested or `timeout` seconds passed (None:
        no limit); True when a stop is requested."""
        waited = 0.0
        while not self.requested and (timeout is None or waited < timeout):
            step = self.tick if timeout is None else min(self.tick, timeout - waited)
            # The handler interrupts this wait and Python resumes it, so a signal
            # is seen at the end of this step at the latest.
            self.external.wait(step)
            waited += step
        return self.requested
