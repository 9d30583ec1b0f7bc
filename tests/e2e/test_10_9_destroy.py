"""XEP-0045 10.9 (destroying a room): occupants get unavailable presence carrying
<destroy jid=...><reason/></destroy>; the owner gets an iq result; the address then answers
cancel/gone with the new venue, except to the former owner."""
from harness.muc import enter, muc_user_child, presence_from
from harness.stanza import NS_CLIENT, NS_MUC_OWNER, NS_STANZAS


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


async def test_a_destroyed_rooms_address_answers_gone_with_the_new_venue_except_to_its_owner(muc):
    # XEP-0045 10.9 with a tombstone ([service] tombstone_seconds): a client that still has
    # the old room bookmarked learns where it went (RFC 6120 8.3.3.5) instead of creating
    # a new room under the old name; the former owner may create it again at once.
    room, (alice, bob) = await muc.occupied_room("alice", "bob")
    venue = muc.room("venue")
    reply = await alice.iq(room, "set", f"<query xmlns='{NS_MUC_OWNER}'><destroy jid='{venue}'>"
                                        f"<reason>moved</reason></destroy></query>")
    assert reply.type == "result", reply
    await bob.expect(presence_from(f"{room}/Bob", "unavailable"), "bob's destroy presence")
    refused = await enter(bob, f"{room}/Bob")
    assert refused.error == ("cancel", "gone"), refused
    gone = refused.xml.find(f"{{{NS_CLIENT}}}error/{{{NS_STANZAS}}}gone")
    assert gone is not None and gone.text == f"xmpp:{venue}?join", refused
    again = await enter(alice, f"{room}/Alice")
    assert again.type is None, again
    assert {201, 110} <= again.statuses, again
    assert again.item.get("affiliation") == "owner", again
