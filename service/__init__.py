"""The running service above the core: the `socialdesk` command line, the HTTP
app and its server, the scheduler and the Bolt wiring. The core (bot/) never
imports this package, handlers/ or sandbox/ (tests/test_layout.py checks it)."""
