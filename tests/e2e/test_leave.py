"""XEP-0045 7.14 (exiting a room) and 10.9 (temporary room destroyed when the last occupant
leaves)."""
from harness.muc import enter, presence_from
from harness.stanza import new_id


async def test_leave_broadcasts_unavailable_with_110_to_the_leaver_only(muc):
    room, (alice, bob) = await muc.occupied_room("alice", "bob")
    lid = new_id("leave")
    bob.send(f"<presence type='unavailable' to='{room}/Bob' id='{lid}'/>")
    mine = await bob.expect(presence_from(f"{room}/Bob", "unavailable"), "bob's own unavailable")
    assert 110 in mine.statuses, mine
    assert mine.item.get("role") == "none", mine
    theirs = await alice.expect(presence_from(f"{room}/Bob", "unavailable"), "bob's unavailable (alice)")
    assert 110 not in theirs.statuses, theirs
    assert theirs.item.get("role") == "none", theirs


async def test_last_occupant_leaving_destroys_temporary_room(muc):
    room, (alice,) = await muc.occupied_room("alice")
    alice.send(f"<presence type='unavailable' to='{room}/Alice' id='{new_id('leave')}'/>")
    mine = await alice.expect(presence_from(f"{room}/Alice", "unavailable"), "alice's own unavailable")
    assert 110 in mine.statuses, mine
    again = await enter(alice, f"{room}/Alice")
    assert again.type is None, again
    assert {201, 110} <= again.statuses, again
