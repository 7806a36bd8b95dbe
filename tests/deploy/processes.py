"""Real `amicable` processes for the deployment tests: started like an operator would,
waited on through their health endpoint, and always stopped."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

AMICABLE = str(Path(sys.executable).with_name("amicable"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def clean_env(**extra: str) -> dict[str, str]:
    """This process's environment without any AMICABLE_* variable, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AMICABLE_")}
    return {**env, **extra}


class Process:
    def __init__(self, argv: list[str], *, env: dict[str, str], cwd: Path, log: Path) -> None:
        self.argv = argv
        self.log = log
        # Output goes to a file: a pipe nobody reads fills up and blocks the process.
        with log.open("wb") as log_file:
            self.process = subprocess.Popen(
                argv, env=env, cwd=cwd, stdout=log_file, stderr=subprocess.STDOUT
            )

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


class Server(Process):
    def __init__(self, port: int, argv: list[str], **kwargs: Any) -> None:
        super().__init__(argv, **kwargs)
        self.port = port
        self.url = f"http://127.0.0.1:{port}"

    def wait_healthy(self, seconds: float = 90) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"{self.argv} exited early:\n{self.output()}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        self.stop()
        raise AssertionError(f"{self.argv} not healthy within {seconds} s:\n{self.output()}")

    def graphql(self, query: str, token: str | None = None, **variables: object) -> Any:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = httpx.post(
            f"{self.url}/graphql",
            json={"query": query, "variables": variables},
            headers=headers,
            timeout=30,
        )
        return response.json()


def serve(
    workdir: Path, *args: str, env: dict[str, str] | None = None, port: int | None = None
) -> Server:
    """`amicable serve` in `workdir` (its ./var), on a free port, healthy on return."""
    port = port or free_port()
    server = Server(
        port,
        [AMICABLE, "serve", "--port", str(port), *args],
        env=env or clean_env(AMICABLE_SMTPD_BIND="off"),
        cwd=workdir,
        log=workdir / f"serve-{port}.log",
    )
    server.wait_healthy()
    return server
