"""XEP-0045 7.2.15 (discussion history) and 7.2.16 (managing history): after the presences,
before the subject; <delay/> from the room; maxstanzas, maxchars."""
import re

from harness.muc import groupchat_from, is_subject, join
from harness.stanza import NS_DELAY, new_id

STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")


async def room_with_history(muc, bodies):
    room, (alice,) = await muc.occupied_room("alice")
    for body in bodies:
        alice.send(f"<message type='groupchat' to='{room}' id='{new_id('h')}'><body>{body}</body></message>")
        await alice.expect(groupchat_from(f"{room}/Alice", body), f"reflection of {body}")
    return room


def split_join(got, room):
    """(presences, history messages, subject) of a join sequence, checking their order."""
    kinds = ["P" if s.is_presence else "S" if is_subject(room)(s) else "H" for s in got]
    assert re.fullmatch("P+H*S", "".join(kinds)), f"bad order {kinds}:\n" + "\n".join(map(str, got))
    return ([s for s in got if s.is_presence], [s for s in got if kinds[got.index(s)] == "H"], got[-1])


async def test_history_is_sent_after_presences_before_subject_with_delay(muc):
    room = await room_with_history(muc, ["one", "two", "three"])
    bob = await muc.client("bob")
    got = await join(bob, f"{room}/Bob")
    presences, history, subject = split_join(got, room)
    assert [m.body for m in history] == ["one", "two", "three"], history
    for m in history:
        assert m.type == "groupchat", m
        assert m.frm == f"{room}/Alice", m
        delay = m.child(NS_DELAY, "delay")
        assert delay is not None, m
        assert delay.get("from") == room, m
        assert STAMP.match(delay.get("stamp", "")), m


async def test_history_maxstanzas_limits_to_the_last_n(muc):
    room = await room_with_history(muc, ["one", "two", "three"])
    carol = await muc.client("carol")
    got = await join(carol, f"{room}/Carol", history={"maxstanzas": 2})
    _, history, _ = split_join(got, room)
    assert [m.body for m in history] == ["two", "three"], history


async def test_history_maxchars_zero_sends_none(muc):
    room = await room_with_history(muc, ["one", "two"])
    dave = await muc.client("dave")
    got = await join(dave, f"{room}/Dave", history={"maxchars": 0})
    _, history, _ = split_join(got, room)
    assert history == [], history
