"""The GraphQL explorer: served from the package (never a CDN), on by default outside
production, and working in a real headless Chromium."""

from __future__ import annotations

import json
import re
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import httpx
import pytest
from websockets.sync.client import connect

from amicable.schema.explorer import ASSETS_DIR, explorer_enabled
from amicable.settings import Settings


def test_switch_defaults_to_auto_and_reads_booleans():
    assert Settings(_env_file=None).graphiql == "auto"  # type: ignore[call-arg]
    assert Settings(_env_file=None, graphiql="false").graphiql == "off"  # type: ignore[call-arg]
    assert Settings(_env_file=None, graphiql=True).graphiql == "on"  # type: ignore[call-arg]
    assert explorer_enabled(Settings(_env_file=None))  # type: ignore[call-arg]
    assert not explorer_enabled(Settings(_env_file=None, graphiql="off"))  # type: ignore[call-arg]


def test_refuses_an_unknown_switch_value():
    with pytest.raises(ValueError, match="graphiql"):
        Settings(_env_file=None, graphiql="maybe")  # type: ignore[call-arg]


async def test_page_and_assets_come_from_this_origin(client):
    page = await client.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert "default-src 'none'" in page.headers["content-security-policy"]
    sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert sources and all(s.startswith("/graphiql-assets/") for s in sources), sources
    for source in sources:
        asset = await client.get(source)
        assert asset.status_code == 200, source
    assert "unpkg" not in page.text and "jsdelivr" not in page.text


def test_vendored_files_reference_no_cdn():
    for path in ASSETS_DIR.glob("*.js"):
        text = path.read_text("utf-8")
        assert "unpkg.com" not in text and "cdn.jsdelivr" not in text, path.name


async def test_off_means_no_page(settings, services):
    from amicable.app import create_app

    off = settings.model_copy(update={"graphiql": "off"})
    services.settings = off
    app = create_app(off, services=services)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        page = await http.get("/graphql", headers={"Accept": "text/html"})
        assert "graphiql" not in page.text.lower()
        assert (await http.get("/graphiql-assets/start.js")).status_code == 404


# --- a real browser -------------------------------------------------------------------------


class Browser:
    """Headless Chromium driven over the DevTools protocol."""

    def __init__(self, profile: Path) -> None:
        self.process = subprocess.Popen(
            [
                "chromium",
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-extensions",
                "--disable-background-networking",
                f"--user-data-dir={profile}",
                "--remote-debugging-port=0",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 60
        while not port_file.exists() or not port_file.read_text().strip():
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise AssertionError("chromium did not start its DevTools endpoint")
            time.sleep(0.1)
        port = port_file.read_text().split()[0]
        targets = httpx.get(f"http://127.0.0.1:{port}/json/list", timeout=10).json()
        page = next(t for t in targets if t["type"] == "page")
        self.debugger_url: str = page["webSocketDebuggerUrl"]
        self.socket: Any = None
        self.next_id = 0
        self.events: list[dict[str, Any]] = []

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        self.next_id += 1
        self.socket.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv(timeout=60))
            if message.get("id") == self.next_id:
                assert "error" not in message, message
                return message["result"]
            self.events.append(message)

    def evaluate(self, expression: str) -> Any:
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return result["result"].get("value")

    def wait_for(self, expression: str, seconds: float = 30) -> Any:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            value = self.evaluate(expression)
            if value:
                return value
            time.sleep(0.2)
        page = self.evaluate("document.documentElement.outerHTML.slice(0, 2000)")
        problems = [
            event["params"]
            for event in self.events
            if event.get("method") in ("Runtime.exceptionThrown", "Log.entryAdded")
            or event.get("method") == "Runtime.consoleAPICalled"
        ]
        raise AssertionError(f"timed out waiting for {expression}: {problems}\n{page}")

    def close(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Browser]:
    profile = tmp_path / "chromium"
    profile.mkdir()
    opened = Browser(profile)
    try:
        with connect(opened.debugger_url, max_size=None, open_timeout=30) as socket:
            opened.socket = socket
            yield opened
    finally:
        opened.close()


@pytest.mark.browser
def test_explorer_runs_a_query_in_chromium(browser, demo_server):
    browser.call("Network.enable")
    browser.call("Runtime.enable")
    browser.call("Log.enable")
    query = '{ companies(search: "telenova") { nodes { name slug } } }'
    browser.call("Page.navigate", url=f"{demo_server.url}/graphql#query={quote(query)}")
    browser.wait_for("!!document.querySelector('.graphiql-execute-button')")
    browser.evaluate("document.querySelector('.graphiql-execute-button').click()")
    answer = browser.wait_for(
        "(() => { const r = document.querySelector('.graphiql-response');"
        " return r && r.innerText.includes('slug') ? r.innerText : ''; })()"
    )
    assert '"name": "Telenova"' in answer and '"slug": "telenova"' in answer, answer
    requested = {
        event["params"]["request"]["url"]
        for event in browser.events
        if event.get("method") == "Network.requestWillBeSent"
    }
    origins = {urlsplit(url).netloc for url in requested if not url.startswith("data:")}
    assert origins == {urlsplit(demo_server.url).netloc}, requested
