"""XEP-0045 8.1 (modifying the room subject) and 7.2.15 (subject sent to a new occupant)."""
from harness.muc import is_subject, join
from harness.stanza import new_id


async def test_moderator_subject_change_reaches_all_and_later_joiners(muc):
    room, (alice, bob) = await muc.occupied_room("alice", "bob")
    sid = new_id("subj")
    alice.send(f"<message type='groupchat' to='{room}' id='{sid}'><subject>Cats</subject></message>")
    for c in (alice, bob):
        m = await c.expect(is_subject(room), f"the subject change ({c.name})")
        assert m.subject == "Cats", m
        assert m.frm in (room, f"{room}/Alice"), m
        assert m.body is None, m

    carol = await muc.client("carol")
    got = await join(carol, f"{room}/Carol")
    last = got[-1]
    assert is_subject(room)(last) and last.subject == "Cats", got
