"""One `amicable serve --demo` for the tests that only read the demo."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.deploy.processes import Server, serve


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    server = serve(tmp_path_factory.mktemp("demo"), "--demo")
    yield server
    server.stop()
