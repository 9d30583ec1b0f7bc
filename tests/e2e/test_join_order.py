"""XEP-0045 7.2.2 (presence broadcast), 7.2.3 (self-presence, 110, id), 7.2.15/7.2.16
(subject last of the join sequence)."""
from harness.muc import presence_from
from harness.stanza import join_xml, new_id


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
