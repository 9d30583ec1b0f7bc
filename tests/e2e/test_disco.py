"""XEP-0045 6.1 (discovering the service), 6.3 (discovering rooms)."""
from harness.muc import create_room, submit_config
from harness.stanza import NS_DISCO_INFO, NS_DISCO_ITEMS, NS_MUC, q


async def test_service_disco_info_is_a_text_conference_with_muc_feature(muc):
    alice = await muc.client("alice")
    reply = await alice.disco_info(muc.domain)
    assert reply.type == "result", reply
    assert reply.frm == muc.domain
    query = reply.child(NS_DISCO_INFO, "query")
    assert query is not None, reply
    identities = [(i.get("category"), i.get("type")) for i in query.findall(q(NS_DISCO_INFO, "identity"))]
    assert ("conference", "text") in identities, reply
    features = {f.get("var") for f in query.findall(q(NS_DISCO_INFO, "feature"))}
    assert NS_MUC in features, reply
    # XEP-0421 4: occupant ids are on in every room, so the service says so.
    assert "urn:xmpp:occupant-id:0" in features, reply


async def test_service_disco_items_lists_public_rooms_only(muc):
    alice = await muc.client("alice")
    public, hidden = muc.room("public"), muc.room("hidden")
    await create_room(alice, f"{public}/Alice", {"muc#roomconfig_publicroom": "1"})
    await create_room(alice, f"{hidden}/Alice", {"muc#roomconfig_publicroom": "0"})
    reply = await alice.iq(muc.domain, "get", f"<query xmlns='{NS_DISCO_ITEMS}'/>")
    assert reply.type == "result", reply
    query = reply.child(NS_DISCO_ITEMS, "query")
    assert query is not None, reply
    jids = {i.get("jid") for i in query.findall(q(NS_DISCO_ITEMS, "item"))}
    assert public in jids, reply
    assert hidden not in jids, reply


async def test_room_disco_info_lists_the_features_the_room_serves(muc):
    # XEP-0045 6.4: the protocols the room answers (registration 7.10, voice requests 7.13,
    # XEP-0199 ping, XEP-0410 self-ping, XEP-0486 avatars) and the muc_* features of its configuration, which clients read to
    # decide what to offer.
    # With a database, the room keeps an archive (XEP-0313) by default, and with it the
    # tombstones of retracted messages (XEP-0424, XEP-0425).
    archive = ["urn:xmpp:mam:2", "urn:xmpp:mam:2#extended", "urn:xmpp:message-moderate:1",
               "urn:xmpp:message-retract:1", "urn:xmpp:message-retract:1#tombstone"
               ] if muc.env.use_db else []
    room, (alice,) = await muc.occupied_room("alice")
    reply = await alice.disco_info(room)
    assert reply.type == "result", reply
    query = reply.child(NS_DISCO_INFO, "query")
    features = [f.get("var") for f in query.findall(q(NS_DISCO_INFO, "feature"))]
    assert features == [NS_MUC, "jabber:iq:register", "http://jabber.org/protocol/muc#request",
                        NS_DISCO_INFO, "urn:xmpp:ping",
                        "http://jabber.org/protocol/muc#self-ping-optimization", "urn:xmpp:sid:0",
                        "vcard-temp", "muc_temporary", "muc_public",
                        "muc_open", "muc_unmoderated", "muc_unsecured",
                        "muc_semianonymous", *archive, "urn:xmpp:occupant-id:0"], reply


async def test_room_disco_info_carries_the_roominfo_form_for_anyone(muc):
    # XEP-0045 6.4 and 15.5.4 (XEP-0128): clients show these in room lists and bookmarks.
    alice, bob = await muc.clients("alice", "bob")
    room = muc.room("info")
    await create_room(alice, f"{room}/Alice", {"muc#roomconfig_roomdesc": "About things",
                                               "muc#roomconfig_whois": "anyone",
                                               "muc#roomconfig_historylength": "7"})
    reply = await bob.disco_info(room)
    assert reply.type == "result", reply
    form = reply.child(NS_DISCO_INFO, "query").find("{jabber:x:data}x")
    values = {f.get("var"): [v.text or "" for v in f.findall("{jabber:x:data}value")] for f in form}
    assert values["FORM_TYPE"] == ["http://jabber.org/protocol/muc#roominfo"], reply
    assert values["muc#roominfo_description"] == ["About things"], reply
    assert values["muc#roominfo_occupants"] == ["1"], reply
    assert values["muc#roominfo_subjectmod"] == values["muc#roominfo_changesubject"], reply
    assert values["muc#maxhistoryfetch"] == ["7"], reply
    assert values["muc#roominfo_contactjid"] == ["alice@localhost"], reply


# XEP-0045 6.4 / 15.2.2: clients read one feature of each pair to show what a room is
# (Converse's room details, Gajim's room info, Conversations' "members only" warning).
PAIRS = [("muc_persistent", "muc_temporary"), ("muc_hidden", "muc_public"),
         ("muc_membersonly", "muc_open"), ("muc_moderated", "muc_unmoderated"),
         ("muc_passwordprotected", "muc_unsecured"), ("muc_nonanonymous", "muc_semianonymous")]


async def _features(client, room):
    reply = await client.disco_info(room)
    assert reply.type == "result", reply
    return {f.get("var") for f in reply.child(NS_DISCO_INFO, "query").findall(q(NS_DISCO_INFO, "feature"))}


async def test_room_disco_info_shows_exactly_one_of_each_pair_and_follows_the_configuration(muc):
    alice = await muc.client("alice")
    room = muc.room("pairs")
    await create_room(alice, f"{room}/Alice")
    features = await _features(alice, room)
    for on, off in PAIRS:
        assert off in features and on not in features, (on, off, sorted(features))
    # What else clients look for before using a room.
    for f in ("urn:xmpp:sid:0", "urn:xmpp:occupant-id:0", "vcard-temp",
              "http://jabber.org/protocol/muc#self-ping-optimization"):
        assert f in features, (f, sorted(features))
    assert ("urn:xmpp:mam:2" in features) == muc.env.use_db, sorted(features)

    reply = await submit_config(alice, room, {
        "muc#roomconfig_persistentroom": "1", "muc#roomconfig_publicroom": "0",
        "muc#roomconfig_membersonly": "1", "muc#roomconfig_moderatedroom": "1",
        "muc#roomconfig_passwordprotectedroom": "1", "muc#roomconfig_roomsecret": "s3cret",
        "muc#roomconfig_whois": "anyone"})
    assert reply.type == "result", reply
    features = await _features(alice, room)
    for on, off in PAIRS:
        assert on in features and off not in features, (on, off, sorted(features))

    # Back to the defaults, one option at a time being enough to flip its pair.
    reply = await submit_config(alice, room, {
        "muc#roomconfig_persistentroom": "0", "muc#roomconfig_publicroom": "1",
        "muc#roomconfig_membersonly": "0", "muc#roomconfig_moderatedroom": "0",
        "muc#roomconfig_passwordprotectedroom": "0", "muc#roomconfig_whois": "moderators"})
    assert reply.type == "result", reply
    features = await _features(alice, room)
    for on, off in PAIRS:
        assert off in features and on not in features, (on, off, sorted(features))
