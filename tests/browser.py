"""A real headless browser for the page tests: Debian's chromium, driven over its DevTools protocol.

One browser per session; each page opens in a fresh tab. What a test reads back: the console
errors and failed loads, every request the page made (to prove it loads offline), the links as
the browser resolved them, and a full-page screenshot. The browser runs in its own process group
and is killed with all its children.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from websockets.sync.client import connect

BROWSERS = ("chromium", "chromium-browser", "google-chrome")


def find_browser() -> str | None:
    return next((found for name in BROWSERS if (found := shutil.which(name))), None)


@dataclass
class Page:
    url: str
    errors: list[str] = field(default_factory=list)  # console errors, exceptions, failed loads
    requests: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)  # CSS selector -> its text, as asked


class Browser:
    def __init__(self, profile: Path, timeout_s: float = 30.0) -> None:
        executable = find_browser()
        if executable is None:
            raise RuntimeError("no chromium on PATH (apt-get install chromium)")
        self.timeout_s = timeout_s
        self.process = subprocess.Popen(
            [
                executable,
                "--headless=new",
                "--no-sandbox",  # tests run as root in CI containers
                "--disable-gpu",
                "--no-first-run",
                "--hide-scrollbars",
                "--remote-debugging-port=0",
                f"--user-data-dir={profile}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        self._stack = contextlib.ExitStack()
        self.socket = self._stack.enter_context(connect(self._devtools_url(), max_size=None, open_timeout=timeout_s))
        self._next_id = 0
        self._lock = threading.Lock()

    def _devtools_url(self) -> str:
        assert self.process.stderr is not None
        deadline = time.monotonic() + self.timeout_s
        seen = []
        while time.monotonic() < deadline:
            line = self.process.stderr.readline()
            if not line and self.process.poll() is not None:
                break
            seen.append(line)
            found = re.search(r"DevTools listening on (ws://\S+)", line)
            if found:
                # keep draining stderr, or a chatty browser blocks on a full pipe
                threading.Thread(target=self.process.stderr.read, daemon=True).start()
                return found.group(1)
        self.close()
        raise RuntimeError("chromium did not start:\n" + "".join(seen[-20:]))

    def _send(self, method: str, params: dict | None = None, session: str | None = None) -> int:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        self.socket.send(json.dumps(message))
        return self._next_id

    def _call(self, method: str, params: dict | None = None, session: str | None = None, events=None) -> dict:
        """Send one command and wait for its answer; events that arrive meanwhile go to ``events``."""
        wanted = self._send(method, params, session)
        while True:
            message = json.loads(self.socket.recv(timeout=self.timeout_s))
            if message.get("id") == wanted:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            if events is not None and "method" in message:
                events.append(message)

    def open(self, url: str, *, screenshot: Path | None = None, texts: tuple[str, ...] = ()) -> Page:
        with self._lock:
            return self._open(url, screenshot, texts)

    def _open(self, url: str, screenshot: Path | None, texts: tuple[str, ...]) -> Page:
        target = self._call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self._call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        events: list[dict] = []
        try:
            for domain in ("Page", "Runtime", "Log", "Network"):
                self._call(f"{domain}.enable", session=session, events=events)
            self._call(
                "Emulation.setDeviceMetricsOverride",
                {"width": 1200, "height": 900, "deviceScaleFactor": 1, "mobile": False},
                session=session,
            )
            self._call("Page.navigate", {"url": url}, session=session, events=events)
            self._wait_for(events, "Page.loadEventFired", session)
            page = Page(url)
            page.links = self._evaluate("[...document.querySelectorAll('a[href]')].map(a => a.href)", session, events)
            for selector in texts:
                found = f"document.querySelector({json.dumps(selector)})"
                # innerText keeps the lines of HTML; an SVG element only has textContent
                page.texts[selector] = self._evaluate(
                    f"{found} ? ({found}.innerText ?? {found}.textContent) : ''", session, events
                )
            if screenshot is not None:
                self._screenshot(screenshot, session, events)
            page.errors, page.requests = _errors(events), _requests(events)
            return page
        finally:
            self._call("Target.closeTarget", {"targetId": target})

    def _wait_for(self, events: list[dict], method: str, session: str) -> None:
        deadline = time.monotonic() + self.timeout_s
        while not any(e["method"] == method and e.get("sessionId") == session for e in events):
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"{method} did not come within {self.timeout_s:g} s")
            message = json.loads(self.socket.recv(timeout=left))
            if "method" in message:
                events.append(message)

    def _evaluate(self, expression: str, session: str, events: list[dict]) -> Any:
        result = self._call(
            "Runtime.evaluate", {"expression": expression, "returnByValue": True}, session=session, events=events
        )
        return result["result"].get("value")

    def _screenshot(self, path: Path, session: str, events: list[dict]) -> None:
        height = self._evaluate("document.documentElement.scrollHeight", session, events)
        self._call(
            "Emulation.setDeviceMetricsOverride",
            {"width": 1200, "height": min(int(height or 900), 8000), "deviceScaleFactor": 1, "mobile": False},
            session=session,
            events=events,
        )
        shot = self._call("Page.captureScreenshot", {"format": "png"}, session=session, events=events)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(shot["data"]))

    def close(self) -> None:
        try:
            if hasattr(self, "_stack"):
                self._stack.close()
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


def _errors(events: list[dict]) -> list[str]:
    found = []
    for event in events:
        params = event.get("params", {})
        if event["method"] == "Runtime.exceptionThrown":
            found.append(params["exceptionDetails"].get("text", "exception"))
        elif event["method"] == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            found.append(" ".join(str(a.get("value", a.get("description", ""))) for a in params.get("args", [])))
        elif event["method"] == "Log.entryAdded" and params["entry"].get("level") == "error":
            found.append(f"{params['entry'].get('text')} ({params['entry'].get('url', '')})")
        elif event["method"] == "Network.loadingFailed":
            found.append(f"failed to load: {params.get('errorText')}")
    return found


def _requests(events: list[dict]) -> list[str]:
    return [e["params"]["request"]["url"] for e in events if e["method"] == "Network.requestWillBeSent"]
