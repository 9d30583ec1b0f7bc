"""pytest glue for the end-to-end tests (no pytest-asyncio needed).

Run:  MUC_COMPONENT_BIN=build/muc-component /usr/bin/python3 -m pytest -q tests/e2e
Against Prosody's own MUC (to check the harness):
      MUC_E2E_DOMAIN=muc.localhost /usr/bin/python3 -m pytest -q tests/e2e
Through ejabberd instead of Prosody:  MUC_E2E_SERVER=ejabberd ...
Other settings: see harness/env.py.

`async def test_x(muc)` tests run on a fresh event loop each; the clients they open through
the `muc` fixture are closed on that loop after the test.
"""
from __future__ import annotations

import asyncio
import inspect
import os
import re
import sys
import uuid
from typing import List, Optional

import pytest

from harness.client import Client
from harness.muc import create_room, from_room, join, presence_from
from harness.env import E2E, run, tail

TEST_TIMEOUT = float(os.environ.get("MUC_E2E_TEST_TIMEOUT", "60"))

_state = {"env": None, "failed": False}


@pytest.fixture(scope="session")
def e2e(request):
    env = E2E()
    if env.start_component and not env.binary:
        msg = ("MUC_COMPONENT_BIN is not set: point it at the built muc-component binary "
               "(or set MUC_E2E_DOMAIN=muc.localhost to run against the server's own MUC)")
        if os.environ.get("CI", "").lower() == "true":
            pytest.exit(f"CI=true and {msg}", returncode=1)
        pytest.skip(msg)
    _state["env"] = env
    try:
        env.start()
    except Exception as e:  # noqa: BLE001 - reported once, then the session stops
        _state["failed"] = True
        logs = env.describe_logs() if env.workdir else ""
        env.close(keep=True)
        _say(request, f"\ne2e environment did not start: {e}\n{logs}\n(work dir kept: {env.workdir})")
        pytest.exit(f"e2e environment did not start: {str(e).splitlines()[0]}", returncode=1)
    yield env
    keep = _state["failed"]
    env.close(keep=keep)
    if keep:
        _say(request, f"\ne2e: logs and configs kept in {env.workdir}")


def _say(request, text: str) -> None:
    """Prints to the terminal, past pytest's output capture."""
    capman = request.config.pluginmanager.get_plugin("capturemanager")
    with capman.global_and_fixture_disabled():
        print(text, file=sys.stderr, flush=True)


class Muc:
    """Per-test access to the session: clients (closed after the test) and fresh room names."""

    def __init__(self, env: E2E, test_name: str):
        self.env = env
        self.domain = env.domain
        self._clients: List[Client] = []
        self._tag = re.sub(r"[^a-z0-9]+", "-", test_name.lower()).strip("-")[:40] or "room"
        self._rooms = 0

    def room(self, hint: str = "") -> str:
        """A room JID no other test (or earlier run) uses."""
        self._rooms += 1
        base = f"{self._tag}-{hint}" if hint else self._tag
        return f"{base}-{self._rooms}-{uuid.uuid4().hex[:6]}@{self.domain}"

    async def client(self, name: str, resource: Optional[str] = None) -> Client:
        c = self.env.client(name, resource)
        self._clients.append(c)
        return await c.connect()

    async def clients(self, *names: str) -> List[Client]:
        return list(await asyncio.gather(*(self.client(n) for n in names)))

    async def occupied_room(self, *names: str, hint: str = ""):
        """Connects `names`, lets the first create an instant room and the others join in
        order, each under its capitalised name as nick. Every occupant has seen every join
        when this returns, and all clients' pending stanzas are consumed.
        Returns (room JID, [clients])."""
        clients = await self.clients(*names)
        room = self.room(hint)
        await create_room(clients[0], f"{room}/{nick(names[0])}")
        for i, (name, c) in enumerate(zip(names[1:], clients[1:]), start=1):
            await join(c, f"{room}/{nick(name)}")
            for earlier in clients[:i]:
                await earlier.expect(presence_from(f"{room}/{nick(name)}"),
                                     f"{name}'s join presence")
        for c in clients:
            c.take(from_room(room))
        return room, clients

    async def aclose(self) -> None:
        clients, self._clients = self._clients, []
        await asyncio.gather(*(c.close(timeout=1.0) for c in clients), return_exceptions=True)


def nick(name: str) -> str:
    """The nick tests use for an account: alice -> Alice."""
    return name.capitalize()


@pytest.fixture
def muc(e2e, request):
    return Muc(e2e, request.node.name)


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem):
    """Runs `async def` tests on a fresh loop, then closes the fixtures' clients on it."""
    func = pyfuncitem.obj
    if not inspect.iscoroutinefunction(func):
        return None
    kwargs = {name: pyfuncitem.funcargs[name] for name in pyfuncitem._fixtureinfo.argnames}

    async def main():
        try:
            await asyncio_wait_for(func(**kwargs), TEST_TIMEOUT)
        finally:
            for value in kwargs.values():
                if isinstance(value, Muc):
                    await value.aclose()

    run(main())
    return True


async def asyncio_wait_for(coro, timeout):
    try:
        return await asyncio.wait_for(coro, timeout)
    except asyncio.TimeoutError:
        raise AssertionError(f"test exceeded MUC_E2E_TEST_TIMEOUT={timeout}s") from None


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.failed:
        _state["failed"] = True
        env = _state["env"]
        if env is not None:
            if env.component:
                report.sections.append(("muc-component", f"command: {env.component.command}"))
            for name, path in env.logs().items():
                report.sections.append((f"{name} log tail ({path})", tail(path, 40)))


def pytest_collection_modifyitems(session, config, items):
    """Tests that restart the XMPP server go last, so that a component that fails to re-attach
    fails only them."""
    items.sort(key=lambda item: item.module.__name__ == "test_reconnect")


def pytest_report_header(config):
    domain = os.environ.get("MUC_E2E_DOMAIN", "conference.localhost")
    server = os.environ.get("MUC_E2E_SERVER", "prosody") or "prosody"
    return [f"e2e: XMPP server {server}, MUC service {domain}, "
            f"MUC_COMPONENT_BIN={os.environ.get('MUC_COMPONENT_BIN', '(unset)')}"]
