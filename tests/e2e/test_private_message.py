"""XEP-0045 7.5 (sending a private message)."""
from harness.stanza import NS_MUC_USER, new_id


async def test_private_message_is_relayed_from_occupant_jid_with_muc_user_x(muc):
    room, (alice, bob) = await muc.occupied_room("alice", "bob")
    mid = new_id("pm")
    bob.send(f"<message type='chat' to='{room}/Alice' id='{mid}'><body>psst</body></message>")
    m = await alice.expect(lambda s: s.is_message and s.body == "psst", "bob's private message")
    assert m.frm == f"{room}/Bob", m
    assert m.to == alice.jid, m
    assert m.type == "chat", m
    x = m.child(NS_MUC_USER, "x")
    assert x is not None, m
    # Never reveals bob's real JID.
    assert bob.jid not in str(m) and bob.jid.split("/")[0] not in str(m), m


async def test_private_message_to_unknown_nick_is_cancel_item_not_found(muc):
    room, (alice, bob) = await muc.occupied_room("alice", "bob")
    mid = new_id("pm")
    err = await bob.request(f"<message type='chat' to='{room}/Nobody' id='{mid}'><body>hello?</body></message>")
    assert err.type == "error", err
    assert err.error == ("cancel", "item-not-found"), err
    assert err.frm == f"{room}/Nobody", err
