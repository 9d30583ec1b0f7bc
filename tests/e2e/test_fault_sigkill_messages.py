"""SIGKILL under message load, then a restart (README "Durability"; XEP-0045 7.4 sending a
message to all occupants, 7.2.15 discussion history; db/README.md "Behaviour": consecutive
archive commits are grouped into one transaction).

In a persistent, logged room a logged message is archived before it is broadcast. So when
the component is killed with SIGKILL at an arbitrary moment while several occupants keep
messages in flight:

- every message that anyone received (the sender's reflection or another occupant's copy)
  is in the archive after the restart, and no message is in it twice (nor one nobody sent);
- every client saw the messages in the archive's order;
- the restart is clean: the component attaches, the room comes back from the database, and
  a newcomer's history is the archive's newest messages in order, received ones included.

MUC_E2E_SIGKILL_MSG_SEED=N replays a run's timing (the seed is printed)."""
import asyncio
import os
import random
import re
import signal
import time
from collections import Counter

import pytest

from harness.detach import wait_detached
from harness.env import persistence_skip_reason
from harness.muc import admin_item, admin_set, create_room, join
from harness.stanza import attr, bare, new_id

pytestmark = pytest.mark.skipif(persistence_skip_reason() is not None,
                                reason=persistence_skip_reason() or "")

SENDERS = ("alice", "bob", "carol", "dave")   # eve joins after the restart
WINDOW = 3              # messages in flight per sender
HISTORY = 1000          # muc#roomconfig_historylength: the most the component allows
MAX_MESSAGES = 5000     # safety bound; the kill comes long before
REPLY_TIMEOUT = 10.0    # s without a reflection before the kill: the load stalled
BODY = re.compile(r"^load (\S+)$")


def loaded_message(room):
    """A groupchat message of this test's load, from an occupant of `room`."""
    return lambda s: (s.is_message and s.type == "groupchat" and bare(s.frm) == room
                      and "/" in s.frm and s.body is not None and BODY.match(s.body) is not None)


async def test_every_received_message_is_archived_once_after_sigkill_and_restart(muc):
    env = muc.env
    seed = int(os.environ.get("MUC_E2E_SIGKILL_MSG_SEED") or random.randrange(2**32))
    rng = random.Random(seed)
    kill_after = rng.randint(40, 250)      # messages received by their senders before the kill
    kill_delay = rng.uniform(0.0, 0.2)     # s more, so the kill lands anywhere in a commit
    print(f"\nsigkill messages test: MUC_E2E_SIGKILL_MSG_SEED={seed}, SIGKILL after "
          f"{kill_after} reflections + {kill_delay * 1000:.0f} ms")

    clients = await muc.clients(*SENDERS)
    alice = clients[0]
    room = muc.room("kill")
    await create_room(alice, f"{room}/Alice", {"muc#roomconfig_persistentroom": "1",
                                               "muc#roomconfig_enablelogging": "1",
                                               "muc#roomconfig_historylength": str(HISTORY)})
    # Admins are moderators, whom the per-occupant message rate does not limit.
    for c in clients[1:]:
        reply = await admin_set(alice, room, admin_item(jid=f"{c.name}@localhost",
                                                        affiliation="admin"))
        assert reply.type == "result", reply
    for c in clients[1:]:
        await join(c, f"{room}/{c.name.capitalize()}")
    for c in clients:
        await c.barrier(room)
        c.drain()
    before_kill = {c.name: len(c.received) for c in clients}  # where the load starts

    sent = {}                  # message id -> (sender, body)
    reflected = Counter()      # per sender
    state = {"reflections": 0, "killing": False}
    enough = asyncio.Event()   # kill_after reflections arrived
    kill_task = None
    started = time.monotonic()

    async def sender(c):
        """Keeps WINDOW of c's messages in flight until the kill; counts reflections."""
        own = f"{room}/{c.name.capitalize()}"
        inflight = set()
        progress = time.monotonic()
        while not state["killing"]:
            while len(inflight) < WINDOW and len(sent) < MAX_MESSAGES:
                mid = new_id(f"k-{c.name}")
                sent[mid] = (c.name, f"load {mid}")
                inflight.add(mid)
                c.send(f"<message type='groupchat' to={attr(room)} id={attr(mid)}>"
                       f"<body>load {mid}</body></message>")
            try:
                s = await c.expect(lambda s: True, "any stanza", timeout=0.2)
            except AssertionError:
                if not state["killing"] and time.monotonic() - progress > REPLY_TIMEOUT:
                    raise AssertionError(f"{c.name}: no reflection of {sorted(inflight)} for "
                                         f"{REPLY_TIMEOUT}s before the kill") from None
                continue
            if s.id in inflight and s.frm == own and s.type == "groupchat":
                inflight.discard(s.id)
                progress = time.monotonic()
                reflected[c.name] += 1
                state["reflections"] += 1
                if state["reflections"] >= kill_after:
                    enough.set()
            elif s.type == "error" and not state["killing"]:
                raise AssertionError(f"{c.name}: an error before the kill: {s}")

    async def killer():
        await enough.wait()
        await asyncio.sleep(kill_delay)  # the fault's timing
        state["killing"] = True
        return await env.kill_component(signal.SIGKILL)

    senders = [asyncio.ensure_future(sender(c)) for c in clients]
    kill_task = asyncio.ensure_future(killer())
    relaunched = False
    try:
        done, _ = await asyncio.wait([kill_task, *senders], return_when=asyncio.FIRST_EXCEPTION)
        for t in done:
            t.result()  # a sender's failure before the kill
        status = kill_task.result()
        await asyncio.gather(*senders)
        assert status == -signal.SIGKILL, f"muc-component exit status {status}, expected SIGKILL"
        # Everything the dead component sent is in the clients' streams once the server says
        # it is gone.
        await asyncio.gather(*(wait_detached(c, env.domain, timeout=20.0) for c in clients))
        killed_at = time.monotonic() - started
        mark = env.component_log_mark()
        await env.relaunch_component()
        relaunched = True
    finally:
        for t in (kill_task, *senders):
            t.cancel()
        if not relaunched and not env.component.alive():
            await env.relaunch_component()  # later tests need it

    # Who received what, each client's copies in arrival order.
    is_load = loaded_message(room)
    seen = {c.name: [s.id for s in c.received[before_kill[c.name]:] if is_load(s)]
            for c in clients}
    received = set().union(*map(set, seen.values()))
    dup_delivery = {n: [i for i, k in Counter(ids).items() if k > 1] for n, ids in seen.items()}
    unknown = received - set(sent)

    rows = env.sql("SELECT message_id, sender_nick, sender_jid, body FROM muc_messages "
                   "WHERE room = :'room' ORDER BY sent_at, id", room=room)
    archive = [r["message_id"] for r in rows]
    counts = Counter(archive)
    twice = {m: n for m, n in counts.items() if n > 1}
    missing = sorted(received - set(counts), key=lambda m: (m.split("-")[1], int(m.split("-")[-1])))
    phantom = set(counts) - set(sent)
    wrong_rows = [r for r in rows if r["message_id"] in sent and (
        r["body"] != sent[r["message_id"]][1] or
        r["sender_jid"] != f"{sent[r['message_id']][0]}@localhost" or
        r["sender_nick"] != sent[r["message_id"]][0].capitalize())]
    print(f"sigkill messages test: {len(sent)} sent in {killed_at:.2f}s, {sum(reflected.values())} "
          f"reflected to their senders ({dict(reflected)}), {len(received)} received by anyone; "
          f"archive has {len(archive)} rows, {len(counts)} distinct")
    print(f"sigkill messages test: received by anyone {len(received)}, present "
          f"{len(received & set(counts))}; sent {len(sent)}, present {len(set(sent) & set(counts))}"
          f"; archived but received by nobody {len(set(counts) - received)}; "
          f"duplicated rows {sum(n - 1 for n in twice.values())}")

    # The restarted component: clean start, the room back from the database, and its
    # history for a newcomer.
    log = env.component_log_since(mark)
    bad_lines = [line for line in log.splitlines()
                 if re.search(r"Z error |AddressSanitizer|runtime error|LeakSanitizer", line)]
    eve = await muc.client("eve")
    got = await join(eve, f"{room}/Eve")
    self_presence = [s for s in got if s.is_presence and 110 in s.statuses]
    history = [s for s in got if is_load(s)]
    history_ids = [s.id for s in history]
    undelayed = [s.id for s in history if s.delay is None]
    # Each client saw the messages in the room's order, which is the archive's.
    position = {m: i for i, m in enumerate(archive)}
    out_of_order = {}
    for name, ids in seen.items():
        pos = [position[m] for m in ids if m in position]
        if pos != sorted(pos):
            out_of_order[name] = ids
    tail = archive[-len(history_ids):] if history_ids else []
    received_in_window = [m for m in archive if m in received and position[m] >= len(archive) - len(history_ids)]
    print(f"sigkill messages test: newcomer's history after restart {len(history_ids)} messages "
          f"(archive {len(archive)}), {len(received_in_window)} of them received before the kill")

    assert not unknown, f"clients received load messages nobody sent: {sorted(unknown)[:10]}"
    assert not any(dup_delivery.values()), f"a client got a message twice: {dup_delivery}"
    assert not missing, (
        f"{len(missing)} messages received before the SIGKILL are not in the archive "
        f"(seed {seed}): {missing[:20]}{' ...' if len(missing) > 20 else ''}; "
        f"received {len(received)}, archived {len(counts)}")
    assert not twice, f"messages archived more than once (seed {seed}): {dict(list(twice.items())[:20])}"
    assert not phantom, f"archived messages nobody sent: {sorted(phantom)[:10]}"
    assert not wrong_rows, f"archived rows that differ from what was sent: {wrong_rows[:5]}"
    assert not out_of_order, f"clients saw messages out of the archive's order: " \
                             f"{ {n: len(v) for n, v in out_of_order.items()} }"
    assert not bad_lines, "the restarted component logged errors:\n" + "\n".join(bad_lines[:20])
    assert self_presence and 201 not in self_presence[0].statuses, \
        f"the room did not come back from the database (a new room was created): {self_presence}"
    assert history_ids == tail, (f"the newcomer's history is not the archive's newest "
                                 f"{len(history_ids)} messages in order:\n history {history_ids}\n"
                                 f" archive {tail}")
    assert len(history_ids) == min(len(archive), HISTORY), \
        f"history of {len(history_ids)} messages for an archive of {len(archive)}"
    assert not undelayed, f"history messages without <delay/>: {undelayed[:10]}"

    # The room works after the restart: a former sender comes back and is archived again.
    await join(alice, f"{room}/Alice")
    mid = new_id("after-restart")
    alice.send(f"<message type='groupchat' to={attr(room)} id={attr(mid)}>"
               f"<body>back after the crash</body></message>")
    await alice.expect(lambda s: s.is_message and s.id == mid and s.frm == f"{room}/Alice"
                       and s.type == "groupchat", "the reflection of a message after the restart")
    await eve.expect(lambda s: s.is_message and s.id == mid, "a message after the restart (eve)")
    after = env.sql("SELECT count(*) AS n FROM muc_messages WHERE room = :'room' "
                    "AND message_id = :'mid'", room=room, mid=mid)[0]["n"]
    assert after == 1, f"a message after the restart is archived {after} times"
    assert all(s.frm == f"{room}/{sent[s.id][0].capitalize()}" for s in history), \
        "history messages do not come from their senders' occupant JIDs"
