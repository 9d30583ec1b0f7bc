"""XEP-0045 10.9 (destroying a room): occupants get unavailable presence carrying
<destroy jid=...><reason/></destroy>; the owner gets an iq result; the address is free."""
from harness.muc import enter, muc_user_child, presence_from
from harness.stanza import NS_MUC_OWNER


async def test_destroy_sends_unavailable_with_alternate_venue_and_reason(muc):
    room, (alice, bob) = await muc.occupied_room("alice", "bob")
    venue = muc.room("venue")
    reason = "Macbeth doth come."
    reply = await alice.iq(room, "set", f"<query xmlns='{NS_MUC_OWNER}'><destroy jid='{venue}'>"
                                        f"<reason>{reason}</reason></destroy></query>")
    assert reply.type == "result", reply
    assert reply.frm == room, reply
    # 10.9: one unavailable presence per occupant (its own), not everyone's.
    for c, nick in ((bob, "Bob"), (alice, "Alice")):
        p = await c.expect(presence_from(f"{room}/{nick}", "unavailable"),
                           f"{nick}'s destroy presence ({c.name})")
        assert p.item.get("role") == "none", p
        assert p.item.get("affiliation") == "none", p
        d = muc_user_child(p, "destroy")
        assert d is not None, p
        assert d.get("jid") == venue, p
        r = muc_user_child(p, "destroy", "reason")
        assert r is not None and r.text == reason, p
    for c in (alice, bob):
        await c.barrier(muc.domain)
        assert not c.take(lambda s: s.is_presence and s.type == "unavailable"), c.name


async def test_destroyed_room_address_is_free_again(muc):
    room, (alice, bob) = await muc.occupied_room("alice", "bob")
    reply = await alice.iq(room, "set", f"<query xmlns='{NS_MUC_OWNER}'><destroy>"
                                        f"<reason>gone</reason></destroy></query>")
    assert reply.type == "result", reply
    await bob.expect(presence_from(f"{room}/Bob", "unavailable"), "bob's destroy presence")
    again = await enter(bob, f"{room}/Bob")
    assert again.type is None, again
    assert {201, 110} <= again.statuses, again
    assert again.item.get("affiliation") == "owner", again
