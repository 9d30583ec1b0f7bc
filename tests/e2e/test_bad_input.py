"""Hostile and malformed input: each gets the answer RFC 6120 / RFC 6121 / XEP-0045 give it
(or, where RFC 6120 8.3.1 says so, none), and costs nothing to anyone else.

Two ways in:

* Through Prosody, as a client (slixmpp): everything Prosody forwards to the component as it
  is. After each hostile stanza, another occupant's groupchat is still delivered and the
  component's log shows no reconnect (harness.link.LinkWatch).
* As the XMPP server (`FakeServer` below): a second instance of the component under test is
  started against a socket of this test that speaks XEP-0114 (stream header, handshake) and
  then writes raw bytes on the component's stream. That is the only way to reach the
  component with what Prosody itself refuses at c2s: invalid UTF-8, a DOCTYPE, an entity
  reference, mismatched tags (Prosody closes the client's stream with a stream error), an
  iq with no id or of an unknown type, a presence of an unknown type (Prosody answers
  `modify/bad-request` itself), a stanza with no `from` or from a domain Prosody does not
  serve. After each, a disco#info round trip from another user on the same connection is
  answered and the connection was not replaced (or, for a stream broken as a whole, the
  component reconnects and serves again).

The component's contract for the stream (README, "The link to the server"): a fault inside
one stanza whose boundaries are known (invalid UTF-8, RFC 6120 section 11 markup, XML the
parser refuses) costs that stanza: `modify/not-acceptable` to its sender; only XML broken at
the stream level (mismatched tags, a DTD between stanzas) is a stream error and a reconnect.

Not repeated here: over-deep (300 levels), oversized and over-attributed stanzas are
test_link_hostile_stanza.py's (`modify/policy-violation`, link kept).

Only error types and defined conditions are asserted, never `<text/>`.

Sections: RFC 6120 4.9.3 (stream errors), 8.1.3 and 8.2.3 (iq id, type), 8.3.1 (no error for
an error or an iq result), 8.3.3 (conditions), 11 (restricted XML, UTF-8); RFC 6121 4.7.1 /
5.2.2 (unknown presence and message types); XEP-0004 3.2-3.3 (field values); XEP-0045 5,
8.2-8.4, 9 (admin items), 7.8.2 (invitations), 7.2.15 / 7.4 (delay), 10.2 (configuration).
"""
from __future__ import annotations

import asyncio
import hashlib
import os
import shutil
import tempfile
import uuid
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import List, Optional

import pytest

from harness.client import DEFAULT_TIMEOUT, Client
from harness.env import Component
from harness.link import LinkWatch
from harness.muc import (admin_get, admin_item, admin_items, admin_set, form_values, from_room,
                         get_config, groupchat_from, join, muc_user_child, room_status_message)
from harness.stanza import (NS_DATA, NS_DELAY, NS_DISCO_INFO, NS_MUC_OWNER, NS_MUC_USER,
                            NS_STANZAS, Stanza, attr, bare, new_id, q)

ROOMCONFIG = "http://jabber.org/protocol/muc#roomconfig"
ROOMNAME = "muc#roomconfig_roomname"
KB100 = 100 * 1024


# ------------------------------------------------------------------------------------------
# Through Prosody
# ------------------------------------------------------------------------------------------

class Scene:
    """alice (owner) and bob in one room; the component's link watched from now on."""

    def __init__(self, muc, watch: LinkWatch, room: str, alice: Client, bob: Client):
        self.muc, self.watch, self.room, self.alice, self.bob = muc, watch, room, alice, bob

    async def others_still_served(self, after: str) -> None:
        """bob's groupchat reaches alice and bob (the room, the service and the link still
        work), and the component never dropped its link since the scene began."""
        body = f"still served after {after} ({new_id('ok')})"
        self.bob.send(f"<message type='groupchat' to='{self.room}' id='{new_id('ok')}'>"
                      f"<body>{body}</body></message>")
        for c in (self.alice, self.bob):
            try:
                await c.expect(groupchat_from(f"{self.room}/Bob", body),
                               f"bob's groupchat after {after} ({c.name})")
            except AssertionError as e:
                raise AssertionError(f"{e}\nThe component's link since the test began:\n"
                                     f"{self.watch.link_lines()}") from None
        self.watch.assert_no_reconnect(after)

    async def nothing_for(self, client: Client, pred, what: str) -> None:
        """After a round trip to the room, nothing matching pred reached `client`."""
        await client.barrier(self.room)
        got = client.take(pred)
        assert not got, f"{what} reached {client.name}: {got}"


@pytest.fixture
def scene_of(muc):
    async def make() -> Scene:
        env = muc.env
        if env.component:
            await env.wait_attached(env.attach_timeout)
        watch = LinkWatch(env)
        room, (alice, bob) = await muc.occupied_room("alice", "bob", hint="bad")
        return Scene(muc, watch, room, alice, bob)
    return make


def assert_error(reply: Stanza, kind: str, frm: str, to: str, error: tuple) -> None:
    assert reply.name == kind and reply.type == "error", reply
    assert reply.frm == frm and reply.to == to, reply
    assert reply.error == error, reply


def invite_xml(room: str, to: str, mid: str, type_: Optional[str] = None) -> str:
    t = f" type={attr(type_)}" if type_ else ""
    return (f"<message to={attr(room)} id={attr(mid)}{t}><x xmlns='{NS_MUC_USER}'>"
            f"<invite to={attr(to)}><reason>come</reason></invite></x></message>")


def invitation_from(room: str):
    return lambda s: (s.is_message and s.frm == room and s.type != "error"
                      and muc_user_child(s, "invite") is not None)


async def config_values(client: Client, room: str) -> dict:
    got = await get_config(client, room)
    assert got.type == "result", got
    return form_values(got.find(q(NS_MUC_OWNER, "query")))


async def owner_set(client: Client, room: str, form: str) -> Stanza:
    return await client.iq(room, "set", f"<query xmlns='{NS_MUC_OWNER}'>{form}</query>")


def form(*fields: str) -> str:
    return (f"<x xmlns='{NS_DATA}' type='submit'><field var='FORM_TYPE' type='hidden'>"
            f"<value>{ROOMCONFIG}</value></field>{''.join(fields)}</x>")


def field(var: str, *values: str, type_: Optional[str] = None) -> str:
    t = f" type={attr(type_)}" if type_ else ""
    return f"<field var={attr(var)}{t}>" + "".join(f"<value>{v}</value>" for v in values) + "</field>"


# -- iq result nobody asked for, error stanzas -----------------------------------------------

async def test_iq_result_nobody_asked_for_is_not_answered_nor_relayed(scene_of, muc):
    s = await scene_of()
    ids = [new_id("stray-result") for _ in range(3)]
    # RFC 6120 8.3.1 / 8.2.3: a result answers nothing and is never answered. To the room,
    # to an occupant (not an answer to any relayed iq: bob gets nothing) and to the service.
    for i, to in zip(ids, (s.room, f"{s.room}/Bob", muc.domain)):
        s.alice.send(f"<iq type='result' to={attr(to)} id={attr(i)}>"
                     f"<query xmlns='{NS_DISCO_INFO}'/></iq>")
    await s.nothing_for(s.alice, lambda x: x.id in ids, "an answer to a stray iq result")
    await s.nothing_for(s.bob, lambda x: x.is_iq and from_room(s.room)(x), "a relayed stray iq result")
    await s.others_still_served("stray iq results")


async def test_error_stanzas_are_not_answered_and_sender_stays(scene_of):
    s = await scene_of()
    mid, iid = new_id("err-msg"), new_id("err-iq")
    err = f"<error type='cancel'><not-acceptable xmlns='{NS_STANZAS}'/></error>"
    # RFC 6120 8.3.1: an error is never answered with an error. not-acceptable is not a
    # condition that means "the session is gone", so alice is not removed either.
    s.alice.send(f"<message type='error' to='{s.room}' id='{mid}'><body>x</body>{err}</message>")
    s.alice.send(f"<iq type='error' to='{s.room}' id='{iid}'>{err}</iq>")
    await s.nothing_for(s.alice, lambda x: x.id in (mid, iid), "an answer to an error stanza")
    await s.nothing_for(s.bob, lambda x: x.is_presence and x.frm == f"{s.room}/Alice",
                        "a presence change of Alice")
    await s.others_still_served("error stanzas")


# -- unknown stanza types -------------------------------------------------------------------

async def test_message_of_unknown_type_is_handled_as_normal_invitation_delivered(scene_of, muc):
    s = await scene_of()
    carol = await muc.client("carol")
    mid = new_id("bogus-type")
    # RFC 6121 5.2.2: a message whose type is not understood is processed as type normal;
    # to the room, a normal message with <invite/> is a mediated invitation (XEP-0045 7.8.2).
    s.alice.send(invite_xml(s.room, "carol@localhost", mid, type_="bogus"))
    m = await carol.expect(invitation_from(s.room), "the invitation sent as type='bogus'")
    assert bare(muc_user_child(m, "invite").get("from", "")) == "alice@localhost", m
    await s.nothing_for(s.alice, lambda x: x.id == mid, "an answer to the invitation")
    await s.nothing_for(s.bob, lambda x: x.is_message and x.frm.startswith(s.room + "/Alice"),
                        "a reflected copy of the type='bogus' message")
    await s.others_still_served("a message of unknown type")


# -- 100 KB attribute values ---------------------------------------------------------------

async def test_100kb_iq_id_is_answered_with_the_same_id(scene_of):
    s = await scene_of()
    iid = "i" * KB100
    # RFC 6120 8.2.3: the reply carries the request's id, whatever its length.
    reply = await s.alice.request(f"<iq type='get' to='{s.room}' id='{iid}'>"
                                  f"<query xmlns='{NS_DISCO_INFO}'/></iq>")
    assert reply.type == "result" and reply.frm == s.room, str(reply)[:300]
    assert reply.id == iid
    await s.others_still_served("a 100 KB iq id")


async def test_100kb_attribute_in_groupchat_extension_is_reflected_intact(scene_of):
    s = await scene_of()
    value = "v" * KB100
    mid = new_id("big-attr")
    body = f"big attribute {mid}"
    # XEP-0045 7.4: the room reflects the message with its extensions; 100 KB is under every
    # stanza bound (256 KiB) and no room bound applies to an extension's attribute.
    s.alice.send(f"<message type='groupchat' to='{s.room}' id='{mid}'><body>{body}</body>"
                 f"<x xmlns='urn:e2e:big' v='{value}'/></message>")
    for c in (s.alice, s.bob):
        m = await c.expect(groupchat_from(f"{s.room}/Alice", body), f"the reflection ({c.name})")
        ext = m.find("{urn:e2e:big}x")
        assert ext is not None and ext.get("v") == value, f"{c.name}: extension lost or cut"
    await s.others_still_served("a 100 KB attribute value")


# -- data forms ----------------------------------------------------------------------------

async def assert_config_refused(s: Scene, fields: List[str], error: tuple, what: str) -> None:
    before = await config_values(s.alice, s.room)
    reply = await owner_set(s.alice, s.room, form(field(ROOMNAME, "Renamed"), *fields))
    assert_error(reply, "iq", s.room, s.alice.jid, error)
    after = await config_values(s.alice, s.room)
    assert after == before, f"{what} changed the configuration: {before} -> {after}"
    await s.nothing_for(s.bob, room_status_message(s.room, 104), "a 104 announcement")
    await s.others_still_served(what)


async def test_config_boolean_field_with_non_boolean_value_is_bad_request_and_changes_nothing(scene_of):
    s = await scene_of()
    # XEP-0004 3.3: a boolean is 0, 1, false or true.
    await assert_config_refused(s, [field("muc#roomconfig_moderatedroom", "maybe", type_="boolean")],
                                ("modify", "bad-request"), "a boolean field valued 'maybe'")


async def test_config_list_single_with_value_outside_its_options_is_bad_request(scene_of):
    s = await scene_of()
    # XEP-0045 10.2: muc#roomconfig_whois is one of 'moderators' or 'anyone'.
    await assert_config_refused(s, [field("muc#roomconfig_whois", "everyone", type_="list-single")],
                                ("modify", "bad-request"), "whois valued 'everyone'")


async def test_config_several_values_for_a_text_single_field_is_bad_request(scene_of):
    s = await scene_of()
    # XEP-0004 3.3: text-single and boolean fields carry one value.
    await assert_config_refused(s, [field("muc#roomconfig_roomdesc", "one", "two", type_="text-single")],
                                ("modify", "bad-request"), "two values for roomdesc")


async def test_config_several_values_for_a_boolean_field_is_bad_request(scene_of):
    s = await scene_of()
    await assert_config_refused(s, [field("muc#roomconfig_persistentroom", "1", "0", type_="boolean")],
                                ("modify", "bad-request"), "two values for a boolean")


async def test_config_form_naming_one_field_twice_is_bad_request(scene_of):
    s = await scene_of()
    await assert_config_refused(s, [field(ROOMNAME, "Twice")], ("modify", "bad-request"),
                                "a form naming roomname twice")


async def test_config_form_of_5000_fields_applies_the_known_one_and_ignores_the_rest(scene_of):
    s = await scene_of()
    # 5,000 fields the room does not know (about 95 KB, well under the 256 KiB stanza bounds
    # of Prosody and of the component) around one it does. Unknown fields are not an error
    # (XEP-0045 10.2 lists the fields a room may offer; XEP-0004 leaves others to the form's
    # processor): the known one applies, announced with 104, and the rest is ignored.
    unknown = [f"<field var='x-e2e#{i}'/>" for i in range(5000)]
    reply = await owner_set(s.alice, s.room, form(*unknown[:2500], field(ROOMNAME, "Five Thousand"),
                                                  *unknown[2500:]))
    assert reply.type == "result" and reply.frm == s.room, str(reply)[:500]
    for c in (s.alice, s.bob):
        await c.expect(room_status_message(s.room, 104), f"the 104 announcement ({c.name})")
    values = await config_values(s.alice, s.room)
    assert values.get(ROOMNAME) == ["Five Thousand"], values
    assert not any(v.startswith("x-e2e#") for v in values), "unknown fields were stored"
    await s.others_still_served("a 5,000-field configuration form")


# -- muc#admin items -----------------------------------------------------------------------

async def assert_admin_refused(s: Scene, items: List[str], error: tuple, what: str) -> None:
    reply = await admin_set(s.alice, s.room, *items)
    assert_error(reply, "iq", s.room, s.alice.jid, error)
    # All or nothing (XEP-0045 5 / 9): nobody's role or affiliation changed.
    await s.nothing_for(s.bob, lambda x: x.is_presence and from_room(s.room)(x),
                        f"a role or affiliation change after {what}")
    got = await admin_get(s.alice, s.room, affiliation="member")
    assert got.type == "result" and admin_items(got) == [], got
    await s.others_still_served(what)


async def test_admin_affiliation_item_with_neither_jid_nor_nick_is_bad_request(scene_of):
    s = await scene_of()
    await assert_admin_refused(s, [admin_item(affiliation="member")], ("modify", "bad-request"),
                               "an affiliation item without jid or nick")


async def test_admin_role_item_with_neither_jid_nor_nick_is_bad_request(scene_of):
    s = await scene_of()
    await assert_admin_refused(s, [admin_item(role="visitor")], ("modify", "bad-request"),
                               "a role item without jid or nick")


async def test_admin_item_with_both_role_and_affiliation_is_bad_request(scene_of):
    s = await scene_of()
    await assert_admin_refused(
        s, [admin_item(nick="Bob", jid="bob@localhost", role="visitor", affiliation="member")],
        ("modify", "bad-request"), "an item with both role and affiliation")


async def test_role_change_for_absent_nick_is_item_not_found_and_changes_nothing(scene_of):
    s = await scene_of()
    # The first item alone would apply (Bob to visitor): the absent nick refuses the set.
    await assert_admin_refused(
        s, [admin_item(nick="Bob", role="visitor"), admin_item(nick="Nobody", role="visitor")],
        ("cancel", "item-not-found"), "a role change for an absent nick")


async def test_kick_of_absent_nick_is_item_not_found(scene_of):
    s = await scene_of()
    await assert_admin_refused(s, [admin_item(nick="Ghost", role="none", reason="bye")],
                               ("cancel", "item-not-found"), "a kick of an absent nick")


async def test_admin_set_of_500_items_applies_all_of_them(scene_of):
    s = await scene_of()
    jids = [f"member{i:03d}-{uuid.uuid4().hex[:4]}@elsewhere.example" for i in range(500)]
    reply = await admin_set(s.alice, s.room, *(admin_item(jid=j, affiliation="member") for j in jids))
    assert reply.type == "result" and reply.frm == s.room, str(reply)[:500]
    got = await admin_get(s.alice, s.room, affiliation="member")
    assert got.type == "result", got
    assert sorted(i.get("jid") for i in admin_items(got)) == sorted(jids)
    # None of them is an occupant: no presence goes to anyone.
    await s.nothing_for(s.bob, lambda x: x.is_presence and from_room(s.room)(x),
                        "a presence for a non-occupant's affiliation")
    await s.others_still_served("a 500-item admin set")


# -- invitations ---------------------------------------------------------------------------

async def assert_invite_refused(s: Scene, to: str, error: tuple, what: str) -> None:
    mid = new_id("inv")
    reply = await s.alice.request(invite_xml(s.room, to, mid))
    assert_error(reply, "message", s.room, s.alice.jid, error)
    await s.nothing_for(s.bob, invitation_from(s.room), "an invitation")
    await s.others_still_served(what)


@pytest.mark.parametrize("invitee", ["@localhost", "carol@", "carol@localhost/", "carol@@localhost",
                                     "x" * 1024 + "@localhost"],
                         ids=["empty-localpart", "empty-domain", "empty-resource", "two-ats",
                              "localpart-over-1023-bytes"])
async def test_invitation_to_malformed_jid_is_jid_malformed(scene_of, invitee):
    s = await scene_of()
    # RFC 7622 3.2-3.4 (and 8.3.3.8 of RFC 6120): not a JID.
    await assert_invite_refused(s, invitee, ("modify", "jid-malformed"), f"an invitation to {invitee[:40]!r}")


async def test_invitation_to_100kb_jid_is_jid_malformed(scene_of):
    s = await scene_of()
    await assert_invite_refused(s, "c" * KB100 + "@localhost", ("modify", "jid-malformed"),
                                "an invitation to a 100 KB JID")


async def test_invitation_to_the_room_itself_is_not_acceptable(scene_of):
    s = await scene_of()
    # XEP-0045 7.8.2: the room relays an invitation to a user; its own JID is none, so the
    # request does not meet the room's criteria (RFC 6120 8.3.3.9).
    await assert_invite_refused(s, s.room, ("modify", "not-acceptable"), "an invitation to the room")


# -- forged delay -------------------------------------------------------------------------

async def forged_delay_scene(s: Scene, muc, claimed_from: str):
    mid = new_id("forged")
    body = f"forged delay {mid}"
    s.alice.send(f"<message type='groupchat' to='{s.room}' id='{mid}'><body>{body}</body>"
                 f"<delay xmlns='{NS_DELAY}' from={attr(claimed_from)} stamp='2001-01-01T00:00:00Z'/>"
                 f"</message>")
    for c in (s.alice, s.bob):
        m = await c.expect(groupchat_from(f"{s.room}/Alice", body), f"the live copy ({c.name})")
        assert m.findall(q(NS_DELAY, "delay")) == [], f"{c.name}: the forged delay was kept: {m}"
    carol = await muc.client("carol")
    got = await join(carol, f"{s.room}/Carol")
    history = [m for m in got if m.is_message and m.body == body]
    assert len(history) == 1, got
    delays = history[0].findall(q(NS_DELAY, "delay"))
    # XEP-0045 7.2.15: one delay, the room's own, stamped when the room received it.
    assert [d.get("from") for d in delays] == [s.room], history[0]
    assert not delays[0].get("stamp", "").startswith("2001-"), history[0]
    await s.others_still_served("a forged delay")


async def test_forged_room_delay_is_stripped_live_and_in_history(scene_of, muc):
    s = await scene_of()
    await forged_delay_scene(s, muc, s.room)


async def test_forged_room_delay_in_other_letter_case_is_stripped_live_and_in_history(scene_of, muc):
    s = await scene_of()
    local, domain = s.room.split("@")
    await forged_delay_scene(s, muc, f"{local.upper()}@{domain.upper()}")


# ------------------------------------------------------------------------------------------
# As the XMPP server: a second component instance on a test-made XEP-0114 socket
# ------------------------------------------------------------------------------------------

NS_STREAM = "http://etherx.jabber.org/streams"
NS_STREAM_ERRORS = "urn:ietf:params:xml:ns:xmpp-streams"
NS_ACCEPT = "jabber:component:accept"
FAKE_DOMAIN = "badlink.localhost"
FAKE_SECRET = "bad-input-secret"


class LinkConn:
    """One accepted connection from the component. `items` gets the stream header, then
    every top-level element, then None when the stream or the connection ends."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        self.reader, self.writer = reader, writer
        self.parser = ET.XMLPullParser(events=("start", "end"))
        self.depth = 0
        self.root: Optional[ET.Element] = None
        self.items: asyncio.Queue = asyncio.Queue()
        self.received: List[ET.Element] = []  # top-level elements after the handshake
        self.closed = False
        self.up = False
        self.task = asyncio.get_running_loop().create_task(self._read())

    async def _read(self) -> None:
        try:
            while True:
                data = await self.reader.read(65536)
                if not data:
                    break
                self.parser.feed(data)
                for event, el in self.parser.read_events():
                    if event == "start":
                        self.depth += 1
                        if self.depth == 1:
                            self.root = el
                            self.items.put_nowait(el)
                        continue
                    self.depth -= 1
                    if self.depth == 1:
                        self.root.remove(el)
                        if self.up:
                            self.received.append(el)
                        self.items.put_nowait(el)
                    elif self.depth == 0:
                        self.items.put_nowait(None)
        except (ConnectionError, ET.ParseError):
            pass
        finally:
            self.closed = True
            self.items.put_nowait(None)

    async def handshake(self) -> None:
        header = await self.items.get()
        assert header is not None and header.tag == f"{{{NS_STREAM}}}stream", header
        assert header.get("to") == FAKE_DOMAIN, header.attrib
        sid = uuid.uuid4().hex
        self.write(f"<?xml version='1.0'?><stream:stream xmlns:stream='{NS_STREAM}' "
                   f"xmlns='{NS_ACCEPT}' from='{FAKE_DOMAIN}' id='{sid}'>")
        el = await self.items.get()
        assert el is not None and el.tag == f"{{{NS_ACCEPT}}}handshake", el
        assert (el.text or "").strip() == hashlib.sha1((sid + FAKE_SECRET).encode()).hexdigest()
        self.up = True
        self.write("<handshake/>")

    async def next_item(self, what: str, timeout: float = DEFAULT_TIMEOUT) -> Optional[ET.Element]:
        try:
            return await asyncio.wait_for(self.items.get(), timeout)
        except asyncio.TimeoutError:
            raise AssertionError(f"fake server: no {what} within {timeout}s; received so far:\n"
                                 + "\n".join(ET.tostring(e, "unicode")[:300]
                                             for e in self.received[-10:])) from None

    def write(self, data) -> None:
        self.writer.write(data if isinstance(data, bytes) else data.encode())

    def close(self) -> None:
        self.task.cancel()
        self.writer.close()


class FakeServer:
    """Listens on loopback; the component under test connects to it as to its XMPP server."""

    def __init__(self):
        self.conns: asyncio.Queue = asyncio.Queue()
        self.accepted = 0
        self.server: Optional[asyncio.AbstractServer] = None
        self.all: List[LinkConn] = []

    async def start(self) -> int:
        self.server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        return self.server.sockets[0].getsockname()[1]

    async def _accept(self, reader, writer) -> None:
        self.accepted += 1
        conn = LinkConn(reader, writer)
        self.all.append(conn)
        try:
            await asyncio.wait_for(conn.handshake(), 10)
        except Exception as e:  # noqa: BLE001 - reported through the queue
            self.conns.put_nowait(e)
            return
        self.conns.put_nowait(conn)

    async def next_conn(self, timeout: float = 20.0) -> LinkConn:
        try:
            got = await asyncio.wait_for(self.conns.get(), timeout)
        except asyncio.TimeoutError:
            raise AssertionError(f"the component did not (re)connect within {timeout}s") from None
        if isinstance(got, Exception):
            raise AssertionError(f"XEP-0114 handshake with the component failed: {got!r}")
        return got

    def close(self) -> None:
        for c in self.all:
            c.close()
        if self.server:
            self.server.close()


class Link:
    """The fake server, the component instance attached to it, and its current connection."""

    def __init__(self, server: FakeServer, component: Component, conn: LinkConn):
        self.server, self.component, self.conn = server, component, conn

    def send(self, xml) -> None:
        self.conn.write(xml)

    async def reply_to(self, sid: Optional[str], what: str, user: Optional[str] = None) -> ET.Element:
        """The next stanza with id `sid` (or, with sid None, the next stanza to `user` with no
        id), skipping others (e.g. session pings)."""
        while True:
            el = await self.conn.next_item(what)
            if el is None:
                raise AssertionError(f"the component closed its stream while we waited for {what}")
            if sid is not None and el.get("id") == sid:
                return el
            if sid is None and el.get("id") is None and el.get("to") == user:
                return el

    async def round_trip(self, user: str, after: str) -> None:
        """Another user's disco#info to the service is answered, on the same connection."""
        sid = new_id("rt")
        self.send(f"<iq type='get' from='{user}' to='{FAKE_DOMAIN}' id='{sid}'>"
                  f"<query xmlns='{NS_DISCO_INFO}'/></iq>")
        el = await self.reply_to(sid, f"the disco#info answer after {after}")
        assert el.get("type") == "result" and el.get("to") == user, ET.tostring(el)
        assert el.get("from") == FAKE_DOMAIN, ET.tostring(el)

    async def no_reply_and_still_up(self, ids, user: str, after: str) -> None:
        """Round trip as `user`: nothing the component sent before its answer carried one of
        `ids`, and the connection is the first one."""
        mark = len(self.conn.received)
        await self.round_trip(user, after)
        early = [e for e in self.conn.received[mark:-1] if e.get("id") in ids]
        assert not early, f"answered {after}: " + ", ".join(ET.tostring(e, "unicode") for e in early)
        self.still_up(after)

    def still_up(self, after: str) -> None:
        assert not self.conn.closed and self.server.accepted == 1, \
            f"the component's link was dropped after {after} ({self.server.accepted} connections)"


def stanza_error(el: ET.Element) -> tuple:
    return Stanza(_as_client(el)).error


def _as_client(el: ET.Element) -> ET.Element:
    """The component's stanzas are in jabber:component:accept; Stanza reads jabber:client."""
    out = ET.Element(el.tag.replace(f"{{{NS_ACCEPT}}}", "{jabber:client}"), el.attrib)
    for c in el:
        out.append(_as_client(c))
    out.text = el.text
    return out


class LinkRunner:
    def __init__(self, binary: str):
        self.binary = binary

    async def run(self, body) -> None:
        """Starts the component under test against a FakeServer on this test's loop, runs
        `body(link)`, then stops the component (SIGTERM: it must exit 0 with its iq audit
        clean, see harness.env.Component)."""
        server = FakeServer()
        port = await server.start()
        log = Path(tempfile.mkdtemp(prefix="muc-bad-link.")) / "component.log"
        component = Component(self.binary, ["--server", f"127.0.0.1:{port}", "--domain", FAKE_DOMAIN,
                                            "--secret", FAKE_SECRET, "--log-level", "debug"],
                              log, iq_audit=True)
        component.start()
        try:
            link = Link(server, component, await server.next_conn())
            try:
                await body(link)
            except AssertionError as e:
                raise AssertionError(f"{e}\ncomponent log ({log}):\n"
                                     + log.read_text(errors="replace")[-3000:]) from None
            # Stopped off the loop: the fake server must keep reading while it shuts down.
            status = await asyncio.to_thread(component.stop, 10.0)
            assert status == 0, (f"the component on the fake link exited {status}; log {log}:\n"
                                 + log.read_text(errors="replace")[-3000:])
        finally:
            await asyncio.to_thread(component.stop, 10.0)  # no-op once stopped
            server.close()
            # Failures quote the log's tail; MUC_E2E_KEEP=1 keeps the whole of it.
            if os.environ.get("MUC_E2E_KEEP", "0") != "1":
                shutil.rmtree(log.parent, ignore_errors=True)


@pytest.fixture
def link_of(e2e):
    if not e2e.start_component:
        pytest.skip("impersonates the XMPP server for the component binary: none under test")
    return LinkRunner(e2e.binary)


ALICE = "alice@localhost/a"
CAROL = "carol@localhost/c"


async def test_link_stanza_without_from_is_dropped_and_others_served(link_of):
    async def body(link: Link):
        sid = new_id("nofrom")
        # Nobody to answer (RFC 6120 8.1.2.1: the server stamps 'from' on everything it
        # routes): the component drops it and keeps the stream.
        link.send(f"<iq type='get' to='{FAKE_DOMAIN}' id='{sid}'><query xmlns='{NS_DISCO_INFO}'/></iq>")
        link.send(f"<message type='normal' to='{FAKE_DOMAIN}' id='{sid}'><body>x</body></message>")
        await link.no_reply_and_still_up({sid}, CAROL, "a stanza without 'from'")
    await link_of.run(body)


async def test_link_stanza_with_unparsable_from_is_dropped_and_others_served(link_of):
    async def body(link: Link):
        sid = new_id("badfrom")
        link.send(f"<iq type='get' from='@@' to='{FAKE_DOMAIN}' id='{sid}'>"
                  f"<query xmlns='{NS_DISCO_INFO}'/></iq>")
        await link.no_reply_and_still_up({sid}, CAROL, "a stanza from '@@'")
    await link_of.run(body)


async def test_link_stanza_from_a_foreign_domain_is_served_like_any_other(link_of):
    async def body(link: Link):
        # A domain the server does not host reaches a component by federation: it is a user
        # like any other, answered at its own address.
        sid = new_id("foreign")
        user = "mallory@elsewhere.example/m"
        link.send(f"<iq type='get' from='{user}' to='{FAKE_DOMAIN}' id='{sid}'>"
                  f"<query xmlns='{NS_DISCO_INFO}'/></iq>")
        el = await link.reply_to(sid, "the answer to the foreign user")
        assert el.get("type") == "result" and el.get("to") == user, ET.tostring(el)
        await link.round_trip(CAROL, "a foreign-domain stanza")
        link.still_up("a foreign-domain stanza")
    await link_of.run(body)


async def test_link_iq_without_id_is_bad_request(link_of):
    async def body(link: Link):
        # RFC 6120 8.1.3: an iq must carry an id; 8.3.3.1: bad-request (as Prosody answers
        # at c2s, where such an iq never gets past).
        link.send(f"<iq type='get' from='{ALICE}' to='{FAKE_DOMAIN}'><query xmlns='{NS_DISCO_INFO}'/></iq>")
        el = await link.reply_to(None, "the error for the iq without id", user=ALICE)
        assert el.tag == f"{{{NS_ACCEPT}}}iq" and el.get("from") == FAKE_DOMAIN, ET.tostring(el)
        assert stanza_error(el) == ("modify", "bad-request"), ET.tostring(el)
        await link.round_trip(CAROL, "an iq without id")
        link.still_up("an iq without id")
    await link_of.run(body)


async def test_link_iq_of_unknown_type_is_bad_request(link_of):
    async def body(link: Link):
        sid = new_id("bogus-iq")
        # RFC 6120 8.2.3 / 8.3.3.1: the example of bad-request is an unknown iq type.
        link.send(f"<iq type='bogus' from='{ALICE}' to='{FAKE_DOMAIN}' id='{sid}'>"
                  f"<query xmlns='{NS_DISCO_INFO}'/></iq>")
        el = await link.reply_to(sid, "the error for iq type='bogus'")
        assert el.get("type") == "error" and el.get("to") == ALICE, ET.tostring(el)
        assert stanza_error(el) == ("modify", "bad-request"), ET.tostring(el)
        await link.round_trip(CAROL, "an iq of unknown type")
        link.still_up("an iq of unknown type")
    await link_of.run(body)


async def test_link_presence_of_unknown_type_is_bad_request(link_of):
    async def body(link: Link):
        sid = new_id("bogus-pres")
        link.send(f"<presence type='bogus' from='{ALICE}' to='room@{FAKE_DOMAIN}/Alice' id='{sid}'>"
                  f"<x xmlns='http://jabber.org/protocol/muc'/></presence>")
        link.send(f"<iq type='get' from='{ALICE}' to='{FAKE_DOMAIN}' id='{sid}-after'>"
                  f"<query xmlns='{NS_DISCO_INFO}'/></iq>")
        el = await link.reply_to(sid, "the error for presence type='bogus'")
        assert el.tag == f"{{{NS_ACCEPT}}}presence" and el.get("type") == "error", ET.tostring(el)
        assert stanza_error(el) == ("modify", "bad-request"), ET.tostring(el)
        link.still_up("a presence of unknown type")
    await link_of.run(body)


async def test_link_presence_of_unknown_type_enters_no_room(link_of):
    async def body(link: Link):
        sid = new_id("bogus-pres")
        room = f"bogus-{uuid.uuid4().hex[:6]}@{FAKE_DOMAIN}"
        link.send(f"<presence type='bogus' from='{ALICE}' to='{room}/Alice' id='{sid}'>"
                  f"<x xmlns='http://jabber.org/protocol/muc'/></presence>")
        # No room was created: disco#info to it is item-not-found (XEP-0045 6.4).
        rid = new_id("disco-room")
        link.send(f"<iq type='get' from='{CAROL}' to='{room}' id='{rid}'><query xmlns='{NS_DISCO_INFO}'/></iq>")
        el = await link.reply_to(rid, "the room's disco#info answer")
        assert stanza_error(el) == ("cancel", "item-not-found"), ET.tostring(el)
        assert not [e for e in link.conn.received if e.get("id") == sid and e.get("type") != "error"]
        link.still_up("a presence of unknown type")
    await link_of.run(body)


async def refused_stanza(link: Link, raw: bytes, sid: str, what: str,
                         error: tuple = ("modify", "not-acceptable")) -> None:
    """`raw` (one iq from ALICE with id `sid`) is refused with `error`, the connection stays,
    and CAROL's round trip right behind it in the same write is answered."""
    rid = new_id("behind")
    link.send(raw + f"<iq type='get' from='{CAROL}' to='{FAKE_DOMAIN}' id='{rid}'>"
                    f"<query xmlns='{NS_DISCO_INFO}'/></iq>".encode())
    el = await link.reply_to(sid, f"the error for {what}")
    assert el.get("type") == "error" and el.get("to") == ALICE and el.get("from") == FAKE_DOMAIN, \
        ET.tostring(el)
    assert stanza_error(el) == error, ET.tostring(el)
    behind = await link.reply_to(rid, f"the answer to the iq right behind {what}")
    assert behind.get("type") == "result" and behind.get("to") == CAROL, ET.tostring(behind)
    await link.round_trip(CAROL, what)
    link.still_up(what)


def disco_iq(sid: str, inner: bytes) -> bytes:
    return (f"<iq type='get' from='{ALICE}' to='{FAKE_DOMAIN}' id='{sid}'>"
            f"<query xmlns='{NS_DISCO_INFO}'>").encode() + inner + b"</query></iq>"


async def test_link_invalid_utf8_in_a_stanza_is_refused_alone(link_of):
    async def body(link: Link):
        sid = new_id("utf8")
        # 0xC3 0x28: a lead byte followed by a non-continuation byte (RFC 3629).
        await refused_stanza(link, disco_iq(sid, b"<x>caf\xc3\x28</x>"), sid, "invalid UTF-8")
    await link_of.run(body)


async def test_link_overlong_utf8_in_an_attribute_is_refused_alone(link_of):
    async def body(link: Link):
        sid = new_id("overlong")
        # 0xC0 0xAF: an overlong '/', forbidden by RFC 3629.
        await refused_stanza(link, disco_iq(sid, b"<x a='\xc0\xaf'/>"), sid, "overlong UTF-8")
    await link_of.run(body)


async def test_link_doctype_inside_a_stanza_is_refused_alone(link_of):
    async def body(link: Link):
        sid = new_id("doctype")
        # RFC 6120 11.1: no DTD; inside a stanza the framer knows where the stanza ends.
        await refused_stanza(link, disco_iq(sid, b"<!DOCTYPE x [<!ENTITY e 'boom'>]>"), sid, "a DOCTYPE")
    await link_of.run(body)


async def test_link_entity_reference_inside_a_stanza_is_refused_alone(link_of):
    async def body(link: Link):
        sid = new_id("entity")
        # RFC 6120 11.1: only the five predefined entities may be referenced.
        await refused_stanza(link, disco_iq(sid, b"<x>&e;&amp;</x>"), sid, "an entity reference")
    await link_of.run(body)


async def test_link_malformed_xml_inside_a_stanza_is_refused_alone(link_of):
    async def body(link: Link):
        sid = new_id("prefix")
        # Tags balance, so the stanza's end is known; but the prefix is declared nowhere and an
        # attribute is repeated (Namespaces in XML 1.0, XML 1.0 WFC Unique Att Spec).
        await refused_stanza(link, disco_iq(sid, b"<e2e:x/><y a='1' a='2'/>"), sid,
                             "an undeclared prefix and a repeated attribute")
    await link_of.run(body)


async def stream_broken(link: Link, raw: bytes, condition: str, what: str) -> None:
    """The component answers `raw` with the stream error `condition` (RFC 6120 4.9.3), closes
    its stream, reconnects, and serves again on the new connection."""
    link.send(raw)
    while True:
        el = await link.conn.next_item(f"the stream error for {what}")
        assert el is not None, f"the stream closed without a stream error for {what}"
        if el.tag == f"{{{NS_STREAM}}}error":
            break
    conds = [c.tag.rsplit("}", 1)[-1] for c in el if c.tag.startswith(f"{{{NS_STREAM_ERRORS}}}")
             and not c.tag.endswith("}text")]
    assert conds == [condition], ET.tostring(el)
    end = await link.conn.next_item(f"the end of the stream after {what}")
    assert end is None, ET.tostring(end)
    link.conn = await link.server.next_conn()
    await link.round_trip(CAROL, f"the reconnect after {what}")


async def test_link_mismatched_tags_are_a_not_well_formed_stream_error_then_service_resumes(link_of):
    async def body(link: Link):
        sid = new_id("mismatch")
        await stream_broken(link, disco_iq(sid, b"<x></y>"), "not-well-formed", "mismatched tags")
        assert not [e for e in link.conn.received if e.get("id") == sid]
    await link_of.run(body)


async def test_link_doctype_between_stanzas_is_a_restricted_xml_stream_error_then_service_resumes(link_of):
    async def body(link: Link):
        await stream_broken(link, b"<!DOCTYPE stream [<!ENTITY e 'boom'>]>", "restricted-xml",
                            "a DOCTYPE between stanzas")
    await link_of.run(body)
