"""XEP-0045 7.7 with [service] presence_burst/presence_rate (5 at once, then one per 2 s):
presence changes past the burst are held, not refused, and everyone gets only the latest
once the occupant's bucket has a token again. Nothing is lost: the last status wins."""
from harness.stanza import NS_CLIENT


def status_of(s):
    el = s.find(f"{{{NS_CLIENT}}}status")
    return el.text if el is not None else None


async def test_presence_changes_past_the_burst_are_coalesced_to_the_latest(muc):
    room, (alice, bob) = await muc.occupied_room("alice", "bob")
    for i in range(1, 9):
        bob.send(f"<presence to='{room}/Bob'><status>s{i}</status></presence>")

    def bobs_status(s):
        return s.is_presence and s.frm == f"{room}/Bob" and status_of(s) is not None

    for c in (alice, bob):
        got = await c.collect_until(lambda s: bobs_status(s) and status_of(s) == "s8",
                                    f"Bob's latest status ({c.name})", keep=bobs_status)
        assert [status_of(s) for s in got] == ["s1", "s2", "s3", "s4", "s5", "s8"], got
        assert all(s.type is None for s in got), got
