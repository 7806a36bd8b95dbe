"""Channels, the event bus over broadcaster, and subscription generators."""
