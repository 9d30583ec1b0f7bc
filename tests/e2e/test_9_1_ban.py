"""XEP-0045 9.1 (banning a user: all sessions removed with 301, re-entry auth/forbidden)
and 9.2 (the ban list)."""
from harness.muc import (admin_get, admin_item, admin_items, admin_set, enter, join,
                         muc_user_child, presence_from)
from harness.stanza import join_xml, new_id


async def room_with_two_bob_sessions(muc):
    room, (alice, bob) = await muc.occupied_room("alice", "bob")
    bob2 = await muc.client("bob")
    await join(bob2, f"{room}/Bob")
    for c in (alice, bob, bob2):
        await c.barrier(room)
        c.drain()
    return room, alice, bob, bob2


async def test_ban_removes_every_session_with_301(muc):
    room, alice, bob, bob2 = await room_with_two_bob_sessions(muc)
    reason = "Treason"
    reply = await admin_set(alice, room, admin_item(jid="bob@localhost", affiliation="outcast",
                                                    reason=reason))
    assert reply.type == "result", reply
    for c in (bob, bob2):
        mine = await c.expect(presence_from(f"{room}/Bob", "unavailable"), f"ban presence ({c.jid})")
        assert {110, 301} <= mine.statuses, mine
        assert mine.item.get("affiliation") == "outcast", mine
        assert mine.item.get("role") == "none", mine
        r = muc_user_child(mine, "item", "reason")
        assert r is not None and r.text == reason, mine
    theirs = await alice.expect(presence_from(f"{room}/Bob", "unavailable"), "bob's ban (alice)")
    assert 301 in theirs.statuses, theirs
    assert 110 not in theirs.statuses, theirs
    assert theirs.item.get("affiliation") == "outcast", theirs
    assert theirs.item.get("role") == "none", theirs


async def test_banned_user_rejoining_is_auth_forbidden(muc):
    room, (alice, bob) = await muc.occupied_room("alice", "bob")
    reply = await admin_set(alice, room, admin_item(jid="bob@localhost", affiliation="outcast"))
    assert reply.type == "result", reply
    await bob.expect(presence_from(f"{room}/Bob", "unavailable"), "bob's ban presence")
    err = await bob.request(join_xml(f"{room}/Bob", new_id("join")))
    assert err.type == "error", err
    assert err.error == ("auth", "forbidden"), err
    # also under another nick and from another resource
    bob2 = await muc.client("bob")
    err = await enter(bob2, f"{room}/Robert")
    assert err.type == "error" and err.error == ("auth", "forbidden"), err


async def test_ban_list_names_the_banned_bare_jid(muc):
    room, (alice, bob) = await muc.occupied_room("alice", "bob")
    reply = await admin_set(alice, room, admin_item(jid="bob@localhost", affiliation="outcast",
                                                    reason="Treason"))
    assert reply.type == "result", reply
    got = await admin_get(alice, room, affiliation="outcast")
    assert got.type == "result", got
    items = admin_items(got)
    assert [(i.get("jid"), i.get("affiliation")) for i in items] == [("bob@localhost", "outcast")], got
    assert "role" not in items[0], got  # 9.2: SHOULD NOT include nick and role
