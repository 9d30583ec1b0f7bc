"""XEP-0045 7.4 (sending a message to all occupants) and 7.4/18.1 errors for non-occupants."""
from harness.muc import groupchat_from
from harness.stanza import new_id


async def test_message_is_reflected_to_all_occupants_including_sender_with_same_id(muc):
    room, (alice, bob, carol) = await muc.occupied_room("alice", "bob", "carol")
    mid = new_id("msg")
    alice.send(f"<message type='groupchat' to='{room}' id='{mid}'><body>Hello, room</body></message>")
    for c in (alice, bob, carol):
        m = await c.expect(groupchat_from(f"{room}/Alice", "Hello, room"), f"the reflected message ({c.name})")
        assert m.id == mid, m
        assert m.to == c.jid, m
        assert m.subject is None, m


async def test_groupchat_from_non_occupant_is_not_acceptable(muc):
    room, (alice,) = await muc.occupied_room("alice")
    eve = await muc.client("eve")
    mid = new_id("msg")
    err = await eve.request(f"<message type='groupchat' to='{room}' id='{mid}'><body>spam</body></message>")
    assert err.type == "error", err
    assert err.frm == room, err
    etype, cond = err.error
    assert cond == "not-acceptable", err
    assert etype in ("modify", "cancel"), err
    # Nothing reached the occupants (barrier: a round trip to the service).
    await alice.barrier(muc.domain)
    assert not alice.take(lambda s: s.is_message and s.body == "spam")
