"""A minimal c2s client on plain asyncio streams, for tests that need hundreds of clients.

slixmpp costs far more per stanza than a test with 200 clients receiving 200 presences each
can afford on two cores, so this client does only what such a test needs, on a real c2s
stream through the real XMPP server (Prosody or ejabberd): stream header, SASL ANONYMOUS
(or PLAIN), resource binding, then raw stanzas out and parsed stanzas (ElementTree
elements, namespace jabber:client) in, each handed to a callback as it is complete. No TLS,
no stream management, no roster: the server under test is on loopback with encryption not
required.
"""
from __future__ import annotations

import asyncio
import base64
import xml.etree.ElementTree as ET
from typing import Callable, Optional

NS_STREAM = "http://etherx.jabber.org/streams"
NS_SASL = "urn:ietf:params:xml:ns:xmpp-sasl"
NS_BIND = "urn:ietf:params:xml:ns:xmpp-bind"
NS_CLIENT = "jabber:client"

_STANZAS = {f"{{{NS_CLIENT}}}{n}" for n in ("message", "presence", "iq")}


class RawClient:
    """One c2s session. `on_stanza(client, element)` gets every inbound stanza after login,
    on the event loop, in arrival order; the element is not kept by the client."""

    def __init__(self, host: str, port: int, domain: str,
                 on_stanza: Optional[Callable[["RawClient", ET.Element], None]] = None,
                 username: Optional[str] = None, password: Optional[str] = None):
        self.host, self.port, self.domain = host, port, domain
        self.username, self.password = username, password  # None: SASL ANONYMOUS
        self.on_stanza = on_stanza
        self.jid: Optional[str] = None  # full JID bound by the server
        self.closed = asyncio.get_running_loop().create_future()  # result: why it ended
        self._reader: Optional[asyncio.StreamReader] = None
        self._writer: Optional[asyncio.StreamWriter] = None
        self._parser: Optional[ET.XMLPullParser] = None
        self._root: Optional[ET.Element] = None
        self._depth = 0
        self._login: Optional[asyncio.Queue] = None  # top-level elements while logging in
        self._task: Optional[asyncio.Task] = None

    # -- connection ------------------------------------------------------------
    async def connect(self, timeout: float = 10.0) -> "RawClient":
        try:
            await asyncio.wait_for(self._login_steps(), timeout)
        except asyncio.TimeoutError:
            self.abort()
            raise AssertionError(f"raw c2s client: no session on {self.domain} within {timeout}s "
                                 f"(c2s {self.host}:{self.port})") from None
        except Exception:
            self.abort()
            raise
        return self

    async def _login_steps(self) -> None:
        self._reader, self._writer = await asyncio.open_connection(self.host, self.port)
        self._login = asyncio.Queue()
        self._task = asyncio.get_running_loop().create_task(self._read_loop())
        self._open_stream()
        features = await self._next("stream features")
        mechs = {m.text for m in features.iter(f"{{{NS_SASL}}}mechanism")}
        if self.username is None:
            mech, initial = "ANONYMOUS", "="  # "=": an empty initial response (RFC 6120 6.4.2)
        else:
            mech = "PLAIN"
            initial = base64.b64encode(f"\0{self.username}\0{self.password}".encode()).decode()
        if mech not in mechs:
            raise AssertionError(f"{self.domain} offers no SASL {mech} (offers {sorted(mechs)})")
        # The server sends nothing after <success/> until our new stream header (RFC 6120
        # 6.4.6), so the parser can be replaced as soon as <success/> is read.
        self.send(f"<auth xmlns='{NS_SASL}' mechanism='{mech}'>{initial}</auth>")
        outcome = await self._next("the SASL outcome")
        if outcome.tag != f"{{{NS_SASL}}}success":
            raise AssertionError(f"SASL {mech} on {self.domain} failed: {ET.tostring(outcome)!r}")
        self._open_stream()
        await self._next("stream features after SASL")
        self.send(f"<iq type='set' id='bind-1'><bind xmlns='{NS_BIND}'/></iq>")
        bound = await self._next("the bind result")
        jid = bound.find(f"{{{NS_BIND}}}bind/{{{NS_BIND}}}jid")
        if bound.get("type") != "result" or jid is None:
            raise AssertionError(f"resource binding failed: {ET.tostring(bound)!r}")
        self.jid = jid.text
        self._login = None  # from now on stanzas go to on_stanza

    def _open_stream(self) -> None:
        self._parser = ET.XMLPullParser(events=("start", "end"))
        self._root, self._depth = None, 0
        self.send(f"<?xml version='1.0'?><stream:stream to='{self.domain}' version='1.0' "
                  f"xmlns='{NS_CLIENT}' xmlns:stream='{NS_STREAM}'>")

    async def _next(self, what: str) -> ET.Element:
        el = await self._login.get()
        if el is None:
            raise AssertionError(f"raw c2s client: the stream ended while waiting for {what}: "
                                 f"{self.closed.result() if self.closed.done() else ''}")
        if el.tag == f"{{{NS_STREAM}}}error":
            raise AssertionError(f"stream error while waiting for {what}: {ET.tostring(el)!r}")
        return el

    async def _read_loop(self) -> None:
        why = "the server closed the connection"
        try:
            while True:
                data = await self._reader.read(65536)
                if not data:
                    break
                self._parser.feed(data)
                for event, el in self._parser.read_events():
                    if event == "start":
                        if self._depth == 0:
                            self._root = el
                        self._depth += 1
                        continue
                    self._depth -= 1
                    if self._depth == 0:
                        why = "the server closed the stream"
                    elif self._depth == 1:
                        self._root.remove(el)  # keep nothing: 200 clients x 200 stanzas
                        self._top_level(el)
        except (ConnectionError, ET.ParseError) as e:
            why = f"{type(e).__name__}: {e}"
        except asyncio.CancelledError:
            why = "closed by the test"
            raise
        finally:
            if not self.closed.done():
                self.closed.set_result(why)
            if self._login is not None:
                self._login.put_nowait(None)

    def _top_level(self, el: ET.Element) -> None:
        if self._login is not None:
            self._login.put_nowait(el)
        elif el.tag in _STANZAS and self.on_stanza is not None:
            self.on_stanza(self, el)
        elif el.tag == f"{{{NS_STREAM}}}error" and not self.closed.done():
            self.closed.set_result(f"stream error: {ET.tostring(el)!r}")

    # -- outbound --------------------------------------------------------------
    def send(self, xml: str) -> None:
        """Queues raw XML on the stream (no waiting; see drain())."""
        self._writer.write(xml.encode())

    async def drain(self) -> None:
        await self._writer.drain()

    async def close(self, timeout: float = 2.0) -> None:
        """Closes the stream (</stream:stream>) and the connection."""
        if self._writer is None:
            return
        try:
            if not self._writer.is_closing():
                self._writer.write(b"</stream:stream>")
                self._writer.close()
                await asyncio.wait_for(self._writer.wait_closed(), timeout)
        except Exception:  # noqa: BLE001 - best effort at teardown
            pass
        finally:
            self.abort()

    def abort(self) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()
        if self._writer is not None and not self._writer.is_closing():
            self._writer.close()
