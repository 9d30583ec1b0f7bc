"""An XMPP test client on slixmpp 1.8 that records every inbound stanza.

Everything here is async and must run on the loop that created the client (one fresh loop
per test: see harness.aio.run). Waiting is always for a stanza with a deadline; a missed
deadline raises AssertionError listing what did arrive.
"""
from __future__ import annotations

import asyncio
import copy
import logging
import os
import time
import xml.etree.ElementTree as ET
from typing import Callable, List, Optional

from slixmpp import ClientXMPP

from .stanza import NS_DISCO_INFO, Stanza, attr, fmt, new_id

DEFAULT_TIMEOUT = float(os.environ.get("MUC_E2E_TIMEOUT", "5"))

Pred = Callable[[Stanza], bool]

log = logging.getLogger("e2e.client")


_STANZA_TAGS = {f"{{jabber:client}}{n}" for n in ("message", "presence", "iq")}


class _XMPP(ClientXMPP):
    pass


class Client:
    """One client session. `name` is the account (alice, bob, ...), password name+'pw'."""

    def __init__(self, name: str, host: str, port: int, resource: Optional[str] = None,
                 domain: str = "localhost", password: Optional[str] = None):
        self.name = name
        self.host, self.port = host, port
        self.resource = resource or f"e2e-{new_id(name)}"
        self.xmpp = _XMPP(f"{name}@{domain}/{self.resource}", password or f"{name}pw")
        for plugin in ("xep_0030", "xep_0004", "xep_0045"):
            self.xmpp.register_plugin(plugin)
        self.pending: List[Stanza] = []   # received, not yet consumed by expect/collect
        self.received: List[Stanza] = []  # everything received, in order
        self._waiters: List[asyncio.Future] = []
        self.xmpp.add_filter("in", self._on_stanza)

    # -- connection ------------------------------------------------------------
    @property
    def jid(self) -> str:
        """Full JID as bound by the server."""
        return self.xmpp.boundjid.full

    async def connect(self, timeout: float = 10.0, initial_presence: bool = True) -> "Client":
        loop = asyncio.get_running_loop()
        started: asyncio.Future = loop.create_future()

        def ok(_ev):
            if not started.done():
                started.set_result(None)

        def fail(why):
            def handler(ev):
                if not started.done():
                    started.set_exception(AssertionError(f"{self.name}: {why}: {ev}"))
            return handler

        self.xmpp.add_event_handler("session_start", ok, disposable=True)
        self.xmpp.add_event_handler("failed_auth", fail("authentication failed"), disposable=True)
        self.xmpp.add_event_handler("connection_failed", fail("connection failed"), disposable=True)
        self.xmpp.connect((self.host, self.port), use_ssl=False, force_starttls=False,
                          disable_starttls=True)
        try:
            await asyncio.wait_for(started, timeout)
        except asyncio.TimeoutError:
            self.xmpp.abort()
            raise AssertionError(f"{self.name}: no session within {timeout}s "
                                 f"(c2s 127.0.0.1:{self.port})") from None
        if initial_presence:
            self.send("<presence/>")
        return self

    async def close(self, timeout: float = 2.0) -> None:
        try:
            fut = self.xmpp.disconnect(wait=timeout)
            await asyncio.wait_for(fut, timeout + 1)
        except Exception:  # noqa: BLE001 - best effort at teardown
            pass
        finally:
            self.xmpp.abort()

    def abort(self) -> None:
        self.xmpp.abort()

    # -- inbound ---------------------------------------------------------------
    def _on_stanza(self, stanza):
        if stanza.xml.tag not in _STANZA_TAGS:
            return stanza  # stream features, SASL, ...: not stanzas
        # Copy: slixmpp handlers may modify the object after the filter ran.
        s = Stanza(copy.deepcopy(stanza.xml))
        log.debug("%s <- %s", self.name, s)
        self._record(s)
        return stanza

    def _record(self, s: Stanza) -> None:
        """Keeps an inbound stanza and wakes whoever waits for one."""
        self.pending.append(s)
        self.received.append(s)
        waiters, self._waiters = self._waiters, []
        for w in waiters:
            if not w.done():
                w.set_result(None)

    async def _wait_for_more(self, deadline: float) -> bool:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return False
        fut = asyncio.get_running_loop().create_future()
        self._waiters.append(fut)
        try:
            await asyncio.wait_for(fut, remaining)
            return True
        except asyncio.TimeoutError:
            return False

    def _timeout_error(self, what: str, timeout: float) -> AssertionError:
        recent = self.received[-15:]
        return AssertionError(
            f"{self.name} ({self.jid}): timed out after {timeout}s waiting for {what}.\n"
            f" pending (unconsumed) stanzas:\n{fmt(self.pending)}\n"
            f" last received stanzas:\n{fmt(recent)}")

    async def expect(self, pred: Pred, what: str = "a matching stanza",
                     timeout: float = DEFAULT_TIMEOUT) -> Stanza:
        """Removes and returns the first pending stanza matching pred (earlier
        non-matching ones stay pending), waiting up to timeout for it to arrive."""
        deadline = time.monotonic() + timeout
        scanned = 0
        while True:
            for i in range(scanned, len(self.pending)):
                if pred(self.pending[i]):
                    return self.pending.pop(i)
            scanned = len(self.pending)
            if not await self._wait_for_more(deadline):
                raise self._timeout_error(what, timeout)

    async def collect_until(self, pred: Pred, what: str = "a matching stanza",
                            timeout: float = DEFAULT_TIMEOUT,
                            keep: Optional[Pred] = None) -> List[Stanza]:
        """Removes and returns pending stanzas up to and including the first that matches
        pred, in arrival order. With `keep`, only stanzas matching keep (or pred) are
        taken; the others stay pending."""
        deadline = time.monotonic() + timeout
        scanned = 0
        while True:
            for i in range(scanned, len(self.pending)):
                if pred(self.pending[i]):
                    head = self.pending[: i + 1]
                    taken = [s for s in head[:-1] if keep is None or keep(s)] + [head[-1]]
                    rest = [s for s in head[:-1] if keep is not None and not keep(s)]
                    self.pending = rest + self.pending[i + 1:]
                    return taken
            scanned = len(self.pending)
            if not await self._wait_for_more(deadline):
                raise self._timeout_error(what, timeout)

    async def collect(self, pred: Pred, count: int, what: str = "stanzas",
                      timeout: float = DEFAULT_TIMEOUT) -> List[Stanza]:
        """Removes and returns the first `count` pending stanzas matching pred."""
        got: List[Stanza] = []
        deadline = time.monotonic() + timeout
        while len(got) < count:
            rest = max(0.0, deadline - time.monotonic())
            try:
                got.append(await self.expect(pred, what, timeout=rest))
            except AssertionError as e:
                raise AssertionError(f"got {len(got)} of {count} {what}; {e}") from None
        return got

    def take(self, pred: Pred) -> List[Stanza]:
        """Removes and returns every pending stanza matching pred (no waiting)."""
        taken = [s for s in self.pending if pred(s)]
        self.pending = [s for s in self.pending if not pred(s)]
        return taken

    def drain(self) -> List[Stanza]:
        """Removes and returns all pending stanzas."""
        out, self.pending = self.pending, []
        return out

    # -- outbound --------------------------------------------------------------
    def send(self, xml: str) -> None:
        """Sends raw XML on the stream (default namespace jabber:client)."""
        log.debug("%s -> %s", self.name, xml)
        self.xmpp.send_raw(xml)

    async def request(self, xml: str, timeout: float = DEFAULT_TIMEOUT) -> Stanza:
        """Sends a stanza carrying an id and returns the first reply stanza with the same
        id and the same kind (e.g. the iq result/error, or the presence error)."""
        el = ET.fromstring(xml)
        sid = el.get("id")
        assert sid, "request() needs a stanza with an id"
        kind = el.tag.rsplit("}", 1)[-1]
        self.send(xml)
        return await self.expect(lambda s: s.name == kind and s.id == sid and
                                 (kind != "iq" or s.type in ("result", "error")),
                                 f"the reply to <{kind} id='{sid}'>", timeout)

    async def iq(self, to: str, type: str, payload: str, timeout: float = DEFAULT_TIMEOUT) -> Stanza:
        sid = new_id("iq")
        return await self.request(f"<iq type={attr(type)} to={attr(to)} id={attr(sid)}>{payload}</iq>",
                                  timeout)

    async def disco_info(self, to: str, node: Optional[str] = None, timeout: float = DEFAULT_TIMEOUT) -> Stanza:
        n = f" node={attr(node)}" if node else ""
        return await self.iq(to, "get", f"<query xmlns='{NS_DISCO_INFO}'{n}/>", timeout)

    async def barrier(self, to: str, timeout: float = DEFAULT_TIMEOUT) -> None:
        """Round trip to `to` (an iq disco#info). Anything `to` sent this client before
        answering has arrived once this returns: use it to assert that something was NOT
        sent, instead of sleeping. The reply itself is consumed."""
        await self.disco_info(to, timeout=timeout)
