"""XEP-0045 6.3 after a restart: the service's disco#items lists the public persistent
rooms kept in the database, although none has been used (loaded) since the start; hidden
ones stay out."""
import pytest

from harness.env import persistence_skip_reason
from harness.muc import create_room
from harness.stanza import NS_DISCO_ITEMS, q

pytestmark = pytest.mark.skipif(persistence_skip_reason() is not None,
                                reason=persistence_skip_reason() or "")


async def test_public_persistent_rooms_are_listed_after_a_restart(muc):
    alice = await muc.client("alice")
    public, hidden = muc.room("kept"), muc.room("keptsecret")
    await create_room(alice, f"{public}/Alice", {"muc#roomconfig_persistentroom": "1",
                                                 "muc#roomconfig_publicroom": "1",
                                                 "muc#roomconfig_roomname": "Kept room"})
    await create_room(alice, f"{hidden}/Alice", {"muc#roomconfig_persistentroom": "1",
                                                 "muc#roomconfig_publicroom": "0"})
    await alice.close()
    assert await muc.env.restart_component() == 0

    bob = await muc.client("bob")
    reply = await bob.iq(muc.domain, "get", f"<query xmlns='{NS_DISCO_ITEMS}'/>")
    assert reply.type == "result", reply
    items = {i.get("jid"): i.get("name")
             for i in reply.child(NS_DISCO_ITEMS, "query").findall(q(NS_DISCO_ITEMS, "item"))}
    assert items.get(public) == "Kept room", reply
    assert hidden not in items, reply
