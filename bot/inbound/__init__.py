"""Customer posts coming in: recording, polling, webhook deliveries, platform tokens."""
