"""Waiting for the XMPP server to notice that the component is gone (after a SIGKILL), and
telling the server's own "no component attached" answer from the component's."""
from __future__ import annotations

import asyncio
import time

from .stanza import Stanza

# Prosody answers a stanza for a component that is not attached itself, with
# wait/remote-server-timeout and this child in <error/>.
NOT_CONNECTED = "{jabber:client}error/{xmpp:prosody.im/protocol/component}not-connected"
# ejabberd has no route for the domain then and hands the stanza to s2s, which
# scripts/lib/ejabberd.sh turns off (s2s_access: none): ejabberd answers auth/forbidden
# "Access denied by service policy" (with s2s on: cancel/remote-server-not-found after a
# DNS lookup). The component never answers disco#info on its domain with either.
_UNROUTED_ERRORS = {("auth", "forbidden"), ("cancel", "remote-server-not-found")}


def server_says_unattached(reply: Stanza) -> bool:
    """True if `reply`, the answer to an iq sent to the component's domain, is the XMPP
    server's own answer that no component is attached for that domain (Prosody's
    <not-connected/>; ejabberd's answer for a domain it has no route to)."""
    if reply.type != "error":
        return False
    return reply.find(NOT_CONNECTED) is not None or reply.error in _UNROUTED_ERRORS


async def wait_detached(client, domain: str, timeout: float) -> None:
    """Polls disco#info on the service from `client` until the server answers that no
    component is attached. The server has then read everything the dead component sent, and
    routed it to this client's stream before this answer."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        try:
            last = await client.disco_info(domain, timeout=2.0)
        except AssertionError as e:  # forwarded to a link that is gone: no answer
            last = e
        else:
            if server_says_unattached(last):
                return
        if time.monotonic() > deadline:
            raise AssertionError(f"the server still routes to {domain} {timeout}s after the kill "
                                 f"(last answer: {last})")
        await asyncio.sleep(0.05)  # poll interval: the detach is not observable otherwise
