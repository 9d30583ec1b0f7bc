"""Node.js clients for the e2e tests: xmpp.js (a second XMPP library) and Converse.js in
headless Chromium (puppeteer-core), both under tests/e2e/js (package.json and
package-lock.json there; scripts/setup runs `npm ci`).

A node script here speaks JSON lines: events and command outcomes on stdout, commands
(each with an "id") on stdin. `NodeScript` runs one and gives the test `await call(op, ...)`.
`XmppJsClient` also keeps every stanza xmpp.js received, with the same expect() and
collect_until() as harness.client.Client.

When node, the npm packages or Chromium are missing the tests are skipped, or fail when
CI=true (as a missing component binary does).
"""
from __future__ import annotations

import asyncio
import json
import os
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import List, Optional

import pytest

from .client import DEFAULT_TIMEOUT, Client
from .stanza import Stanza

JS_DIR = Path(__file__).resolve().parents[1] / "js"
REPO = Path(__file__).resolve().parents[3]
CHROMIUM = os.environ.get("MUC_E2E_CHROMIUM", "/usr/bin/chromium")


def _missing(what: str) -> None:
    msg = f"{what} (scripts/setup installs it)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true and {msg}", pytrace=False)
    pytest.skip(msg)


def require_node(browser: bool = False) -> str:
    """The node binary, after checking that the npm packages (and Chromium) are there."""
    node = shutil.which("node")
    if not node:
        _missing("node is not installed")
    for pkg in ("@xmpp/client", "puppeteer-core", "converse.js"):
        if not (JS_DIR / "node_modules" / pkg / "package.json").is_file():
            _missing(f"the npm package {pkg} is not installed in {JS_DIR} (npm ci)")
    if browser and not os.access(CHROMIUM, os.X_OK):
        _missing(f"Chromium is not installed at {CHROMIUM}")
    return node


def artifacts_dir() -> Path:
    """Where tests leave files for people to look at (screenshots), kept after the session
    (the e2e work directory is removed when every test passed): MUC_E2E_ARTIFACTS, by
    default build/e2e-artifacts in the repository."""
    d = Path(os.environ.get("MUC_E2E_ARTIFACTS") or REPO / "build" / "e2e-artifacts")
    d.mkdir(parents=True, exist_ok=True)
    return d


def c2s_port(env) -> int:
    """The session's c2s port, whichever XMPP server it started."""
    port = getattr(env, "c2s_port", None)
    return int(port) if port else env.prosody.c2s_port


class NodeScript:
    """One node process speaking the JSON-lines protocol above."""

    def __init__(self, name: str, script: str, config: dict, stderr_path: Path):
        self.name, self.script, self.config = name, script, config
        self.stderr_path = stderr_path
        self.proc: Optional[asyncio.subprocess.Process] = None
        self.events: List[dict] = []
        self._calls = {}
        self._next = 0
        self._reader: Optional[asyncio.Task] = None
        self._online: Optional[asyncio.Future] = None

    async def start(self, timeout: float = 20.0) -> dict:
        """Starts the script and waits for its first {"event": "online"} (returned)."""
        node = require_node(browser="converse" in self.script)
        self.stderr_path.parent.mkdir(parents=True, exist_ok=True)
        self._stderr = open(self.stderr_path, "ab")
        self.proc = await asyncio.create_subprocess_exec(
            node, str(JS_DIR / self.script), json.dumps(self.config), cwd=str(JS_DIR),
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=self._stderr,
            limit=16 * 1024 * 1024)
        self._online = asyncio.get_running_loop().create_future()
        self._reader = asyncio.create_task(self._read())
        try:
            return await asyncio.wait_for(asyncio.shield(self._online), timeout)
        except asyncio.TimeoutError:
            raise AssertionError(f"{self.name}: {self.script} not online within {timeout}s; "
                                 f"stderr:\n{self.stderr()}") from None

    def stderr(self) -> str:
        try:
            return self.stderr_path.read_text(errors="replace")[-4000:]
        except OSError:
            return ""

    async def _read(self) -> None:
        assert self.proc and self.proc.stdout
        while True:
            line = await self.proc.stdout.readline()
            if not line:
                break
            msg = json.loads(line)
            self.events.append(msg)
            if msg.get("event") == "online" and not self._online.done():
                self._online.set_result(msg)
            elif "id" in msg and msg["id"] in self._calls:
                fut = self._calls.pop(msg["id"])
                if not fut.done():
                    fut.set_result(msg)
            self.on_event(msg)
        code = await self.proc.wait()
        err = AssertionError(f"{self.name}: {self.script} exited with status {code}; "
                             f"stderr:\n{self.stderr()}")
        if not self._online.done():
            self._online.set_exception(err)
        for fut in self._calls.values():
            if not fut.done():
                fut.set_exception(err)
        self._calls.clear()

    def on_event(self, msg: dict) -> None:
        pass

    async def call(self, op: str, timeout: float = DEFAULT_TIMEOUT + 5, **args) -> dict:
        """Sends a command and returns its outcome {"id", "ok", ...} (ok False is returned,
        not raised: the test asserts on it)."""
        assert self.proc and self.proc.stdin
        self._next += 1
        cid = self._next
        fut = asyncio.get_running_loop().create_future()
        self._calls[cid] = fut
        self.proc.stdin.write((json.dumps({"id": cid, "op": op, **args}) + "\n").encode())
        await self.proc.stdin.drain()
        try:
            return await asyncio.wait_for(fut, timeout)
        except asyncio.TimeoutError:
            raise AssertionError(f"{self.name}: no outcome of {op} {args} within {timeout}s; "
                                 f"stderr:\n{self.stderr()}") from None

    async def close(self, timeout: float = 5.0) -> None:
        if self.proc is None:
            return
        if self.proc.returncode is None:
            # End of input: the script stops its session (and its browser) and exits. Then
            # SIGTERM (puppeteer closes the browser on it), and last SIGKILL; only this PID.
            for stop in (self.proc.stdin.close, self.proc.terminate, self.proc.kill):
                try:
                    stop()
                    await asyncio.wait_for(self.proc.wait(), timeout)
                    break
                except (asyncio.TimeoutError, BrokenPipeError, ConnectionResetError,
                        ProcessLookupError):
                    continue
        if self._reader:
            await asyncio.gather(self._reader, return_exceptions=True)
        self._stderr.close()


class XmppJsClient(NodeScript):
    """xmpp.js through js/xmppjs-driver.js; inbound stanzas as harness Stanza objects."""

    def __init__(self, name: str, port: int, stderr_path: Path, resource: str):
        super().__init__(name, "xmppjs-driver.js",
                         {"port": port, "username": name, "password": f"{name}pw",
                          "resource": resource}, stderr_path)
        self.jid = ""
        self.pending: List[Stanza] = []
        self.received: List[Stanza] = []
        self._waiters: List[asyncio.Future] = []

    async def start(self, timeout: float = 20.0) -> dict:
        online = await super().start(timeout)
        self.jid = online["jid"]
        return online

    def on_event(self, msg: dict) -> None:
        if msg.get("event") != "stanza":
            return
        self._record(Stanza(ET.fromstring(msg["xml"])))

    async def op(self, op: str, **args) -> Optional[Stanza]:
        """A command whose outcome is a stanza (the iq result, or the stanza it awaited).
        A failed command (an error reply, a timeout) fails the test."""
        res = await self.call(op, **args)
        if not res["ok"]:
            raise AssertionError(f"{self.name}: {op} {args} failed: {res.get('error')} "
                                 f"{res.get('xml') or ''}")
        return Stanza(ET.fromstring(res["xml"])) if res.get("xml") else None

    # The same waiting as the slixmpp client's (they use only the attributes above).
    _record = Client._record
    _wait_for_more = Client._wait_for_more
    _timeout_error = Client._timeout_error
    expect = Client.expect
    collect_until = Client.collect_until
    take = Client.take



class Frames:
    """The stanzas of one direction of Converse's WebSocket, with Client's expect()."""

    def __init__(self, name: str):
        self.name, self.jid = name, ""
        self.pending: List[Stanza] = []
        self.received: List[Stanza] = []
        self._waiters: List[asyncio.Future] = []

    add = Client._record
    _wait_for_more = Client._wait_for_more
    _timeout_error = Client._timeout_error
    expect = Client.expect
    collect_until = Client.collect_until
    take = Client.take


_STANZAS = {"{jabber:client}message", "{jabber:client}presence", "{jabber:client}iq"}


class ConverseBrowser(NodeScript):
    """Converse.js in headless Chromium through js/converse-driver.js. `inbound` and
    `outbound` hold the stanzas of its WebSocket (as the browser's DevTools saw them);
    `call(op, ...)` acts through the page and returns what the page shows."""

    def __init__(self, name: str, websocket: str, room: str, nick: str, workdir: Path):
        super().__init__(name, "converse-driver.js",
                         {"chromium": CHROMIUM, "workdir": str(workdir), "websocket": websocket,
                          "jid": f"{name}@localhost", "password": f"{name}pw", "room": room,
                          "nick": nick}, workdir / "converse-driver.log")
        self.workdir = workdir
        self.inbound = Frames(f"{name} (Converse.js, received)")
        self.outbound = Frames(f"{name} (Converse.js, sent)")

    def on_event(self, msg: dict) -> None:
        kind = msg.get("event")
        if kind not in ("ws_in", "ws_out"):
            return
        try:
            el = ET.fromstring(msg["xml"])
        except ET.ParseError:
            return
        if el.tag in _STANZAS:
            (self.inbound if kind == "ws_in" else self.outbound).add(Stanza(el))

    async def do(self, op: str, timeout: float = 25.0, **args) -> dict:
        """A page action; fails the test with what the page showed if it did not work."""
        res = await self.call(op, timeout=timeout, **args)
        if not res["ok"]:
            raise AssertionError(f"Converse.js: {op} {args}: {res.get('error')}\n"
                                 f"(page HTML, screenshot and console log in {self.workdir})")
        return res.get("shown") or {}
