"""Mail: the outbox and its sender, the inbound doors and pipeline, reply trimming, templates."""
