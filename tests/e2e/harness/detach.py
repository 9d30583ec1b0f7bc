"""Waiting for Prosody to notice that the component is gone (after a SIGKILL)."""
from __future__ import annotations

import asyncio
import time

NOT_CONNECTED = "{jabber:client}error/{xmpp:prosody.im/protocol/component}not-connected"


async def wait_detached(client, domain: str, timeout: float) -> None:
    """Polls disco#info on the service from `client` until Prosody answers that no
    component is attached. Prosody has then read everything the dead component sent, and
    routed it to this client's stream before this answer."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        try:
            last = await client.disco_info(domain, timeout=2.0)
        except AssertionError as e:  # forwarded to a link that is gone: no answer
            last = e
        else:
            if last.type == "error" and last.find(NOT_CONNECTED) is not None:
                return
        if time.monotonic() > deadline:
            raise AssertionError(f"Prosody still routes to {domain} {timeout}s after the kill "
                                 f"(last answer: {last})")
        await asyncio.sleep(0.05)  # poll interval: the detach is not observable otherwise
