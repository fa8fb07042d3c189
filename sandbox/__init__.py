"""Local emulators of Slack, X and Meta that speak the real wire format, plus the demo."""
