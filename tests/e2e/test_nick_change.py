"""XEP-0045 7.6 (changing nickname): unavailable with 303 and the new nick, then the new
available presence."""
from harness.muc import from_room
from harness.stanza import new_id


async def test_nick_change_broadcasts_303_unavailable_then_new_presence(muc):
    room, (alice, bob) = await muc.occupied_room("alice", "bob")
    bob.send(f"<presence to='{room}/Robert' id='{new_id('nick')}'/>")

    def presences_of_bob(s):
        return s.is_presence and s.frm in (f"{room}/Bob", f"{room}/Robert")

    for c, is_self in ((bob, True), (alice, False)):
        got = await c.collect_until(lambda s: presences_of_bob(s) and s.frm == f"{room}/Robert",
                                    f"the new presence of Robert ({c.name})", keep=presences_of_bob)
        assert len(got) == 2, f"{c.name}: expected unavailable + available, got {got}"
        gone, new = got
        assert gone.frm == f"{room}/Bob" and gone.type == "unavailable", gone
        assert 303 in gone.statuses, gone
        assert gone.item.get("nick") == "Robert", gone
        assert (110 in gone.statuses) == is_self, gone
        assert new.frm == f"{room}/Robert" and new.type is None, new
        assert (110 in new.statuses) == is_self, new
        assert 303 not in new.statuses, new
        assert new.item.get("role") == "participant", new
    # The room knows bob as Robert now.
    assert not [s for s in alice.take(from_room(room)) if s.frm == f"{room}/Bob"]
