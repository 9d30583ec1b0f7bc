"""Durability when PostgreSQL is down (README "Durability", db/README.md "Behaviour";
XEP-0045 9.1 banning, RFC 6120 8.3.3.18 resource-constraint, error type wait).

A change to a stored room is answered only after COMMIT: with the database down the owner's
ban is refused with <error type='wait'><resource-constraint/></error> and nothing changes
(the user stays, and can still talk in a room that neither logs nor archives). Once PostgreSQL is back on
the same port, the store reconnects by itself (capped backoff, up to ~5 s) and the same ban
succeeds, and it survives a component restart."""
import asyncio
import time

import pytest

from harness.env import persistence_skip_reason
from harness.muc import (admin_get, admin_item, admin_items, admin_set, create_room, enter,
                         groupchat_from, join, presence_from)
from harness.stanza import new_id

pytestmark = pytest.mark.skipif(persistence_skip_reason() is not None,
                                reason=persistence_skip_reason() or "")

RECONNECT_DEADLINE = 30.0  # s: the store's backoff is capped at 5 s; ASan builds are slow
RETRY_INTERVAL = 0.25      # s between ban attempts while the store reconnects
REASON = "flooding"


def ban_bob():
    return admin_item(jid="bob@localhost", affiliation="outcast", reason=REASON)


async def test_ban_refused_while_db_down_then_applied_after_reconnect_and_kept(muc):
    env = muc.env
    alice, bob, carol = await muc.clients("alice", "bob", "carol")
    room = muc.room("dbdown")
    # Persistent, neither logged nor archived: groupchat messages do not touch the database.
    await create_room(alice, f"{room}/Alice", {"muc#roomconfig_persistentroom": "1",
                                               "muc#roomconfig_enablelogging": "0",
                                               "muc#roomconfig_enablearchiving": "0"})
    await join(bob, f"{room}/Bob")
    await join(carol, f"{room}/Carol")
    for c in (alice, bob, carol):
        await c.barrier(room)
        c.drain()

    await env.stop_postgres()
    try:
        reply = await admin_set(alice, room, ban_bob())
        assert reply.type == "error", f"ban answered while PostgreSQL is down: {reply}"
        assert reply.error == ("wait", "resource-constraint"), f"ban while PostgreSQL is down: {reply}"

        # Nothing changed: bob is still an occupant and can still talk.
        mid = new_id("m")
        bob.send(f"<message type='groupchat' to='{room}' id='{mid}'><body>still here</body></message>")
        for c in (alice, carol, bob):
            m = await c.expect(groupchat_from(f"{room}/Bob", "still here"),
                               f"bob's message after the refused ban ({c.name})")
            assert m.id == mid, m
        for c in (alice, bob, carol):
            await c.barrier(room)
            gone = c.take(presence_from(f"{room}/Bob", "unavailable"))
            assert gone == [], f"{c.name} saw bob leave after a refused ban: {gone}"
        outcasts = await admin_get(alice, room, affiliation="outcast")
        assert outcasts.type == "result" and admin_items(outcasts) == [], \
            f"ban list after a refused ban: {outcasts}"
    finally:
        await env.start_postgres()

    # The store reconnects with backoff: retry until the ban is committed.
    deadline = time.monotonic() + RECONNECT_DEADLINE
    refusals = []
    started = time.monotonic()
    while True:
        reply = await admin_set(alice, room, ban_bob())
        if reply.type == "result":
            break
        assert reply.error == ("wait", "resource-constraint"), \
            f"ban while the store reconnects: unexpected answer {reply}"
        refusals.append(reply)
        assert time.monotonic() < deadline, (
            f"the ban was still refused {RECONNECT_DEADLINE}s after PostgreSQL came back "
            f"({len(refusals)} attempts); last answer: {reply}")
        await asyncio.sleep(RETRY_INTERVAL)  # retry interval: reconnection is not observable
    print(f"ban committed {time.monotonic() - started:.2f}s after PostgreSQL restarted, "
          f"after {len(refusals)} refused attempts")

    mine = await bob.expect(presence_from(f"{room}/Bob", "unavailable"), "bob's ban presence")
    assert {110, 301} <= mine.statuses, mine
    assert mine.item.get("affiliation") == "outcast", mine
    theirs = await carol.expect(presence_from(f"{room}/Bob", "unavailable"), "bob's ban (carol)")
    assert 301 in theirs.statuses, theirs

    # (The exit status is asserted at the end, so that the checks below still report.)
    status = await env.restart_component()

    err = await enter(bob, f"{room}/Bob")
    assert err.error == ("auth", "forbidden"), f"bob's join after the restart: {err}"
    await join(alice, f"{room}/Alice")
    outcasts = await admin_get(alice, room, affiliation="outcast")
    assert outcasts.type == "result", outcasts
    assert [(i.get("jid"), i.get("affiliation")) for i in admin_items(outcasts)] == \
        [("bob@localhost", "outcast")], f"ban list after the restart: {outcasts}"

    assert status == 0, (f"muc-component exited with status {status} on SIGTERM "
                         "(see its log for a sanitizer report)")
