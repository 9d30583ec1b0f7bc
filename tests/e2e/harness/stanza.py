"""A read-only view of a received stanza, for exact assertions, plus XML builders."""
from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET
from typing import Iterable, Optional
from xml.sax.saxutils import quoteattr

NS_CLIENT = "jabber:client"
NS_MUC = "http://jabber.org/protocol/muc"
NS_MUC_USER = NS_MUC + "#user"
NS_MUC_OWNER = NS_MUC + "#owner"
NS_MUC_ADMIN = NS_MUC + "#admin"
NS_STANZAS = "urn:ietf:params:xml:ns:xmpp-stanzas"
NS_DELAY = "urn:xmpp:delay"
NS_DATA = "jabber:x:data"
NS_DISCO_INFO = "http://jabber.org/protocol/disco#info"
NS_DISCO_ITEMS = "http://jabber.org/protocol/disco#items"
NS_PING = "urn:xmpp:ping"

_ids = itertools.count(1)


def new_id(prefix: str = "e2e") -> str:
    return f"{prefix}-{next(_ids)}"


def q(ns: str, name: str) -> str:
    """Clark notation: q(NS_MUC_USER, 'item') == '{http://...#user}item'."""
    return f"{{{ns}}}{name}"


def bare(jid: str) -> str:
    return jid.split("/", 1)[0]


def resource(jid: str) -> Optional[str]:
    return jid.split("/", 1)[1] if "/" in jid else None


class Stanza:
    """Wraps an ElementTree element of a top-level stanza (namespace jabber:client)."""

    def __init__(self, xml: ET.Element):
        self.xml = xml

    # -- top level -------------------------------------------------------------
    @property
    def name(self) -> str:
        return self.xml.tag.rsplit("}", 1)[-1]

    @property
    def type(self) -> Optional[str]:
        return self.xml.get("type")

    @property
    def id(self) -> Optional[str]:
        return self.xml.get("id")

    @property
    def frm(self) -> str:
        return self.xml.get("from", "")

    @property
    def to(self) -> str:
        return self.xml.get("to", "")

    def get(self, attr: str, default=None):
        return self.xml.get(attr, default)

    def find(self, path: str) -> Optional[ET.Element]:
        return self.xml.find(path)

    def findall(self, path: str) -> list:
        return self.xml.findall(path)

    def child(self, ns: str, name: str) -> Optional[ET.Element]:
        return self.xml.find(q(ns, name))

    @property
    def is_presence(self) -> bool:
        return self.name == "presence"

    @property
    def is_message(self) -> bool:
        return self.name == "message"

    @property
    def is_iq(self) -> bool:
        return self.name == "iq"

    # -- errors ----------------------------------------------------------------
    @property
    def error(self) -> Optional[tuple]:
        """(error type, defined condition) of a type='error' stanza, else None."""
        if self.type != "error":
            return None
        err = self.xml.find(q(NS_CLIENT, "error"))
        if err is None:
            return (None, None)
        cond = None
        for c in err:
            if c.tag.startswith("{" + NS_STANZAS + "}") and not c.tag.endswith("}text"):
                cond = c.tag.rsplit("}", 1)[-1]
                break
        return (err.get("type"), cond)

    # -- MUC -------------------------------------------------------------------
    @property
    def muc_user(self) -> Optional[ET.Element]:
        return self.xml.find(q(NS_MUC_USER, "x"))

    @property
    def statuses(self) -> set:
        x = self.muc_user
        if x is None:
            return set()
        return {int(s.get("code")) for s in x.findall(q(NS_MUC_USER, "status")) if s.get("code", "").isdigit()}

    @property
    def item(self) -> dict:
        """Attributes of the muc#user <item/> ({} if none)."""
        x = self.muc_user
        it = x.find(q(NS_MUC_USER, "item")) if x is not None else None
        return dict(it.attrib) if it is not None else {}

    @property
    def body(self) -> Optional[str]:
        b = self.xml.find(q(NS_CLIENT, "body"))
        return None if b is None else (b.text or "")

    @property
    def subject(self) -> Optional[str]:
        s = self.xml.find(q(NS_CLIENT, "subject"))
        return None if s is None else (s.text or "")

    @property
    def delay(self) -> Optional[ET.Element]:
        return self.xml.find(q(NS_DELAY, "delay"))

    def __str__(self) -> str:
        return to_xml(self.xml)

    __repr__ = __str__


def _split(tag: str):
    if tag.startswith("{"):
        ns, local = tag[1:].split("}", 1)
        return ns, local
    return None, tag


def to_xml(el: ET.Element, parent_ns: Optional[str] = NS_CLIENT) -> str:
    """Readable XML: default-namespace declarations only where the namespace changes."""
    ns, local = _split(el.tag)
    out = ["<", local]
    if ns != parent_ns and ns is not None:
        out.append(f" xmlns={attr(ns)}")
    for k, v in el.attrib.items():
        kns, klocal = _split(k)
        name = "xml:" + klocal if kns == "http://www.w3.org/XML/1998/namespace" else klocal
        out.append(f" {name}={attr(v)}")
    children = list(el)
    if not children and not el.text:
        out.append("/>")
    else:
        out.append(">")
        if el.text:
            out.append(ET_escape(el.text))
        for c in children:
            out.append(to_xml(c, ns))
            if c.tail:
                out.append(ET_escape(c.tail))
        out.append(f"</{local}>")
    return "".join(out)


def fmt(stanzas: Iterable[Stanza]) -> str:
    lines = [f"  [{i}] {s}" for i, s in enumerate(stanzas)]
    return "\n".join(lines) if lines else "  (none)"


def attr(value: str) -> str:
    """Quoted and escaped XML attribute value."""
    return quoteattr(value)


def history_xml(**attrs) -> str:
    """<history maxchars=.. maxstanzas=.. seconds=.. since=../>"""
    return "<history" + "".join(f" {k}={attr(str(v))}" for k, v in attrs.items()) + "/>"


def join_xml(occupant: str, id: str, history: Optional[dict] = None, password: Optional[str] = None,
             muc_x: bool = True) -> str:
    inner = ""
    if password is not None:
        inner += f"<password>{ET_escape(password)}</password>"
    if history is not None:
        inner += history_xml(**history)
    x = f"<x xmlns='{NS_MUC}'>{inner}</x>" if muc_x else ""
    return f"<presence to={attr(occupant)} id={attr(id)}>{x}</presence>"


def ET_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def data_form_submit(form_type: Optional[str], fields: dict) -> str:
    """A jabber:x:data form of type submit. fields: var -> str | list[str]."""
    parts = [f"<x xmlns='{NS_DATA}' type='submit'>"]
    if form_type:
        parts.append(f"<field var='FORM_TYPE' type='hidden'><value>{ET_escape(form_type)}</value></field>")
    for var, value in fields.items():
        values = value if isinstance(value, (list, tuple)) else [value]
        parts.append(f"<field var={attr(var)}>" + "".join(f"<value>{ET_escape(str(v))}</value>" for v in values) + "</field>")
    parts.append("</x>")
    return "".join(parts)
