"""Persistence across an orderly restart (README "Durability"; XEP-0045 10.1.3 persistent
rooms, 10.2 configuration, 9.1/9.2 bans, 9.3/9.5 members and admins, 9.3 members-only
entry, 7.2.15 history, 8.1 subject).

A persistent, logged, members-only room is configured and populated (affiliations, subject,
messages); the component is stopped with SIGTERM and started again; the room then comes
back from PostgreSQL on first use with the same configuration, affiliations, subject and
history."""
import re

import pytest

from harness.env import persistence_skip_reason
from harness.muc import (admin_get, admin_item, admin_items, admin_set, create_room, enter,
                         form_values, get_config, groupchat_from, is_subject, join,
                         presence_from)
from harness.stanza import NS_CLIENT, NS_DELAY, NS_MUC_OWNER, NS_STANZAS, bare, new_id

pytestmark = pytest.mark.skipif(persistence_skip_reason() is not None,
                                reason=persistence_skip_reason() or "")

ROOM_NAME = "Persistent lounge"
CONFIG = {
    "muc#roomconfig_roomname": ROOM_NAME,
    "muc#roomconfig_roomdesc": "survives restarts",
    "muc#roomconfig_persistentroom": "1",
    "muc#roomconfig_membersonly": "1",
    "muc#roomconfig_enablelogging": "1",
}
SUBJECT = "Kept across restarts"
BODIES = ["first words", "second <thoughts> & more", "third and last"]


def is_affiliation_notice(s):
    """9.3/9.5/9.8: a message (status 101) telling a user who is not in the room that
    their affiliation changed; it may arrive (or come from offline storage) around a join."""
    return s.is_message and 101 in s.statuses and s.body is None


def split_join(got, room):
    """(presences, history messages, subject message) of a join sequence, in order
    (affiliation notices left out)."""
    got = [s for s in got if not is_affiliation_notice(s)]
    kinds = "".join("P" if s.is_presence else "S" if is_subject(room)(s) else "H" for s in got)
    assert re.fullmatch("P+H*S", kinds), f"bad join order {kinds}:\n" + "\n".join(map(str, got))
    return ([s for s, k in zip(got, kinds) if k == "P"],
            [s for s, k in zip(got, kinds) if k == "H"], got[-1])


def history_view(history):
    """What must survive a restart: sender, body and the <delay/> of each message."""
    out = []
    for m in history:
        d = m.child(NS_DELAY, "delay")
        assert d is not None, f"history message without <delay/>: {m}"
        out.append((m.frm, m.body, d.get("from"), d.get("stamp")))
    return out


async def test_room_comes_back_after_restart_with_config_affiliations_subject_history(muc):
    env = muc.env
    alice, dave = await muc.clients("alice", "dave")
    room = muc.room("restart")

    # -- before: configure, affiliate, set the subject, talk --------------------------------
    await create_room(alice, f"{room}/Alice", CONFIG)
    for jid, affiliation in (("carol@localhost", "member"), ("dave@localhost", "admin"),
                             ("eve@localhost", "outcast")):
        reply = await admin_set(alice, room, admin_item(jid=jid, affiliation=affiliation))
        assert reply.type == "result", f"{affiliation} {jid}: {reply}"
    alice.send(f"<message type='groupchat' to='{room}' id='{new_id('subj')}'>"
               f"<subject>{SUBJECT}</subject></message>")
    await alice.expect(lambda s: is_subject(room)(s) and s.subject == SUBJECT, "the subject change")
    for body in BODIES:
        esc = body.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        alice.send(f"<message type='groupchat' to='{room}' id='{new_id('m')}'><body>{esc}</body></message>")
        await alice.expect(groupchat_from(f"{room}/Alice", body), f"reflection of {body!r}")
    config_before = await get_config(alice, room)
    assert config_before.type == "result", config_before
    values_before = form_values(config_before.xml)
    assert values_before.get("muc#roomconfig_roomname") == [ROOM_NAME], config_before
    assert values_before.get("muc#roomconfig_membersonly") == ["1"], config_before
    # What a newcomer sees before the restart, to compare with after.
    got = await join(dave, f"{room}/Dave")
    _, history_before, subject_before = split_join(got, room)
    assert [m.body for m in history_before] == BODIES, history_before
    assert subject_before.subject == SUBJECT, subject_before

    # -- restart -----------------------------------------------------------------------------
    # (The exit status is asserted at the end, so that the checks below still report.)
    status = await env.restart_component()
    # Before it stopped, each occupant was told it is out because the service shuts down
    # (XEP-0045 status 332), with its own exit only.
    for client, nick in ((alice, "Alice"), (dave, "Dave")):
        bye = await client.expect(presence_from(f"{room}/{nick}", "unavailable"), "the 332 exit")
        assert {110, 332} <= bye.statuses, bye
        client.drain()

    # -- after: the owner re-enters; the room is not new -------------------------------------
    got = await join(alice, f"{room}/Alice")
    presences, _, _ = split_join(got, room)
    mine = [p for p in presences if p.frm == f"{room}/Alice"]
    assert len(mine) == 1, presences
    assert 201 not in mine[0].statuses, f"the room was created anew after the restart: {mine[0]}"
    assert mine[0].item.get("affiliation") == "owner", mine[0]

    # an outcast is refused: 9.1 / 7.2.7
    eve = await muc.client("eve")
    err = await enter(eve, f"{room}/Eve")
    assert err.error == ("auth", "forbidden"), f"eve (outcast) after restart: {err}"

    # a non-member is refused: 7.2.6 members-only
    bob = await muc.client("bob")
    err = await enter(bob, f"{room}/Bob")
    assert err.error == ("auth", "registration-required"), f"bob (no affiliation) after restart: {err}"

    # a member enters and gets the same history (with <delay/>) and subject as before
    carol = await muc.client("carol")
    got = await join(carol, f"{room}/Carol")
    presences, history_after, subject_after = split_join(got, room)
    mine = [p for p in presences if p.frm == f"{room}/Carol"]
    assert len(mine) == 1 and mine[0].item.get("affiliation") == "member", presences
    assert [m.body for m in history_after] == BODIES, "history after restart:\n" + "\n".join(map(str, history_after))
    for m in history_after:
        assert m.type == "groupchat" and m.frm == f"{room}/Alice", m
        d = m.child(NS_DELAY, "delay")
        assert d is not None and d.get("from") == room, m
    assert history_view(history_after) == history_view(history_before), (
        "history changed across the restart:\n before:\n" + "\n".join(map(str, history_before))
        + "\n after:\n" + "\n".join(map(str, history_after)))
    assert subject_after.subject == SUBJECT, subject_after
    assert subject_after.frm == subject_before.frm, (subject_before, subject_after)
    assert bare(subject_after.frm) == room, subject_after

    # the configuration form has the same values
    config_after = await get_config(alice, room)
    assert config_after.type == "result", config_after
    values_after = form_values(config_after.xml)
    assert values_after.get("muc#roomconfig_roomname") == [ROOM_NAME], config_after
    assert values_after.get("muc#roomconfig_membersonly") == ["1"], config_after
    assert values_after.get("muc#roomconfig_persistentroom") == ["1"], config_after
    assert values_after == values_before, (
        f"configuration changed across the restart:\n before: {values_before}\n after: {values_after}")

    # the lists: 9.2 ban list, 9.5 member list, 10.8 admin list
    for affiliation, expected in (("outcast", ["eve@localhost"]), ("member", ["carol@localhost"]),
                                  ("admin", ["dave@localhost"]), ("owner", ["alice@localhost"])):
        reply = await admin_get(alice, room, affiliation=affiliation)
        assert reply.type == "result", f"{affiliation} list: {reply}"
        jids = sorted(i.get("jid") for i in admin_items(reply))
        assert jids == expected, f"{affiliation} list after restart: {reply}"

    # the room is live: a message reaches the member
    alice.send(f"<message type='groupchat' to='{room}' id='{new_id('m')}'><body>after</body></message>")
    await carol.expect(groupchat_from(f"{room}/Alice", "after"), "a message after the restart")

    assert status == 0, (f"muc-component exited with status {status} on SIGTERM "
                         "(see its log for a sanitizer report)")


async def test_a_destroyed_rooms_tombstone_survives_a_restart(muc):
    # XEP-0045 10.9 with the tombstone kept in PostgreSQL: after a restart the old address
    # still sends a bookmarked client to the new venue, and still lets the owner back in.
    env = muc.env
    alice, bob = await muc.clients("alice", "bob")
    room, venue = muc.room("tomb"), muc.room("tomb-new")
    await create_room(alice, f"{room}/Alice", {"muc#roomconfig_persistentroom": "1"})
    reply = await alice.iq(room, "set", f"<query xmlns='{NS_MUC_OWNER}'><destroy jid='{venue}'/></query>")
    assert reply.type == "result", reply
    status = await env.restart_component()
    refused = await enter(bob, f"{room}/Bob")
    assert refused.error == ("cancel", "gone"), refused
    gone = refused.xml.find(f"{{{NS_CLIENT}}}error/{{{NS_STANZAS}}}gone")
    assert gone is not None and gone.text == f"xmpp:{venue}?join", refused
    again = await enter(alice, f"{room}/Alice")
    assert {201, 110} <= again.statuses, again
    assert status == 0, f"the component exited with status {status} on SIGTERM"
