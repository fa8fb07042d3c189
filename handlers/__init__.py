"""Thin Slack and webhook handlers: parse, call one core function, ack."""
