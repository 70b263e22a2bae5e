"""A headless chromium driven through its remote debugging protocol (DevTools), with
only the standard library: a minimal WebSocket client, JavaScript evaluated in the
page, screenshots. Enough for the HTML report's tests and docs screenshots."""

from __future__ import annotations

import base64
import json
import os
import shutil
import socket
import struct
import subprocess
import time
import urllib.request
from pathlib import Path
from typing import Any

__all__ = ["BROWSERS", "find_browser", "Browser"]

BROWSERS = ("chromium", "chromium-browser", "google-chrome")


def find_browser() -> str | None:
    """The first chromium-like browser on ``PATH``, or ``None``."""
    return next((shutil.which(b) for b in BROWSERS if shutil.which(b)), None)


class Browser:
    """``with Browser(exe, profile) as b: b.open(url); b.eval("1+1")``: one headless
    chromium with one page, its size ``width`` by ``height``."""

    def __init__(self, exe: str, profile: Path, width: int = 1200, height: int = 900, timeout: float = 60):
        self.timeout, self.n = timeout, 0
        self.errors: list[str] = []  # the page's uncaught exceptions
        profile.mkdir(parents=True, exist_ok=True)
        (profile / "DevToolsActivePort").unlink(missing_ok=True)  # (a stale one names a closed port)
        self.proc = subprocess.Popen(
            [exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--hide-scrollbars", "--remote-debugging-port=0",
             f"--user-data-dir={profile}", f"--window-size={width},{height}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        try:
            port = self.port(profile / "DevToolsActivePort")
            pages = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=timeout))
            ws = next(p["webSocketDebuggerUrl"] for p in pages if p["type"] == "page")
            self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
            self.handshake(ws.split(str(port), 1)[1], port)
            self.call("Runtime.enable")
            self.call("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1, mobile=False)
        except BaseException:
            self.close()
            raise

    def port(self, path: Path) -> int:
        end = time.monotonic() + self.timeout
        while time.monotonic() < end:
            if path.exists() and path.read_text().strip():
                return int(path.read_text().split()[0])
            if self.proc.poll() is not None:
                raise RuntimeError(f"the browser exited with code {self.proc.returncode} before listening")
            time.sleep(0.05)
        raise TimeoutError("the browser opened no debugging port")

    def handshake(self, path: str, port: int) -> None:
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall(
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n".encode()
        )
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise ConnectionError("the browser closed the debugging connection")
            head += chunk
        if b" 101 " not in head.split(b"\r\n", 1)[0]:
            raise ConnectionError(f"no WebSocket: {head[:200]!r}")

    def send(self, data: bytes) -> None:
        mask = os.urandom(4)
        n = len(data)
        head = struct.pack(">BB", 0x81, 0x80 | n) if n < 126 else (
            struct.pack(">BBH", 0x81, 0xFE, n) if n < 65536 else struct.pack(">BBQ", 0x81, 0xFF, n))
        self.sock.sendall(head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))

    def exact(self, n: int) -> bytes:
        buf = bytearray()
        while len(buf) < n:
            chunk = self.sock.recv(n - len(buf))
            if not chunk:
                raise ConnectionError("the browser closed the debugging connection")
            buf += chunk
        return bytes(buf)

    def receive(self) -> dict[str, Any]:
        data = b""
        while True:
            b0, b1 = self.exact(2)
            n = b1 & 0x7F
            if n == 126:
                (n,) = struct.unpack(">H", self.exact(2))
            elif n == 127:
                (n,) = struct.unpack(">Q", self.exact(8))
            data += self.exact(n)
            if b0 & 0x80:
                return json.loads(data)

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        """Send one DevTools command and return its result (events on the way are dropped)."""
        self.n += 1
        self.send(json.dumps({"id": self.n, "method": method, "params": params}).encode())
        while True:
            msg = self.receive()
            if msg.get("method") == "Runtime.exceptionThrown":
                d = msg["params"]["exceptionDetails"]
                self.errors.append(d.get("exception", {}).get("description") or d.get("text", ""))
            elif msg.get("id") == self.n:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})

    def eval(self, expr: str) -> Any:
        """The value of the JavaScript ``expr`` in the page (a promise is awaited)."""
        r = self.call("Runtime.evaluate", expression=expr, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in r:
            raise RuntimeError(f"{expr[:80]}: {r['exceptionDetails'].get('exception', {}).get('description')}")
        return r["result"].get("value")

    def wait(self, expr: str, timeout: float = 10) -> Any:
        """Poll ``expr`` until it is truthy; returns its value."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            v = self.eval(expr)
            if v:
                return v
            time.sleep(0.05)
        raise TimeoutError(f"never true: {expr}")

    def open(self, url: str) -> None:
        """Load ``url`` and wait until its document is complete."""
        self.call("Page.navigate", url=url)
        self.wait(f"location.href === {json.dumps(url)} && document.readyState === 'complete'")

    def screenshot(self, path: Path, full: bool = False) -> Path:
        """A PNG of the viewport (or the whole page, ``full``) at ``path``."""
        params: dict[str, Any] = {"format": "png"}
        if full:
            h = self.eval("Math.ceil(document.documentElement.scrollHeight)")
            w = self.eval("document.documentElement.clientWidth")
            params.update(captureBeyondViewport=True, clip={"x": 0, "y": 0, "width": w, "height": h, "scale": 1})
        path.write_bytes(base64.b64decode(self.call("Page.captureScreenshot", **params)["data"]))
        return path

    def close(self) -> None:
        if getattr(self, "sock", None) is not None:
            self.sock.close()
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
