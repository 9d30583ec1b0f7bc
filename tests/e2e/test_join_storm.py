"""A storm of joins never costs the link (issue "Large rooms and hostile stanzas must never
cost the link"; XEP-0045 7.2.3 presence of existing occupants, 7.2.4 the new occupant's
presence to all, 7.2.5 self-presence with status 110; XEP-0114).

An owner creates a persistent room and leaves it. Then N clients (200; MUC_E2E_STORM_CLIENTS)
that are logged in through the XMPP server send their join presences all at once, with no waiting
between them: about N^2 = 40,000 presences flow out of the component through one stream.
Every client must get in (its self-presence with status 110) and see every occupant (N
available occupant presences, its own included, no duplicates), and the component's log
must show no reconnect. Afterwards the owner destroys the room (XEP-0045 10.9) and each
client gets its own exit with <destroy/>, which is also how the test knows the room is
quiet again (N leaves instead would cost another N^2/2 presences).

The N clients are harness.rawc2s clients (plain asyncio c2s streams, SASL ANONYMOUS on
the server's anon.localhost host, bind, raw presences): slixmpp is too slow for 200 sessions
and 40,000 stanzas in one loop on two cores. Every wait is for an event (a stanza, a
stream's end) with a deadline inside MUC_E2E_TEST_TIMEOUT; nothing sleeps. Against
the server's own MUC (MUC_E2E_DOMAIN=muc.localhost) the same storm runs, without a link to
watch.
"""
import asyncio
import os
import statistics
import time
import xml.etree.ElementTree as ET
from typing import Dict, List, Optional

import pytest

from harness.env import ANON_DOMAIN
from harness.link import LinkWatch
from harness.muc import create_room, self_presence
from harness.rawc2s import RawClient
from harness.stanza import NS_MUC, NS_MUC_OWNER, NS_MUC_USER, bare, q

CLIENTS = int(os.environ.get("MUC_E2E_STORM_CLIENTS", "200"))
TEST_TIMEOUT = float(os.environ.get("MUC_E2E_TEST_TIMEOUT", "60"))  # as conftest.py
LOGIN_CONCURRENCY = 25  # c2s logins in flight at once (the servers' listen backlogs are small)

_PRESENCE = q("jabber:client", "presence")


class Joiner:
    """One of the storm's clients and what it saw of the room."""

    def __init__(self, index: int, room: str):
        self.nick = f"u{index:03d}"
        self.room = room
        self.occupant = f"{room}/{self.nick}"
        self.client: Optional[RawClient] = None
        self.seen: Dict[str, int] = {}  # nick -> available presences received
        self.self_presence: Optional[ET.Element] = None
        self.errors: List[str] = []
        self.others_left: List[str] = []  # others' exits seen (none expected)
        loop = asyncio.get_running_loop()
        self.entered = loop.create_future()  # self-presence and every occupant seen
        self.left = loop.create_future()     # its exit when the room is destroyed

    def on_stanza(self, _client: RawClient, el: ET.Element) -> None:
        if el.tag != _PRESENCE or bare(el.get("from", "")) != self.room:
            return  # the subject message, ...
        frm, kind = el.get("from", ""), el.get("type")
        nick = frm.split("/", 1)[1] if "/" in frm else ""
        x = el.find(q(NS_MUC_USER, "x"))
        codes = {s.get("code") for s in x.findall(q(NS_MUC_USER, "status"))} if x is not None else set()
        if kind == "error":
            self.errors.append(ET.tostring(el, encoding="unicode"))
            for f in (self.entered, self.left):
                if not f.done():
                    f.set_exception(AssertionError(f"{self.nick}: presence error {self.errors[-1]}"))
        elif kind is None:
            self.seen[nick] = self.seen.get(nick, 0) + 1
            if "110" in codes:
                self.self_presence = el
        elif kind == "unavailable":
            if frm == self.occupant and x is not None and x.find(q(NS_MUC_USER, "destroy")) is not None:
                if not self.left.done():
                    self.left.set_result(None)
            else:
                self.others_left.append(nick)
        if (not self.entered.done() and self.self_presence is not None
                and len(self.seen) >= CLIENTS):
            self.entered.set_result(None)

    def stream_ended(self, why: str) -> None:
        for f in (self.entered, self.left):
            if not f.done():
                f.set_exception(AssertionError(f"{self.nick}: its c2s stream ended: {why}"))


def summary(joiners: List[Joiner]) -> str:
    counts = [len(j.seen) for j in joiners]
    entered = sum(1 for j in joiners if j.entered.done() and not j.entered.exception())
    with_self = sum(1 for j in joiners if j.self_presence is not None)
    errors = [e for j in joiners for e in j.errors][:3]
    ended = [f"{j.nick}: {j.client.closed.result()}" for j in joiners
             if j.client is not None and j.client.closed.done()][:3]
    return (f"{entered}/{len(joiners)} clients got in and saw all {CLIENTS} occupants; "
            f"{with_self} got their self-presence (110); occupants seen per client: "
            f"min {min(counts)}, median {statistics.median(counts)}, max {max(counts)}"
            + (f"; presence errors (first 3): {errors}" if errors else "")
            + (f"; streams ended (first 3): {ended}" if ended else ""))


async def wait_all(futures, deadline: float, what: str, joiners: List[Joiner], watch: LinkWatch):
    remaining = max(0.1, deadline - time.monotonic())
    done, pending = await asyncio.wait(futures, timeout=remaining,
                                       return_when=asyncio.FIRST_EXCEPTION)
    failed = [f for f in done if f.exception() is not None]
    if pending or failed:
        why = str(failed[0].exception()) if failed else f"{len(pending)} still waiting after {remaining:.1f}s"
        raise AssertionError(f"{what}: {why}.\n{summary(joiners)}.\n"
                             f"The component's link since the test began:\n{watch.link_lines()}")


async def test_join_storm_every_client_enters_and_sees_every_occupant_and_link_stays_up(muc):
    env = muc.env
    if not env.server.has_anonymous_host():
        pytest.skip(f"the XMPP server has no {ANON_DOMAIN} host with anonymous authentication")
    started = time.monotonic()
    deadline = started + TEST_TIMEOUT - 5  # our own diagnostics before the harness's timeout
    await env.wait_attached(env.attach_timeout)
    watch = LinkWatch(env)

    owner = await muc.client("alice")
    room = muc.room("storm")
    await create_room(owner, f"{room}/Owner", {"muc#roomconfig_persistentroom": "1"})
    owner.send(f"<presence type='unavailable' to='{room}/Owner'/>")
    gone = await owner.expect(self_presence(room), "the owner's own exit")
    assert gone.type == "unavailable", gone

    joiners = [Joiner(i, room) for i in range(CLIENTS)]
    gate = asyncio.Semaphore(LOGIN_CONCURRENCY)

    async def login(j: Joiner) -> None:
        async with gate:
            j.client = await RawClient(env.host, env.server.c2s_port, ANON_DOMAIN,
                                       on_stanza=j.on_stanza).connect()
        j.client.closed.add_done_callback(lambda f, j=j: j.stream_ended(f.result()))

    try:
        logins = time.monotonic()
        await asyncio.gather(*(login(j) for j in joiners))
        logged_in = time.monotonic()

        # The storm: every join presence written in one loop turn, none waits for another.
        for j in joiners:
            j.client.send(f"<presence to='{j.occupant}' id='join-{j.nick}'>"
                          f"<x xmlns='{NS_MUC}'><history maxstanzas='0'/></x></presence>")
        await asyncio.gather(*(j.client.drain() for j in joiners))
        await wait_all([j.entered for j in joiners], deadline, "the join storm", joiners, watch)
        stormed = time.monotonic()

        for j in joiners:
            assert j.self_presence.get("from") == j.occupant, (
                f"{j.nick}: status 110 on a presence that is not its own: "
                f"{ET.tostring(j.self_presence, encoding='unicode')}")
            assert set(j.seen) == {o.nick for o in joiners}, f"{j.nick} saw {sorted(j.seen)}"
            dup = {n: c for n, c in j.seen.items() if c != 1}
            assert not dup, f"{j.nick} got occupants' presences more than once: {dup}"
            assert not j.others_left, f"{j.nick} saw occupants leave during the storm: {j.others_left}"
        watch.assert_no_reconnect(f"the join storm of {CLIENTS}")

        # Cleanup in O(N) stanzas (N leaves would cost N^2/2 presences): the owner destroys
        # the room (XEP-0045 10.9); each one's own exit ends the room's traffic to it.
        destroyed = await owner.iq(room, "set", f"<query xmlns='{NS_MUC_OWNER}'><destroy>"
                                   "<reason>the storm is over</reason></destroy></query>",
                                   timeout=max(1.0, deadline - time.monotonic()))
        assert destroyed.type == "result", destroyed
        await wait_all([j.left for j in joiners], deadline, "the room's destruction", joiners, watch)
        watch.assert_no_reconnect(f"the join storm of {CLIENTS} and the room's destruction")
        print(f"\njoin storm of {CLIENTS}: set-up {logins - started:.1f}s, "
              f"logins {logged_in - logins:.1f}s, "
              f"storm {stormed - logged_in:.1f}s, destruction {time.monotonic() - stormed:.1f}s")
    finally:
        for j in joiners:
            for f in (j.entered, j.left):
                f.cancel()  # no-op when done; else nobody waits for it any more
        await asyncio.gather(*(j.client.close(timeout=1.0) for j in joiners if j.client),
                             return_exceptions=True)
