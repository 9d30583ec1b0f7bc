"""XEP-0045 7.8.2 (mediated invitation) and the decline relayed back to the invitor."""
from harness.muc import muc_user_child
from harness.stanza import bare, new_id

REASON = "Hey Carol, this is the place for all good witches!"


def invite_from(room):
    return lambda s: (s.is_message and s.frm == room and s.type != "error"
                      and muc_user_child(s, "invite") is not None)


def decline_from(room):
    return lambda s: (s.is_message and s.frm == room and s.type != "error"
                      and muc_user_child(s, "decline") is not None)


async def invite_carol(muc):
    room, (alice, bob) = await muc.occupied_room("alice", "bob")
    carol = await muc.client("carol")
    alice.send(f"<message to='{room}' id='{new_id('inv')}'><x xmlns='http://jabber.org/protocol/muc#user'>"
               f"<invite to='carol@localhost'><reason>{REASON}</reason></invite></x></message>")
    m = await carol.expect(invite_from(room), "the invitation")
    return room, alice, bob, carol, m


async def test_invitation_reaches_invitee_from_room_with_invitor_and_reason(muc):
    room, alice, bob, carol, m = await invite_carol(muc)
    inv = muc_user_child(m, "invite")
    # 7.8.2: 'from' is the bare JID, full JID or room JID of the invitor.
    assert inv.get("from") in (alice.jid, bare(alice.jid), f"{room}/Alice"), m
    r = muc_user_child(m, "invite", "reason")
    assert r is not None and r.text == REASON, m
    assert m.type in (None, "normal"), m


async def test_decline_is_relayed_to_invitor_from_room(muc):
    room, alice, bob, carol, m = await invite_carol(muc)
    inviter = muc_user_child(m, "invite").get("from")
    carol.send(f"<message to='{room}' id='{new_id('dec')}'><x xmlns='http://jabber.org/protocol/muc#user'>"
               f"<decline to='{inviter}'><reason>Too busy</reason></decline></x></message>")
    d = await alice.expect(decline_from(room), "the decline")
    dec = muc_user_child(d, "decline")
    assert bare(dec.get("from", "")) == "carol@localhost", d
    r = muc_user_child(d, "decline", "reason")
    assert r is not None and r.text == "Too busy", d
