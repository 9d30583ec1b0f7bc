"""PostgreSQL restarts under load (README "Durability", db/README.md "Behaviour"; XEP-0045
9.3 granting membership, 10.2 configuration, 7.4 groupchat messages; RFC 6120 8.3.3.18
resource-constraint, error type wait).

An owner keeps a window of durable changes in flight in several persistent, logged rooms:
membership grants (muc#admin), configuration changes (muc#owner) and groupchat messages
(archived before they are broadcast). In the middle, PostgreSQL is stopped (fast shutdown:
the component's backend is terminated, possibly mid-transaction) and started again on the
same port and data directory. Then:

- every change the owner saw succeed (iq result; a message reflected to its sender) is in
  the database: one member row and one audit row per acknowledged grant, one archive row
  per reflected message, one config audit row per acknowledged configuration;
- nothing is applied twice, and nothing appears that was never asked for;
- every change that failed got <error type='wait'><resource-constraint/></error>, and a
  refused message was broadcast to nobody;
- the component recovers by itself: the same process (no restart) commits new changes once
  PostgreSQL is back (its store reconnects with capped backoff).

MUC_E2E_PGRESTART_SEED=N replays a run's timing (the seed is printed)."""
import asyncio
import os
import random
import time
from collections import Counter

import pytest

from harness.env import persistence_skip_reason
from harness.muc import ROOMCONFIG, admin_item, admin_set, create_room, join
from harness.stanza import NS_MUC_ADMIN, NS_MUC_OWNER, attr, bare, data_form_submit, new_id

pytestmark = pytest.mark.skipif(persistence_skip_reason() is not None,
                                reason=persistence_skip_reason() or "")

ROOMS = 3                  # rooms under load
WINDOW = 3                 # changes in flight per room
REFUSAL_BACKOFF = 0.1      # s a room's window waits after a wait error (what a client does)
AFTER_RECOVERY = 6         # acknowledged changes per room after PostgreSQL is back
RECOVERY_DEADLINE = 30.0   # s after the restart: the store's backoff is capped at 5 s
REPLY_TIMEOUT = 10.0       # s for any in-flight change to be answered
REFUSED = ("wait", "resource-constraint")
HISTORY = 20               # muc#roomconfig_historylength: messages a newcomer gets


def grant_xml(room, sid, jid):
    return (f"<iq type='set' to={attr(room)} id={attr(sid)}><query xmlns='{NS_MUC_ADMIN}'>"
            f"{admin_item(jid=jid, affiliation='member')}</query></iq>")


def config_xml(room, sid, name):
    form = data_form_submit(ROOMCONFIG, {"muc#roomconfig_roomname": name})
    return (f"<iq type='set' to={attr(room)} id={attr(sid)}>"
            f"<query xmlns='{NS_MUC_OWNER}'>{form}</query></iq>")


def message_xml(room, sid, body):
    return (f"<message type='groupchat' to={attr(room)} id={attr(sid)}>"
            f"<body>{body}</body></message>")


class Op:
    __slots__ = ("kind", "room", "sid", "value", "outcome", "error", "answered_at")

    def __init__(self, kind, room, sid, value):
        self.kind, self.room, self.sid, self.value = kind, room, sid, value
        self.outcome = None       # "ok" | "refused"
        self.error = None         # the error stanza
        self.answered_at = None


async def test_postgres_restart_keeps_acked_changes_once_refuses_with_wait_and_recovers_in_place(muc):
    env = muc.env
    seed = int(os.environ.get("MUC_E2E_PGRESTART_SEED") or random.randrange(2**32))
    rng = random.Random(seed)
    stop_after = rng.randint(30, 90)      # acknowledged changes before PostgreSQL stops
    down_for = rng.uniform(0.2, 1.5)      # s between the stop and the start
    print(f"\npg restart test: MUC_E2E_PGRESTART_SEED={seed}, stop after {stop_after} "
          f"acknowledgements, down for {down_for:.2f}s (plus the start itself)")

    alice, bob = await muc.clients("alice", "bob")
    rooms = []
    for i in range(ROOMS):
        room = muc.room(f"pg{i}")
        await create_room(alice, f"{room}/Alice", {"muc#roomconfig_persistentroom": "1",
                                                   "muc#roomconfig_enablelogging": "1",
                                                   "muc#roomconfig_historylength": str(HISTORY)})
        await join(bob, f"{room}/Bob")
        await alice.barrier(room)
        rooms.append(room)
    alice.drain()
    bob.drain()
    pid = env.component.proc.pid
    log_mark = env.component_log_mark()

    ops = {}                               # sid -> Op
    inflight = {room: set() for room in rooms}
    hold_until = {room: 0.0 for room in rooms}
    acked_after_restart = {room: 0 for room in rooms}
    duplicates = []                        # a second answer to the same change
    counter = {"n": 0, "acked": 0}
    restarted_at = None                    # monotonic time start_postgres() returned
    stop_task = None

    def new_op(room):
        counter["n"] += 1
        n = counter["n"]
        roll = rng.random()
        sid = new_id("pgr")
        if roll < 0.5:
            op = Op("grant", room, sid, f"pgr{n}@localhost")
            alice.send(grant_xml(room, sid, op.value))
        elif roll < 0.6:
            op = Op("config", room, sid, f"name {n}")
            alice.send(config_xml(room, sid, op.value))
        else:
            op = Op("message", room, sid, f"durable {n} {sid}")
            alice.send(message_xml(room, sid, op.value))
        ops[sid] = op
        inflight[room].add(sid)

    def answer_of(s):
        op = ops.get(s.id)
        if op is None or bare(s.frm) != op.room:
            return None
        if op.kind == "message":
            if s.is_message and s.type == "groupchat" and s.frm == f"{op.room}/Alice":
                return op, "ok"
            if s.is_message and s.type == "error":
                return op, "refused"
            return None
        if s.is_iq and s.type == "result":
            return op, "ok"
        if s.is_iq and s.type == "error":
            return op, "refused"
        return None

    def account(s):
        op, outcome = answer_of(s)
        if op.outcome is not None:
            duplicates.append((op, s))
            return
        op.outcome, op.answered_at = outcome, time.monotonic()
        inflight[op.room].discard(op.sid)
        if outcome == "refused":
            op.error = s
            hold_until[op.room] = time.monotonic() + REFUSAL_BACKOFF
        else:
            counter["acked"] += 1
            if restarted_at is not None and op.answered_at > restarted_at:
                acked_after_restart[op.room] += 1

    async def outage():
        nonlocal restarted_at
        await env.stop_postgres()
        await asyncio.sleep(down_for)  # the fault's timing: how long PostgreSQL stays down
        await env.start_postgres()
        restarted_at = time.monotonic()

    def recovered():
        return restarted_at is not None and all(
            n >= AFTER_RECOVERY for n in acked_after_restart.values())

    started = time.monotonic()
    try:
        while not recovered():
            now = time.monotonic()
            for room in rooms:
                while len(inflight[room]) < WINDOW and now >= hold_until[room]:
                    new_op(room)
            if restarted_at is not None:
                assert now - restarted_at < RECOVERY_DEADLINE, (
                    f"no recovery {RECOVERY_DEADLINE}s after PostgreSQL came back: acknowledged "
                    f"since then per room {acked_after_restart}")
            if stop_task is not None and stop_task.done():
                stop_task.result()  # re-raises if stopping/starting PostgreSQL failed
            wake = min([h for r, h in hold_until.items() if len(inflight[r]) < WINDOW] or
                       [now + REPLY_TIMEOUT])
            try:
                s = await alice.expect(lambda s: answer_of(s) is not None, "a change's answer",
                                       timeout=max(0.01, min(REPLY_TIMEOUT, wake - now)))
            except AssertionError:
                if any(inflight.values()) and time.monotonic() - now >= REPLY_TIMEOUT - 0.01:
                    raise
                continue
            account(s)
            if stop_task is None and counter["acked"] >= stop_after:
                stop_task = asyncio.ensure_future(outage())
            # Stanzas that answer nothing (e.g. config-change notices) are not kept around.
            alice.take(lambda s: answer_of(s) is None)
        # Drain: every change still in flight gets its answer.
        while any(inflight.values()):
            s = await alice.expect(lambda s: answer_of(s) is not None,
                                   "the answer to a change still in flight", timeout=REPLY_TIMEOUT)
            account(s)
    finally:
        if stop_task is not None and not stop_task.done():
            await asyncio.gather(stop_task, return_exceptions=True)
        if env.postgres.state and not _pg_running(env):
            await env.start_postgres()  # later tests need it
    elapsed = time.monotonic() - started
    for room in rooms:
        await alice.barrier(room)
    for s in alice.take(lambda s: answer_of(s) is not None):
        account(s)  # a late second answer would be a duplicate
    assert stop_task is not None, "the load ended before PostgreSQL was stopped"

    # The component recovered without a restart: the same process commits a new change.
    assert env.component.alive() and env.component.proc.pid == pid, \
        "muc-component was restarted or died during the PostgreSQL restart"
    fresh = await admin_set(alice, rooms[0], admin_item(jid="after-restart@localhost",
                                                        affiliation="member"))
    assert fresh.type == "result", f"a new grant after PostgreSQL came back: {fresh}"
    log = env.component_log_since(log_mark)
    assert "PostgreSQL: reconnected" in log, "the store logged no reconnection"

    by_kind = {k: [o for o in ops.values() if o.kind == k] for k in ("grant", "config", "message")}
    acked = [o for o in ops.values() if o.outcome == "ok"]
    refused = [o for o in ops.values() if o.outcome == "refused"]
    assert not duplicates, f"changes answered twice: {[(o.sid, str(s)) for o, s in duplicates[:5]]}"
    assert len(acked) + len(refused) == len(ops), "a change was never answered"
    wrong = [(o.kind, o.sid, str(o.error)) for o in refused if o.error.error != REFUSED]
    assert not wrong, (f"{len(wrong)} of {len(refused)} refusals are not "
                       f"<error type='wait'><resource-constraint/>: {wrong[:5]}")
    assert all(o.error.error[0] == "wait" for o in refused)
    assert refused, "no change was refused: the outage was not observed under load"

    # What bob (the other occupant) was sent: exactly the messages reflected to alice.
    for room in rooms:
        await bob.barrier(room)
    bob_got = Counter(s.id for s in bob.received
                      if s.is_message and s.type == "groupchat" and s.id in ops
                      and s.frm == f"{ops[s.id].room}/Alice")
    bob_dup = [sid for sid, n in bob_got.items() if n > 1]
    refused_broadcast = [sid for sid in bob_got if ops[sid].outcome != "ok"]
    acked_msgs = {o.sid for o in by_kind["message"] if o.outcome == "ok"}
    missing_broadcast = sorted(acked_msgs - set(bob_got))
    assert not bob_dup, f"messages broadcast twice: {bob_dup[:10]}"
    assert not refused_broadcast, f"refused messages were broadcast: {refused_broadcast[:10]}"
    assert not missing_broadcast, f"reflected messages bob never got: {missing_broadcast[:10]}"

    # A newcomer after the outage gets the room's history.
    carol = await muc.client("carol")
    histories = {}
    for room in rooms:
        got = await join(carol, f"{room}/Carol")
        histories[room] = [s for s in got if s.is_message and s.delay is not None and s.body]

    # The database, room by room.
    report = {}
    problems = []
    for room in rooms:
        mine = [o for o in ops.values() if o.room == room]
        members = Counter(r["jid"] for r in env.sql(
            "SELECT jid FROM muc_members WHERE room = :'room' AND affiliation = 'member'",
            room=room))
        audit_aff = Counter(r["target"] for r in env.sql(
            "SELECT target FROM muc_audit WHERE room = :'room' AND action = 'affiliation' "
            "AND new_value = 'member'", room=room))
        config_rows = env.sql("SELECT count(*) AS n FROM muc_audit WHERE room = :'room' "
                              "AND action = 'config'", room=room)[0]["n"]
        name = env.sql("SELECT name FROM muc_rooms WHERE room = :'room'", room=room)[0]["name"]
        archive_order = [r["message_id"] for r in env.sql(
            "SELECT message_id FROM muc_messages WHERE room = :'room' ORDER BY sent_at, id",
            room=room)]
        archived = Counter(archive_order)
        # A newcomer's history (XEP-0045 7.2.15) is the archive's newest messages: a refused
        # message, taken back from the history when its commit failed, is not among them.
        history = [s.id for s in histories[room]]
        want = archive_order[-len(history):] if history else []
        if history != want or len(history) != min(HISTORY, len(archive_order)):
            problems.append(f"{room}: a newcomer's history {history} is not the archive's "
                            f"newest {min(HISTORY, len(archive_order))}: {want}")

        grants = {o.value: o for o in mine if o.kind == "grant"}
        msgs = {o.sid: o for o in mine if o.kind == "message"}
        configs = [o for o in mine if o.kind == "config"]
        expected_members = set(grants) | ({"after-restart@localhost"} if room == rooms[0] else set())
        for kind, present, wanted in (("member row", members, grants),
                                      ("affiliation audit row", audit_aff, grants),
                                      ("archived message", archived, msgs)):
            key = (lambda o: o.value) if wanted is grants else (lambda o: o.sid)
            for o in wanted.values():
                n = present.get(key(o), 0)
                if o.outcome == "ok" and n != 1:
                    problems.append(f"{room}: acknowledged {o.kind} {key(o)}: {n} {kind}s")
                elif o.outcome != "ok" and n > 1:
                    problems.append(f"{room}: refused {o.kind} {key(o)}: {n} {kind}s")
            phantom = [k for k in present if k not in wanted and k not in expected_members]
            if phantom:
                problems.append(f"{room}: {kind}s nobody asked for: {phantom[:5]}")
        # One config audit row for the creation, then one per committed configuration.
        acked_cfg = [o for o in configs if o.outcome == "ok"]
        refused_cfg = [o for o in configs if o.outcome != "ok"]
        if not len(acked_cfg) <= config_rows - 1 <= len(configs):
            problems.append(f"{room}: {config_rows} config audit rows for {len(acked_cfg)} "
                            f"acknowledged and {len(refused_cfg)} refused configurations")
        # Configurations apply in order: the stored name is the last acknowledged one's,
        # or a refused later one's (if its COMMIT was in doubt).
        last_ok = max((configs.index(o) for o in acked_cfg), default=-1)
        allowed = {o.value for o in configs[last_ok:]} if last_ok >= 0 else \
            {o.value for o in configs} | {""}
        if configs and name not in allowed:
            problems.append(f"{room}: stored name {name!r}, expected one of {sorted(allowed)}")

        def split(objs, present, key):
            ok = [o for o in objs if o.outcome == "ok"]
            ref = [o for o in objs if o.outcome != "ok"]
            return (len(ok), sum(1 for o in ok if present.get(key(o))),
                    len(ref), sum(1 for o in ref if present.get(key(o))))
        report[room] = {"grants": split(grants.values(), members, lambda o: o.value),
                        "messages": split(msgs.values(), archived, lambda o: o.sid),
                        "configs": (len(acked_cfg), config_rows - 1, len(refused_cfg))}

    print(f"pg restart test: {len(ops)} changes in {elapsed:.2f}s: {len(acked)} acknowledged, "
          f"{len(refused)} refused ({Counter(o.error.error for o in refused)}); "
          f"{sum(acked_after_restart.values())} acknowledged after the restart; same pid {pid}")
    totals = [0] * 4
    mtotals = [0] * 4
    for room, r in report.items():
        totals = [a + b for a, b in zip(totals, r["grants"])]
        mtotals = [a + b for a, b in zip(mtotals, r["messages"])]
        print(f"  {room.split('@')[0]}: grants acked/present {r['grants'][0]}/{r['grants'][1]}, "
              f"refused/present {r['grants'][2]}/{r['grants'][3]}; messages acked/present "
              f"{r['messages'][0]}/{r['messages'][1]}, refused/present {r['messages'][2]}/"
              f"{r['messages'][3]}; configs acked {r['configs'][0]}, rows {r['configs'][1]}, "
              f"refused {r['configs'][2]}")
    print(f"pg restart test: grants acknowledged {totals[0]}, present {totals[1]}; refused "
          f"{totals[2]}, present anyway {totals[3]}. messages acknowledged {mtotals[0]}, "
          f"archived {mtotals[1]}; refused {mtotals[2]}, archived anyway {mtotals[3]}")
    in_doubt = log.count("IN DOUBT")
    if totals[3] or mtotals[3] or in_doubt:
        print(f"pg restart test: {in_doubt} commit(s) logged IN DOUBT")
    assert not problems, "\n".join(problems[:30])


def _pg_running(env) -> bool:
    try:
        os.kill(int(env.postgres.state.get("PG_PID", "0")), 0)
    except (OSError, ValueError):
        return False
    return True
