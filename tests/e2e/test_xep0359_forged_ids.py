"""XEP-0359 and XEP-0421 through Prosody: a sender's <stanza-id/> claiming the room or its
service, and any <occupant-id/> of its own, never reach the other occupants."""
from harness.muc import groupchat_from
from harness.stanza import new_id

SID = "urn:xmpp:sid:0"
OID = "urn:xmpp:occupant-id:0"


async def test_stanza_ids_claiming_the_room_and_occupant_ids_are_stripped(muc):
    room, (alice, bob) = await muc.occupied_room("alice", "bob")
    alice.send(f"<message type='groupchat' to='{room}' id='{new_id('m')}'><body>hi</body>"
               f"<stanza-id xmlns='{SID}' by='{room}' id='forged'/>"
               f"<stanza-id xmlns='{SID}' by='{muc.domain}' id='forged-too'/>"
               f"<occupant-id xmlns='{OID}' id='me'/>"
               f"<origin-id xmlns='{SID}' id='kept'/></message>")
    m = await bob.expect(groupchat_from(f"{room}/Alice", "hi"), "Alice's message")
    ids = [el.get("id") for el in m.xml if el.tag == f"{{{SID}}}stanza-id"]
    assert "forged" not in ids and "forged-too" not in ids, m
    assert m.child(OID, "occupant-id") is None, m
    assert m.child(SID, "origin-id").get("id") == "kept", m
