"""XEP-0045 9.1 (an admin cannot ban an owner: cancel/not-allowed), 10.6 / 5.2 (only owners
grant admin: auth/forbidden for an admin) and 10.5 / 10.6 (the last owner cannot step
down: cancel/conflict)."""
from harness.muc import admin_get, admin_item, admin_items, admin_set, presence_from


async def room_with_admin_bob(muc):
    room, (alice, bob) = await muc.occupied_room("alice", "bob")
    reply = await admin_set(alice, room, admin_item(jid="bob@localhost", affiliation="admin"))
    assert reply.type == "result", reply
    p = await bob.expect(presence_from(f"{room}/Bob"), "bob's admin presence")
    assert p.item.get("affiliation") == "admin", p
    await alice.expect(presence_from(f"{room}/Bob"), "bob's admin presence (alice)")
    return room, alice, bob


async def test_admin_banning_owner_is_not_allowed(muc):
    room, alice, bob = await room_with_admin_bob(muc)
    reply = await admin_set(bob, room, admin_item(jid="alice@localhost", affiliation="outcast",
                                                  reason="Treason"))
    assert reply.type == "error", reply
    assert reply.error == ("cancel", "not-allowed"), reply
    await alice.barrier(room)
    assert not alice.take(presence_from(f"{room}/Alice", "unavailable"))


async def test_admin_granting_admin_is_forbidden(muc):
    room, alice, bob = await room_with_admin_bob(muc)
    reply = await admin_set(bob, room, admin_item(jid="carol@localhost", affiliation="admin"))
    assert reply.type == "error", reply
    assert reply.error == ("auth", "forbidden"), reply
    got = await admin_get(alice, room, affiliation="admin")
    assert got.type == "result", got
    assert [i.get("jid") for i in admin_items(got)] == ["bob@localhost"], got


async def test_sole_owner_demoting_self_is_conflict(muc):
    room, (alice, bob) = await muc.occupied_room("alice", "bob")
    reply = await admin_set(alice, room, admin_item(jid="alice@localhost", affiliation="member"))
    assert reply.type == "error", reply
    assert reply.error == ("cancel", "conflict"), reply
    got = await admin_get(alice, room, affiliation="owner")
    assert got.type == "result", got
    assert [i.get("jid") for i in admin_items(got)] == ["alice@localhost"], got
    await bob.barrier(room)
    assert not bob.take(presence_from(f"{room}/Alice"))
