"""XEP-0045 8.2 (kicking an occupant) and 5.2 / 8.2 errors: only moderators kick
(auth/forbidden otherwise)."""
from harness.muc import admin_item, admin_set, muc_user_child, presence_from


async def test_moderator_kick_removes_occupant_with_307_actor_and_reason(muc):
    room, (alice, bob, carol) = await muc.occupied_room("alice", "bob", "carol")
    reason = "Avaunt, you cullion!"
    reply = await admin_set(alice, room, admin_item(nick="Bob", role="none", reason=reason))
    assert reply.type == "result", reply
    assert reply.frm == room, reply

    # 8.2: the kicked occupant gets unavailable with 110 + 307, role none, actor and reason.
    mine = await bob.expect(presence_from(f"{room}/Bob", "unavailable"), "bob's kick presence")
    assert {110, 307} <= mine.statuses, mine
    assert mine.item.get("role") == "none", mine
    assert mine.item.get("affiliation") == "none", mine
    actor = muc_user_child(mine, "item", "actor")
    assert actor is not None and actor.get("nick") == "Alice", mine
    r = muc_user_child(mine, "item", "reason")
    assert r is not None and r.text == reason, mine

    # The remaining occupants (the kicker too) get it with 307 but without 110.
    for c in (alice, carol):
        theirs = await c.expect(presence_from(f"{room}/Bob", "unavailable"), f"bob's kick ({c.name})")
        assert 307 in theirs.statuses, theirs
        assert 110 not in theirs.statuses, theirs
        assert theirs.item.get("role") == "none", theirs

    # 8.2: the kicked occupant is removed, "then" the moderator is told of success, "then"
    # the remaining occupants, the moderator among them, are told: her result comes first.
    kinds = [("result" if s is reply else "unavailable") for s in alice.received
             if s is reply or presence_from(f"{room}/Bob", "unavailable")(s)]
    assert kinds == ["result", "unavailable"], kinds


async def test_participant_cannot_kick_forbidden(muc):
    room, (alice, bob, carol) = await muc.occupied_room("alice", "bob", "carol")
    reply = await admin_set(bob, room, admin_item(nick="Carol", role="none", reason="go"))
    assert reply.type == "error", reply
    assert reply.error == ("auth", "forbidden"), reply
    # Carol is still in: nobody got her unavailable presence.
    await carol.barrier(room)
    await alice.barrier(room)
    assert not carol.take(presence_from(f"{room}/Carol", "unavailable"))
    assert not alice.take(presence_from(f"{room}/Carol", "unavailable"))
