"""XEP-0313 message archive on the room's JID, through Prosody, read with slixmpp's MAM
plugin (xep_0313 on xep_0059) and with raw queries where the plugin has no words: every
groupchat message is archived under its stanza-id (XEP-0359), pages come in archive order
from either end, the archive is read by those the room lets in, and it survives a restart,
which history on entering then comes from."""
import pytest

from harness.env import persistence_skip_reason
from harness.muc import create_room, groupchat_from, join
from harness.stanza import NS_DISCO_INFO, new_id, q

pytestmark = pytest.mark.skipif(persistence_skip_reason() is not None,
                                reason=persistence_skip_reason() or "")

MAM = "urn:xmpp:mam:2"
RSM = "http://jabber.org/protocol/rsm"
SID = "urn:xmpp:sid:0"
FORWARD = "urn:xmpp:forward:0"


async def say(client, room, nick, bodies):
    """Sends each body and returns the stanza-ids the room gave them, in order."""
    ids = []
    for body in bodies:
        client.send(f"<message type='groupchat' to='{room}' id='{new_id('m')}'><body>{body}</body></message>")
        got = await client.expect(groupchat_from(f"{room}/{nick}", body), f"reflection of {body}")
        ids.append(got.child(SID, "stanza-id").get("id"))
    return ids


async def raw_query(client, room, inner=""):
    """A raw archive query; returns (result messages, the iq answer)."""
    qid = new_id("q")
    reply = await client.iq(room, "set", f"<query xmlns='{MAM}' queryid='{qid}'>{inner}</query>")
    results = client.take(lambda s: s.is_message and s.find(f"{q(MAM, 'result')}[@queryid='{qid}']") is not None)
    return results, reply


def result_id(message):
    return message.find(q(MAM, "result")).get("id")


def forwarded_body(message):
    inner = message.find(f"{q(MAM, 'result')}/{q(FORWARD, 'forwarded')}/{{jabber:client}}message")
    return inner.find("{jabber:client}body").text, inner.get("from")


async def test_archive_serves_every_message_under_its_stanza_id_to_slixmpp(muc):
    room, (alice,) = await muc.occupied_room("alice")
    ids = await say(alice, room, "Alice", ["one", "two", "three"])
    info = await alice.disco_info(room)
    features = {f.get("var") for f in info.findall(f"{q(NS_DISCO_INFO, 'query')}/{q(NS_DISCO_INFO, 'feature')}")}
    assert {MAM, MAM + "#extended", SID} <= features, info

    bob = await muc.client("bob")  # never entered: the room is public and open
    for plugin in ("xep_0059", "xep_0297", "xep_0313"):
        bob.xmpp.register_plugin(plugin)
    answer = await bob.xmpp.plugin["xep_0313"].retrieve(jid=room, rsm={"max": 10})
    results = answer["mam"]["results"]
    assert [r["mam_result"]["id"] for r in results] == ids, answer
    inner = [r["mam_result"]["forwarded"]["stanza"] for r in results]
    assert [m["body"] for m in inner] == ["one", "two", "three"]
    assert {str(m["from"]) for m in inner} == {f"{room}/Alice"}
    assert answer["mam_fin"].xml.get("complete") == "true", answer
    assert answer["mam_fin"]["rsm"]["first"] == ids[0] and answer["mam_fin"]["rsm"]["last"] == ids[-1]


async def test_pages_come_from_the_end_and_before_an_id_in_archive_order(muc):
    room, (alice,) = await muc.occupied_room("alice")
    ids = await say(alice, room, "Alice", [f"m{i}" for i in range(5)])
    last, fin = await raw_query(alice, room, f"<set xmlns='{RSM}'><max>2</max><before/></set>")
    assert fin.type == "result", fin
    assert [result_id(m) for m in last] == ids[3:], last
    assert fin.find(q(MAM, "fin")).get("complete") in (None, "false"), fin
    before, fin = await raw_query(alice, room, f"<set xmlns='{RSM}'><max>2</max><before>{ids[3]}</before></set>")
    assert [result_id(m) for m in before] == ids[1:3], before
    first, fin = await raw_query(alice, room, f"<set xmlns='{RSM}'><max>2</max><before>{ids[1]}</before></set>")
    assert [result_id(m) for m in first] == ids[:1], first
    assert fin.find(q(MAM, "fin")).get("complete") == "true", fin
    after, fin = await raw_query(alice, room, f"<set xmlns='{RSM}'><after>{ids[2]}</after></set>")
    assert [forwarded_body(m)[0] for m in after] == ["m3", "m4"], after


async def test_an_id_not_in_the_archive_is_item_not_found(muc):
    room, (alice,) = await muc.occupied_room("alice")
    await say(alice, room, "Alice", ["x"])
    _, reply = await raw_query(alice, room, f"<set xmlns='{RSM}'><after>no-such-id</after></set>")
    assert reply.error == ("cancel", "item-not-found"), reply


async def test_members_only_archive_is_refused_to_non_members(muc):
    alice, bob = await muc.clients("alice", "bob")
    room = muc.room("members")
    await create_room(alice, f"{room}/Alice", {"muc#roomconfig_membersonly": "1"})
    await say(alice, room, "Alice", ["secret"])
    results, reply = await raw_query(bob, room)
    assert reply.error == ("auth", "forbidden"), reply
    assert results == []


async def test_archive_and_history_survive_a_restart(muc):
    alice, bob = await muc.clients("alice", "bob")
    room = muc.room("restart")
    await create_room(alice, f"{room}/Alice", {"muc#roomconfig_persistentroom": "1"})
    ids = await say(alice, room, "Alice", ["before", "the", "restart"])
    status = await muc.env.restart_component()
    assert status == 0, f"component exit status {status}"
    got = await join(bob, f"{room}/Bob")
    history = [s.body for s in got if s.is_message and s.body is not None]
    assert history == ["before", "the", "restart"], got
    results, reply = await raw_query(bob, room)
    assert reply.type == "result", reply
    assert [result_id(m) for m in results] == ids


async def test_subject_change_is_archived_in_its_place_and_is_not_history(muc):
    """XEP-0313 (MUC archives): subject changes are stored as messages are. After a restart
    the newcomer's history is the messages only, and the subject comes after it (XEP-0045
    7.2.16)."""
    alice, bob = await muc.clients("alice", "bob")
    room = muc.room("subjects")
    await create_room(alice, f"{room}/Alice", {"muc#roomconfig_persistentroom": "1"})
    (before,) = await say(alice, room, "Alice", ["before"])
    alice.send(f"<message type='groupchat' to='{room}' id='{new_id('s')}'><subject>Plans</subject></message>")
    change = await alice.expect(
        lambda s: s.is_message and s.find("{jabber:client}subject") is not None and s.get("from") == f"{room}/Alice",
        "the subject change")
    subject_id = change.child(SID, "stanza-id").get("id")
    (after,) = await say(alice, room, "Alice", ["after"])

    results, reply = await raw_query(bob, room)
    assert reply.type == "result", reply
    assert [result_id(m) for m in results] == [before, subject_id, after], results
    inner = results[1].find(f"{q(MAM, 'result')}/{q(FORWARD, 'forwarded')}/{{jabber:client}}message")
    assert inner.find("{jabber:client}subject").text == "Plans" and inner.get("from") == f"{room}/Alice"
    assert inner.find("{jabber:client}body") is None

    status = await muc.env.restart_component()
    assert status == 0, f"component exit status {status}"
    got = await join(bob, f"{room}/Bob")
    messages = [s for s in got if s.is_message]
    assert [s.body for s in messages[:-1]] == ["before", "after"], got
    assert messages[-1].find("{jabber:client}subject").text == "Plans", got
