"""The Slack side: the Web API client, rendering of roots and notices, who may publish."""
