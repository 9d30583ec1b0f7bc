"""XEP-0045 helpers on top of harness.client: predicates and the common flows.

The flows send exact raw stanzas; they only assert what every test relies on (e.g. that a
room got created), so that a test's own assertions stay the precise ones.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Dict, List, Optional

from .client import DEFAULT_TIMEOUT, Client
from .stanza import (NS_DATA, NS_MUC_ADMIN, NS_MUC_OWNER, NS_MUC_USER, ET_escape, Stanza, attr,
                     bare, data_form_submit, join_xml, new_id, q)

ROOMCONFIG = "http://jabber.org/protocol/muc#roomconfig"


# -- predicates ---------------------------------------------------------------------------
def from_room(room: str):
    """Any stanza from the room or one of its occupants."""
    return lambda s: bare(s.frm) == room


def presence_from(jid: str, type: Optional[str] = None):
    """Presence from exactly `jid` (type None = available)."""
    return lambda s: s.is_presence and s.frm == jid and s.type == type


def self_presence(room: str):
    """The room's presence carrying status 110, available or not."""
    return lambda s: s.is_presence and bare(s.frm) == room and s.type != "error" and 110 in s.statuses


def error_from(jid: str, kind: Optional[str] = None):
    return lambda s: s.type == "error" and s.frm == jid and (kind is None or s.name == kind)


def is_subject(room: str):
    """Subject message: groupchat with <subject/> and no <body/>."""
    return lambda s: (s.is_message and s.type == "groupchat" and bare(s.frm) == room
                      and s.subject is not None and s.body is None)


def groupchat_from(occupant: str, body: Optional[str] = None):
    return lambda s: (s.is_message and s.type == "groupchat" and s.frm == occupant
                      and (body is None or s.body == body))


# -- flows --------------------------------------------------------------------------------
async def join(client: Client, occupant: str, history: Optional[dict] = None,
               password: Optional[str] = None, id: Optional[str] = None,
               timeout: float = DEFAULT_TIMEOUT) -> List[Stanza]:
    """Sends a join and returns every stanza from the room up to and including the subject
    message (the end of the join sequence per XEP-0045 7.2). Other stanzas stay pending.
    Fails if the join is refused."""
    room = bare(occupant)
    sid = id or new_id("join")
    client.send(join_xml(occupant, sid, history=history, password=password))
    got = await client.collect_until(
        lambda s: is_subject(room)(s) or error_from(occupant)(s),
        f"the join sequence of {occupant} (ending with the subject)", timeout,
        keep=from_room(room))
    if got[-1].type == "error":
        raise AssertionError(f"join of {occupant} refused: {got[-1]}")
    return got


async def enter(client: Client, occupant: str, history: Optional[dict] = None,
                timeout: float = DEFAULT_TIMEOUT, password: Optional[str] = None) -> Stanza:
    """Sends a join and returns the self-presence (status 110), or the presence error."""
    room = bare(occupant)
    sid = new_id("join")
    client.send(join_xml(occupant, sid, history=history, password=password))
    return await client.expect(lambda s: self_presence(room)(s) or error_from(occupant, "presence")(s),
                               f"the self-presence (110) or an error from {occupant}", timeout)


async def submit_config(client: Client, room: str, fields: Optional[dict] = None,
                        timeout: float = DEFAULT_TIMEOUT) -> Stanza:
    """Owner submits a room configuration form (empty form = instant room); returns the
    iq reply."""
    form = data_form_submit(ROOMCONFIG if fields else None, fields or {})
    return await client.iq(room, "set", f"<query xmlns='{NS_MUC_OWNER}'>{form}</query>", timeout)


async def create_room(client: Client, occupant: str, fields: Optional[dict] = None,
                      timeout: float = DEFAULT_TIMEOUT) -> List[Stanza]:
    """Creates a room (join as first occupant, then an instant-room config, or `fields` as
    muc#roomconfig values) and returns the stanzas the creator got. Afterwards the
    creator's pending stanzas from the room are consumed, so tests start clean."""
    room = bare(occupant)
    pres = await enter(client, occupant, timeout=timeout)
    if pres.type == "error" or 201 not in pres.statuses:
        raise AssertionError(f"{occupant}: expected a new room (status 201), got:\n  {pres}")
    reply = await submit_config(client, room, fields, timeout)
    if reply.type != "result":
        raise AssertionError(f"room configuration of {room} refused: {reply}")
    # The config result was sent after anything the room sent during creation (same
    # stream, in order), so all of it is here now.
    return [pres] + client.take(from_room(room)) + [reply]


async def presences(client: Client, room: str, count: int, timeout: float = DEFAULT_TIMEOUT) -> List[Stanza]:
    """The next `count` presences from the room's occupants, in arrival order."""
    return await client.collect(lambda s: s.is_presence and bare(s.frm) == room, count,
                                f"presences from {room}", timeout)


# -- muc#admin / muc#owner ------------------------------------------------------------------
def admin_item(reason: Optional[str] = None, **attrs: str) -> str:
    """A muc#admin <item/>: admin_item(nick='Bob', role='none', reason='...')."""
    a = "".join(f" {k}={attr(v)}" for k, v in attrs.items())
    inner = f"<reason>{ET_escape(reason)}</reason>" if reason is not None else ""
    return f"<item{a}>{inner}</item>" if inner else f"<item{a}/>"


async def admin_set(client: Client, room: str, *items: str,
                    timeout: float = DEFAULT_TIMEOUT) -> Stanza:
    """muc#admin iq set with the given <item/>s (see admin_item); returns the iq reply."""
    return await client.iq(room, "set", f"<query xmlns='{NS_MUC_ADMIN}'>{''.join(items)}</query>",
                           timeout)


async def admin_get(client: Client, room: str, timeout: float = DEFAULT_TIMEOUT,
                    **attrs: str) -> Stanza:
    """muc#admin iq get for a list: admin_get(c, room, affiliation='outcast')."""
    return await client.iq(room, "get", f"<query xmlns='{NS_MUC_ADMIN}'>{admin_item(**attrs)}</query>",
                           timeout)


def admin_items(reply: Stanza) -> List[dict]:
    """Attributes of the <item/>s in a muc#admin result."""
    return [dict(i.attrib) for i in reply.findall(f"{q(NS_MUC_ADMIN, 'query')}/{q(NS_MUC_ADMIN, 'item')}")]


async def get_config(client: Client, room: str, timeout: float = DEFAULT_TIMEOUT) -> Stanza:
    """muc#owner iq get (the configuration form); returns the iq reply."""
    return await client.iq(room, "get", f"<query xmlns='{NS_MUC_OWNER}'/>", timeout)


def form_values(el: Optional[ET.Element]) -> Dict[str, List[str]]:
    """var -> values of a jabber:x:data form: the element itself or the first form below it."""
    if el is None:
        return {}
    form = el if el.tag == q(NS_DATA, "x") else el.find(f".//{q(NS_DATA, 'x')}")
    if form is None:
        return {}
    return {f.get("var"): [v.text or "" for v in f.findall(q(NS_DATA, "value"))]
            for f in form.findall(q(NS_DATA, "field"))}


def muc_user_child(s: Stanza, *path: str) -> Optional[ET.Element]:
    """An element under the stanza's muc#user <x/>: muc_user_child(s, 'item', 'actor')."""
    el = s.muc_user
    for name in path:
        if el is None:
            return None
        el = el.find(q(NS_MUC_USER, name))
    return el


def room_status_message(room: str, code: int):
    """A groupchat message from the room's bare JID carrying muc#user status `code`."""
    return lambda s: (s.is_message and s.frm == room and s.type == "groupchat"
                      and code in s.statuses)
