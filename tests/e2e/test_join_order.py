"""XEP-0045 7.2.2 (presence broadcast, muc#user <x/> on every occupant presence), 7.2.3
(self-presence, 110, id, after every other occupant's), 7.2.15/7.2.16 (history, then the
subject last of the join sequence, sent even when empty), 8.1 (a cleared subject)."""
import re

from harness.muc import groupchat_from, is_subject, join, presence_from
from harness.stanza import NS_CLIENT, NS_MUC_USER, join_xml, new_id, q


async def test_join_sequence_is_occupants_then_self_with_110_and_id_then_empty_subject(muc):
    room, (alice,) = await muc.occupied_room("alice")
    bob = await muc.client("bob")
    jid = new_id("join")
    bob.send(join_xml(f"{room}/Bob", jid))
    got = await bob.collect_until(lambda s: s.is_message and s.subject is not None,
                                  "the subject message", keep=lambda s: s.frm.startswith(room))
    assert len(got) == 3, "expected alice's presence, bob's self-presence, subject; got:\n" + \
        "\n".join(map(str, got))
    others, me, subject = got

    assert others.is_presence and others.type is None, others
    assert others.frm == f"{room}/Alice", others
    assert 110 not in others.statuses, others
    assert others.item.get("affiliation") == "owner", others
    assert others.item.get("role") == "moderator", others

    assert me.is_presence and me.type is None, me
    assert me.frm == f"{room}/Bob", me
    assert 110 in me.statuses, me
    assert me.id == jid, me
    assert me.item.get("role") == "participant", me

    assert subject.type == "groupchat", subject
    assert subject.frm.split("/")[0] == room, subject
    assert subject.subject == "", subject
    assert subject.body is None, subject


async def test_existing_occupant_sees_newcomer_presence_without_110(muc):
    room, (alice,) = await muc.occupied_room("alice")
    bob = await muc.client("bob")
    bob.send(join_xml(f"{room}/Bob", new_id("join")))
    pres = await alice.expect(presence_from(f"{room}/Bob"), "bob's presence")
    assert 110 not in pres.statuses, pres
    assert pres.item.get("role") == "participant", pres
    assert pres.item.get("affiliation") == "none", pres


# -- what popular clients (Converse.js, Gajim, Conversations, Dino) rely on when entering ----
# They treat the subject as the end of the join (7.2.15: "the service MUST ... send the
# subject", empty if none), the 110 presence as "I am in" after which the occupant list is
# complete (7.2.3: "the service MUST send the new occupant's own presence ... last"), and
# identify MUC presence by its muc#user <x/> (7.2.2: each presence "MUST include" it).

def _muc_user_item(s):
    """The muc#user <x/> and its <item/> with affiliation and role, or an AssertionError."""
    x = s.muc_user
    assert x is not None, f"presence without <x xmlns='{NS_MUC_USER}'/>: {s}"
    item = x.find(q(NS_MUC_USER, "item"))
    assert item is not None, f"muc#user <x/> without <item/>: {s}"
    assert item.get("affiliation") in ("owner", "admin", "member", "none", "outcast"), s
    assert item.get("role") in ("moderator", "participant", "visitor", "none"), s
    return item


def _split(got, room, me):
    """(other occupants' presences, self-presence, history, subject) of a join sequence, after
    checking its order: presences of others, then the self-presence, then history, then the
    subject, nothing else and nothing after it."""
    kinds = []
    for s in got:
        if s.is_presence:
            kinds.append("M" if s.frm == me else "P")
        elif is_subject(room)(s):
            kinds.append("S")
        elif s.is_message and s.type == "groupchat" and s.body is not None and s.delay is not None:
            kinds.append("H")
        else:
            kinds.append("?")
    assert re.fullmatch("P*MH*S", "".join(kinds)), \
        f"join sequence out of order ({''.join(kinds)}):\n" + "\n".join(map(str, got))
    return ([s for s, k in zip(got, kinds) if k == "P"], got[kinds.index("M")],
            [s for s, k in zip(got, kinds) if k == "H"], got[-1])


async def _room_with_history(muc, names, bodies):
    room, clients = await muc.occupied_room(*names)
    for body in bodies:
        clients[0].send(f"<message type='groupchat' to='{room}' id='{new_id('h')}'><body>{body}</body></message>")
        for c in clients:
            await c.expect(groupchat_from(f"{room}/Alice", body), f"{body} at {c.name}")
    return room, clients


async def test_join_with_occupants_and_history_ends_with_the_empty_subject_after_the_history(muc):
    room, (alice, bob, carol) = await _room_with_history(muc, ("alice", "bob", "carol"), ["one", "two"])
    dave = await muc.client("dave")
    jid = new_id("join")
    dave.send(join_xml(f"{room}/Dave", jid))
    got = await dave.collect_until(is_subject(room), "the subject", keep=lambda s: s.frm.startswith(room))
    others, me, history, subject = _split(got, room, f"{room}/Dave")

    # Every other occupant, once, before the self-presence; each with muc#user <x/>.
    assert sorted(s.frm for s in others) == [f"{room}/Alice", f"{room}/Bob", f"{room}/Carol"], got
    for s in others:
        assert s.type is None and 110 not in s.statuses, s
        _muc_user_item(s)
    assert 110 in me.statuses and me.id == jid, me
    assert _muc_user_item(me).get("role") == "participant", me

    assert [m.body for m in history] == ["one", "two"], history
    # No subject was ever set: it is still sent, empty, last (7.2.15).
    assert subject.subject == "" and subject.body is None and subject.type == "groupchat", subject
    # And nothing more from the room after it (the join sequence is over).
    await dave.barrier(room)
    assert dave.take(lambda s: s.frm.startswith(room)) == [], "stanzas after the subject"


async def test_a_set_subject_comes_after_the_history_and_a_cleared_one_is_sent_empty(muc):
    room, (alice,) = await _room_with_history(muc, ("alice",), ["one"])
    alice.send(f"<message type='groupchat' to='{room}' id='{new_id('s')}'><subject>Cats</subject></message>")
    await alice.expect(is_subject(room), "the subject change")
    bob = await muc.client("bob")
    got = await join(bob, f"{room}/Bob")
    _, _, history, subject = _split(got, room, f"{room}/Bob")
    assert [m.body for m in history] == ["one"], got
    assert subject.subject == "Cats", subject

    # Cleared (8.1: an empty <subject/>): a newcomer still gets a subject, empty.
    alice.send(f"<message type='groupchat' to='{room}' id='{new_id('s')}'><subject/></message>")
    await alice.expect(is_subject(room), "the subject cleared")
    await bob.expect(is_subject(room), "the subject cleared, at bob")
    carol = await muc.client("carol")
    got = await join(carol, f"{room}/Carol")
    _, _, history, subject = _split(got, room, f"{room}/Carol")
    assert [m.body for m in history] == ["one"], got
    assert subject.subject == "" and subject.body is None, subject


async def test_every_occupant_presence_carries_muc_user_x(muc):
    # Entering, a status change, a nick change and leaving: what others see and the
    # occupant's own copy all carry <x xmlns='muc#user'><item/></x>.
    room, (alice, bob) = await muc.occupied_room("alice", "bob")
    carol = await muc.client("carol")
    seq = await join(carol, f"{room}/Carol")
    for s in (p for p in seq if p.is_presence):
        _muc_user_item(s)
    for c in (alice, bob):
        _muc_user_item(await c.expect(presence_from(f"{room}/Carol"), f"carol's entry at {c.name}"))

    carol.send(f"<presence to='{room}/Carol'><show>away</show><status>lunch</status></presence>")
    for c in (alice, bob, carol):
        s = await c.expect(presence_from(f"{room}/Carol"), f"carol's status change at {c.name}")
        _muc_user_item(s)
        assert s.find(q(NS_CLIENT, "show")).text == "away", s
        assert (110 in s.statuses) == (c is carol), s

    carol.send(f"<presence to='{room}/Caroline'/>")
    for c in (alice, bob, carol):
        gone = await c.expect(presence_from(f"{room}/Carol", "unavailable"), f"carol's 303 at {c.name}")
        assert 303 in gone.statuses and _muc_user_item(gone).get("nick") == "Caroline", gone
        _muc_user_item(await c.expect(presence_from(f"{room}/Caroline"), f"Caroline at {c.name}"))

    carol.send(f"<presence to='{room}/Caroline' type='unavailable'/>")
    for c in (alice, bob, carol):
        left = await c.expect(presence_from(f"{room}/Caroline", "unavailable"), f"carol leaving at {c.name}")
        assert _muc_user_item(left).get("role") == "none", left
        assert (110 in left.statuses) == (c is carol), left
