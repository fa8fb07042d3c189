"""Local emulators of Slack, X, Meta, Threads, Bluesky, Trustpilot, Google Business Profile and Yelp that speak the real wire format, plus the demo."""
