"""The fault tests reuse the real-time tests' servers: uvicorn in the test's loop, and a
redis-server of their own that a test may kill and restart."""

from tests.subscriptions.conftest import live, own_redis, serve

__all__ = ["live", "own_redis", "serve"]
