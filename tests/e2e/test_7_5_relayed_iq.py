"""XEP-0045 7.5: an iq to an occupant JID is relayed to the occupant, and the asker gets
exactly one answer even when the occupant never gives one.

The target is a bare c2s session (harness.rawc2s) that answers nothing, unlike slixmpp,
which answers every unknown iq itself. The asker is a slixmpp client.

- The target leaves before answering: the room answers for it, from the target's occupant
  JID with the asker's id, `<error type='wait'><recipient-unavailable/>` (RFC 6120 8.3.3.13:
  the type SHOULD be wait).
- The component shuts down (SIGTERM) while the relay waits: the asker gets the same error
  before the component's stream closes, and the component's iq audit (harness.env,
  MUC_E2E_IQ_AUDIT) finds nothing unanswered.

The timeout ([service] iq_relay_timeout, 30 s, answered wait/remote-server-timeout) is
covered by the unit and transcript tests: 30 s is too long for this suite.
"""
import asyncio
import signal
import xml.etree.ElementTree as ET
from typing import List

import pytest

from harness.env import ANON_DOMAIN
from harness.muc import presence_from
from harness.rawc2s import RawClient
from harness.stanza import NS_MUC, new_id, q

_IQ = q("jabber:client", "iq")
_PRESENCE = q("jabber:client", "presence")


class Silent:
    """An occupant that receives and never answers."""

    def __init__(self, occupant: str):
        self.occupant = occupant
        self.client = None
        self.iqs: List[ET.Element] = []
        loop = asyncio.get_running_loop()
        self.entered = loop.create_future()
        self.asked = loop.create_future()

    def on_stanza(self, _client, el: ET.Element) -> None:
        if el.tag == _PRESENCE and el.get("from") == self.occupant and el.get("type") is None:
            if not self.entered.done():
                self.entered.set_result(el)
        elif el.tag == _IQ and el.get("type") in ("get", "set"):
            self.iqs.append(el)
            if not self.asked.done():
                self.asked.set_result(el)

    async def enter(self, env) -> None:
        self.client = await RawClient(env.host, env.server.c2s_port, ANON_DOMAIN,
                                      on_stanza=self.on_stanza).connect()
        self.client.send(f"<presence to='{self.occupant}'><x xmlns='{NS_MUC}'/></presence>")
        await asyncio.wait_for(self.entered, 5)

    def leave(self) -> None:
        self.client.send(f"<presence to='{self.occupant}' type='unavailable'/>")


async def ask(muc, hint: str):
    """A room with alice and bob, and the silent occupant; bob's version query to it has
    reached it. Returns (room, bob, silent, the query's id)."""
    room, (alice, bob) = await muc.occupied_room("alice", "bob", hint=hint)
    silent = Silent(f"{room}/Silent")
    await silent.enter(muc.env)
    await bob.expect(presence_from(silent.occupant), "the silent occupant's join")
    qid = new_id("ver")
    bob.send(f"<iq type='get' to='{silent.occupant}' id='{qid}'>"
             "<query xmlns='jabber:iq:version'/></iq>")
    relayed = await asyncio.wait_for(silent.asked, 5)
    assert relayed.get("from") == f"{room}/Bob", ET.tostring(relayed)
    assert relayed.get("id") != qid, "the relay keeps the asker's id private to the room"
    return room, bob, silent, qid


async def test_relayed_iq_to_an_occupant_who_leaves_is_answered_recipient_unavailable(muc):
    room, bob, silent, qid = await ask(muc, "leaves")
    try:
        silent.leave()
        answer = await bob.expect(lambda s: s.is_iq and s.id == qid, "the answer to the query")
        assert answer.type == "error", answer
        assert answer.error == ("wait", "recipient-unavailable"), answer
        assert answer.frm == silent.occupant, answer
        # Exactly one: nothing more comes for that id.
        await bob.barrier(muc.domain)
        assert not bob.take(lambda s: s.is_iq and s.id == qid)
    finally:
        await silent.client.close()


async def test_relayed_iq_pending_at_shutdown_is_answered_before_the_stream_closes(muc):
    env = muc.env
    if not env.component:
        pytest.skip("stops the component: no component is started by this session")
    room, bob, silent, qid = await ask(muc, "shutdown")
    try:
        # kill_component checks the component's iq audit on its clean exit.
        status = await env.kill_component(signal.SIGTERM)
        assert status == 0, f"muc-component exited with status {status} on SIGTERM"
        answer = await bob.expect(lambda s: s.is_iq and s.id == qid, "the answer to the query")
        assert answer.error == ("wait", "recipient-unavailable"), answer
        assert answer.frm == silent.occupant, answer
        gone = await bob.expect(presence_from(f"{room}/Bob", "unavailable"), "bob's own exit")
        assert 332 in gone.statuses, gone
    finally:
        await silent.client.close()
        if not env.component.alive():
            await env.relaunch_component()
