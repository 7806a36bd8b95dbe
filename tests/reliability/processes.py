"""Real `amicable` processes for the fault tests: started with an environment of their own,
waited for, and stopped within a bound."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.subscriptions.conftest import free_port

SECRET = "test-secret-key"


class AmicableProcess:
    """`amicable <command>` as a subprocess; its output goes to `<workdir>/<name>.log`."""

    def __init__(self, workdir: Path, args: list[str], env: dict[str, str], name: str) -> None:
        self.workdir = workdir
        self.args = args
        self.env = env
        self.name = name
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def log_path(self) -> Path:
        return self.workdir / f"{self.name}.log"

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def start(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        environment = {
            **os.environ,
            "AMICABLE_DATA_DIR": str(self.workdir),
            "AMICABLE_SECRET_KEY": SECRET,
            "AMICABLE_SMTPD_BIND": "off",
            **self.env,
        }
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "amicable.cli", *self.args],
                env=environment,
                cwd=self.workdir,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def signal(self, number: int) -> None:
        assert self.process is not None
        self.process.send_signal(number)

    def wait(self, within: float) -> int:
        assert self.process is not None
        code = self.process.wait(within)
        self.process = None
        return code

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)
        self.process = None


class ServeProcess(AmicableProcess):
    def __init__(self, workdir: Path, env: dict[str, str], name: str = "serve") -> None:
        self.port = free_port()
        super().__init__(workdir, ["serve", "--port", str(self.port)], env, name)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait_healthy(self, within: float = 30) -> None:
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            assert self.process is not None and self.process.poll() is None, self.log_text()
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise TimeoutError(f"amicable serve on {self.port} did not come up:\n{self.log_text()}")
