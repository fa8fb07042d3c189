"""socialdesk core: turns Slack into a social-media customer-service desk."""
