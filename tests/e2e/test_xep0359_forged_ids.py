"""XEP-0359 and XEP-0421 through Prosody: a sender's <stanza-id/> claiming the room or its
service, and any <occupant-id/> of its own, never reach the other occupants; the room's own
stanza-id is the same in every copy and in the history, and an occupant's occupant-id the
same on its presences and messages, across nick changes and rejoins."""
import re

from harness.muc import groupchat_from, join, presence_from
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
    # The room's own occupant-id replaces the sender's (XEP-0421 4: exactly one).
    assert occupant_id(m) != "me", m
    assert m.child(SID, "origin-id").get("id") == "kept", m


UUID_V7 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


async def room_features(client, room: str) -> list:
    """The features the room advertises in disco#info."""
    disco = await client.disco_info(room)
    query = disco.child("http://jabber.org/protocol/disco#info", "query")
    assert query is not None, disco
    return [f.get("var") for f in query if f.get("var")]


def room_stanza_id(m, room: str) -> str:
    """The id of the one <stanza-id/> the room gave `m` (XEP-0359 4: at most one per `by`)."""
    ids = [el.get("id") for el in m.xml if el.tag == f"{{{SID}}}stanza-id" and el.get("by") == room]
    assert len(ids) == 1, m
    return ids[0]


async def test_every_copy_and_the_history_carry_the_rooms_one_stanza_id(muc):
    room, (alice, bob) = await muc.occupied_room("alice", "bob")
    assert SID in await room_features(alice, room)
    alice.send(f"<message type='groupchat' to='{room}' id='{new_id('m')}'><body>first</body>"
               f"<origin-id xmlns='{SID}' id='o-first'/></message>")
    mine = await alice.expect(groupchat_from(f"{room}/Alice", "first"), "the reflection")
    theirs = await bob.expect(groupchat_from(f"{room}/Alice", "first"), "Alice's message")
    sid = room_stanza_id(mine, room)
    assert UUID_V7.match(sid), sid
    assert room_stanza_id(theirs, room) == sid
    assert theirs.child(SID, "origin-id").get("id") == "o-first", theirs
    alice.send(f"<message type='groupchat' to='{room}' id='{new_id('m')}'><body>second</body></message>")
    second = await bob.expect(groupchat_from(f"{room}/Alice", "second"), "the second message")
    assert room_stanza_id(second, room) not in (sid, ""), second

    carol = await muc.client("carol")
    got = await join(carol, f"{room}/Carol", history={"maxstanzas": "2"})
    history = [s for s in got if s.is_message and s.body in ("first", "second")]
    assert [room_stanza_id(s, room) for s in history] == [sid, room_stanza_id(second, room)], got


def occupant_id(s) -> str:
    ids = [el.get("id") for el in s.xml if el.tag == f"{{{OID}}}occupant-id"]
    assert len(ids) == 1, s  # XEP-0421 3: exactly one
    return ids[0]


async def test_an_occupant_keeps_one_occupant_id_across_presence_messages_and_rejoins(muc):
    room, (alice, bob) = await muc.occupied_room("alice", "bob")
    assert OID in await room_features(bob, room)
    alice.send(f"<message type='groupchat' to='{room}' id='{new_id('m')}'><body>who am I</body></message>")
    said = await bob.expect(groupchat_from(f"{room}/Alice", "who am I"), "Alice's message")
    alice_id = occupant_id(said)
    assert 0 < len(alice_id) <= 128, said
    # The same person under another nick, then after leaving and coming back.
    alice.send(f"<presence to='{room}/Alicia'/>")
    renamed = await bob.expect(presence_from(f"{room}/Alicia"), "Alice as Alicia")
    assert occupant_id(renamed) == alice_id
    alice.send(f"<presence type='unavailable' to='{room}/Alicia'/>")
    await bob.expect(presence_from(f"{room}/Alicia", "unavailable"), "Alicia leaving")
    await join(alice, f"{room}/Alice")
    back = await bob.expect(presence_from(f"{room}/Alice"), "Alice back")
    assert occupant_id(back) == alice_id
    # Another user has another id.
    bob.send(f"<message type='groupchat' to='{room}' id='{new_id('m')}'><body>not you</body></message>")
    bobs = await alice.expect(groupchat_from(f"{room}/Bob", "not you"), "Bob's message")
    assert occupant_id(bobs) not in ("", alice_id)
