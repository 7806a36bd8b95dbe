"""Our Broadcast and its backends: the fixes over broadcaster 0.3.1, against real servers."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest

from amicable.subscriptions.bus.backends import MemoryBackend
from amicable.subscriptions.bus.backends.postgres import PostgresBackend
from amicable.subscriptions.bus.backends.redis import RedisBackend
from amicable.subscriptions.bus.broadcast import Broadcast, SubscriberOverflowed
from tests.conftest import PG_URL, REDIS_URL
from tests.subscriptions.conftest import eventually


class _SlowSubscribeBackend(MemoryBackend):
    """SUBSCRIBE takes a round trip, as it does on Redis: the window 0.3.1 raced in."""

    subscribe_calls = 0

    async def subscribe(self, channel: str) -> None:
        self.subscribe_calls += 1
        await asyncio.sleep(0.05)
        await super().subscribe(channel)


async def test_concurrent_subscribers_of_one_channel_all_receive():
    backend = _SlowSubscribeBackend()
    async with Broadcast(backend=backend) as broadcast:

        async def first_event() -> str:
            async with broadcast.subscribe("c") as subscriber:
                return (await asyncio.wait_for(subscriber.get(), 5)).message

        tasks = [asyncio.create_task(first_event()) for _ in range(3)]
        await eventually(lambda: broadcast.subscriber_count("c") == 3)
        await broadcast.publish("c", "hello")
        assert await asyncio.gather(*tasks) == ["hello"] * 3
        assert backend.subscribe_calls == 1
        assert broadcast.subscriber_count() == 0


async def test_a_subscriber_that_falls_behind_is_dropped_and_others_are_not_delayed():
    broadcast = Broadcast("memory://", queue_size=3)
    async with broadcast, broadcast.subscribe("c") as slow, broadcast.subscribe("c") as fast:
        received = []
        for n in range(5):
            await broadcast.publish("c", str(n))
            received.append((await asyncio.wait_for(fast.get(), 5)).message)
        assert received == ["0", "1", "2", "3", "4"]
        assert slow.overflowed
        with pytest.raises(SubscriberOverflowed):
            while True:
                await asyncio.wait_for(slow.get(), 5)
    assert broadcast.subscriber_count() == 0


async def _round_trip(broadcast: Broadcast, channel: str, message: str) -> str:
    async with broadcast.subscribe(channel) as subscriber:
        # No wait between subscribing and publishing: ready means SUBSCRIBE completed.
        await broadcast.publish(channel, message)
        return (await asyncio.wait_for(subscriber.get(), 5)).message


@pytest.mark.redis
async def test_redis_is_ready_as_soon_as_subscribe_returns():
    assert REDIS_URL is not None
    async with Broadcast(backend=RedisBackend(REDIS_URL)) as broadcast:
        for n in range(20):
            assert await _round_trip(broadcast, f"amicable-test:{n}", f"m{n}") == f"m{n}"


async def test_redis_subscribers_keep_receiving_after_a_redis_restart(own_redis):
    backend = RedisBackend(own_redis.url)
    async with Broadcast(backend=backend) as broadcast, broadcast.subscribe("c") as subscriber:
        await broadcast.publish("c", "before")
        assert (await asyncio.wait_for(subscriber.get(), 5)).message == "before"
        own_redis.kill()
        await eventually(lambda: not backend.connected.is_set())
        own_redis.start()
        await asyncio.wait_for(backend.connected.wait(), 10)
        await broadcast.publish("c", "after")
        assert (await asyncio.wait_for(subscriber.get(), 5)).message == "after"
    assert backend.reconnections >= 1


@pytest.mark.postgres
async def test_postgres_is_ready_as_soon_as_subscribe_returns():
    assert PG_URL is not None
    async with Broadcast(backend=PostgresBackend(PG_URL)) as broadcast:
        for n in range(5):
            assert await _round_trip(broadcast, f"amicable-test:{n}", f"m{n}") == f"m{n}"


@pytest.mark.postgres
async def test_postgres_listeners_come_back_after_their_connection_is_killed():
    assert PG_URL is not None
    backend = PostgresBackend(PG_URL)
    broadcast = Broadcast(backend=backend)
    async with broadcast, broadcast.subscribe("amicable-test:restart") as subscriber:
        listener = backend._listen_conn
        assert listener is not None
        pid = listener.get_server_pid()
        admin = await asyncpg.connect(PG_URL.replace("postgres://", "postgresql://", 1))
        try:
            # What a server restart does to this connection.
            await admin.execute("SELECT pg_terminate_backend($1)", pid)
        finally:
            await admin.close()
        await eventually(lambda: backend.reconnections >= 1 and backend.connected.is_set())
        await broadcast.publish("amicable-test:restart", "after")
        assert (await asyncio.wait_for(subscriber.get(), 5)).message == "after"
