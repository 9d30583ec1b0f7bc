"""Aggregates the driver's JSON lines (scripts/bench) into median [min..max] per figure,
prints the table and writes the JSON report. Usage: report.py RAW.jsonl OUT.json
(BENCH_META in the environment: a JSON object describing the run)."""
import json
import os
import statistics
import sys


def load(path):
    by_tag, errors = {}, {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            rec = json.loads(line)
            if "result" in rec:
                by_tag.setdefault(rec["tag"], []).append(rec["result"])
            else:
                errors.setdefault(rec["tag"], []).append(rec.get("error"))
    return by_tag, errors


def agg(results, key, scale=1.0):
    vals = [r[key] * scale for r in results if r.get(key) is not None]
    if not vals:
        return None
    return {"median": statistics.median(vals), "min": min(vals), "max": max(vals), "n": len(vals)}


def fmt(a, digits=0, unit=""):
    if a is None:
        return "n/a"
    f = "{:,.%df}" % digits
    s = f.format(a["median"]) + unit
    if a["n"] > 1:
        s += " [" + f.format(a["min"]) + ".." + f.format(a["max"]) + "]"
    return s


def table(title, header, rows):
    print("\n" + title)
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)] if rows else []
    line = lambda cells: "  " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths))
    print(line(header))
    print("  " + "-+-".join("-" * w for w in widths))
    for r in rows:
        print(line(r))


STORM_TARGET_RATIO = 1.2  # component time / Prosody-MUC time at N = 1000 (the goal)

STORM_FIELDS = [
    "n", "storm_clients_in", "storm_clients_delivered", "storm_presences", "storm_presences_expected",
    "storm_in_s", "storm_delivered_s", "storm_last_presence_s", "storm_elapsed_s", "storm_timed_out",
    "storm_timeout_s", "storm_errors", "storm_first_error", "storm_unavailable", "storm_extra",
    "login_s", "storm_send_s", "storm_prosody_cpu_s", "storm_prosody_cpu_pct", "storm_component_cpu_s",
    "storm_component_cpu_pct", "storm_driver_cpu_pct", "storm_clients_disconnected", "storm_settle_s",
    "storm_stopped_after_drop", "storm_link_drop_seen_s",
    "storm_read_rate_mb_s", "storm_mbytes_read", "storm_link_closed", "storm_link_closed_s",
    "storm_link_closed_how", "storm_reconnected", "storm_reconnected_s", "component_peak_rss_kib",
    "peak_queue_bytes", "link_drops", "component_clean_exit", "component_stats_line",
]


def storm_sizes(by_tag, errors, prefix):
    return sorted({int(t.split("/")[1]) for t in list(by_tag) + list(errors)
                   if t.startswith(prefix + "/")})


def storm_entry(by_tag, errors, tag):
    """The figures of one storm (the first run; storms run once), or its error."""
    rs = by_tag.get(tag, [])
    if not rs:
        return {"error": (errors.get(tag) or ["not run"])[0]}
    return {k: rs[0].get(k) for k in STORM_FIELDS if k in rs[0]}


def count(e, got, expected):
    if "error" in e:
        return "failed (%s)" % e["error"]
    return "{:,}/{:,}".format(e.get(got) or 0, e.get(expected) or 0)


def secs(e, key):
    if "error" in e:
        return "-"
    v = e.get(key)
    if v is not None:
        return "%.2f" % v
    return "not all (%s)" % storm_end(e)


def storm_end(e):
    """Why a storm that did not complete ended."""
    if e.get("storm_timed_out"):
        return "timeout %g s" % e["storm_timeout_s"]
    drop = e.get("storm_link_drop_seen_s")
    if drop is None and e.get("storm_link_closed"):
        drop = e.get("storm_link_closed_s")
    if drop is not None:
        return "link dropped at %.1f s" % drop
    if e.get("storm_clients_disconnected"):
        return "clients disconnected"
    return "stopped at %.1f s" % (e.get("storm_elapsed_s") or 0)


def mib(v, unit_bytes=1):
    return "n/a" if v is None or v < 0 else "%.1f" % (v * unit_bytes / 1048576.0)


def pct(v):
    return "n/a" if v is None else ("%.1f%%" if v < 10 else "%.0f%%") % v


def ratio(c, p, key):
    """component / Prosody time; a bound when only Prosody finished."""
    if "error" in c or "error" in p or p.get(key) is None:
        return None, "n/a"
    if c.get(key) is not None:
        r = c[key] / p[key]
        return r, "%.2f" % r
    # The component did not finish: its time is at least how long it ran.
    return None, "> %.2f (component did not finish)" % ((c.get("storm_elapsed_s") or 0) / p[key])


def storm_report(by_tag, errors):
    out = {"target_ratio_at_1000": STORM_TARGET_RATIO, "component_alone": {}, "e2e": {}}
    # End-to-end storms are tagged storm-e2e-{prosody-muc,component}@GC/N.
    gcs = sorted({t.split("@")[1].split("/")[0] for t in list(by_tag) + list(errors)
                  if t.startswith("storm-e2e-") and "@" in t})
    e2e_runs = [(gc, n) for gc in gcs
                for n in sorted(set(storm_sizes(by_tag, errors, "storm-e2e-prosody-muc@" + gc)) |
                                set(storm_sizes(by_tag, errors, "storm-e2e-component@" + gc)))]
    alone_ns = storm_sizes(by_tag, errors, "storm-component-alone")
    if not e2e_runs and not alone_ns:
        return None

    rows, notes = [], []
    for gc, n in e2e_runs:
        if n == 0:  # Prosody did not start
            notes.append("   end to end, %s GC: not run (%s)"
                         % (gc, errors.get("storm-e2e-prosody-muc@%s/0" % gc, ["?"])[0]))
            continue
        p = storm_entry(by_tag, errors, "storm-e2e-prosody-muc@%s/%d" % (gc, n))
        c = storm_entry(by_tag, errors, "storm-e2e-component@%s/%d" % (gc, n))
        r_in, t_in = ratio(c, p, "storm_in_s")
        r_all, t_all = ratio(c, p, "storm_delivered_s")
        out["e2e"].setdefault(gc, {})[str(n)] = {
            "prosody_muc": p, "component": c, "ratio_in_component_over_prosody": r_in,
            "ratio_delivered_component_over_prosody": r_all}
        for name, e in (("Prosody MUC", p), ("this component", c)):
            comp = name == "this component"
            rows.append([gc, n, name, count(e, "storm_clients_in", "n"), secs(e, "storm_in_s"),
                         count(e, "storm_presences", "storm_presences_expected"),
                         secs(e, "storm_delivered_s"), pct(e.get("storm_prosody_cpu_pct")),
                         pct(e.get("storm_component_cpu_pct")) if comp else "-",
                         mib(e.get("component_peak_rss_kib"), 1024) if comp else "-",
                         mib(e.get("peak_queue_bytes")) if comp else "-",
                         ("n/a" if e.get("link_drops") is None else e["link_drops"]) if comp else "-"])
        verdict = ""
        if n == 1000:
            verdict = ("  (target <= %.1f: %s)" % (STORM_TARGET_RATIO, "met" if r_all is not None and
                       r_all <= STORM_TARGET_RATIO else "NOT met"))
        notes.append("   %s GC, N=%d: time component / Prosody MUC: all in %s, all presences delivered %s%s"
                     % (gc, n, t_in, t_all, verdict))
        for name, e in (("Prosody MUC", p), ("component", c)):
            if e.get("storm_errors"):
                notes.append("   %s GC, N=%d %s: %d error presence(s), first: %s"
                             % (gc, n, name, e["storm_errors"], (e.get("storm_first_error") or "")[:200]))
            if e.get("storm_clients_disconnected"):
                notes.append("   %s GC, N=%d %s: %d client(s) disconnected by the server"
                             % (gc, n, name, e["storm_clients_disconnected"]))
    if rows:
        table("4. Join storm, end to end: N c2s clients (SASL ANONYMOUS) through Prosody 0.12 (with "
              "Lua 5.4's generational GC, as the README recommends, and with Prosody's default "
              "incremental GC); client 0 creates the room, then N-1 join presences at once",
              ["Prosody GC", "N", "target", "clients in (110)", "all in s", "presences delivered",
               "all delivered s", "Prosody CPU", "comp CPU", "comp peak RSS MiB",
               "comp peak queue MiB", "link drops"], rows)
    for line in notes:
        print(line)

    rows = []
    for n in alone_ns:
        e = storm_entry(by_tag, errors, "storm-component-alone/%d" % n)
        out["component_alone"][str(n)] = e
        link = "-"
        if "error" not in e:
            dropped = e.get("storm_link_closed") or e.get("storm_reconnected") or e.get("link_drops")
            link = "kept"
            if dropped:
                at = e.get("storm_link_closed_s") or e.get("storm_reconnected_s")
                link = "DROPPED" + (" at %.1f s" % at if at is not None else "")
        rate = e.get("storm_read_rate_mb_s")
        rows.append([n, "-" if rate is None else ("%g" % rate if rate > 0 else "full"),
                     count(e, "storm_clients_in", "n"), secs(e, "storm_in_s"),
                     count(e, "storm_presences", "storm_presences_expected"), secs(e, "storm_delivered_s"),
                     "-" if e.get("storm_mbytes_read") is None else "%.1f" % e["storm_mbytes_read"],
                     pct(e.get("storm_component_cpu_pct")), mib(e.get("component_peak_rss_kib"), 1024),
                     mib(e.get("peak_queue_bytes")), link,
                     "n/a" if e.get("link_drops") is None else e["link_drops"]])
    if rows:
        table("   Join storm, component alone: the driver (as the XMPP server) reads the component's output "
              "at a fixed rate",
              ["N", "read MB/s", "clients in (110)", "all in s", "presences delivered", "all delivered s",
               "MB read", "comp CPU", "peak RSS MiB", "peak queue MiB", "link", "reconnecting lines"], rows)
        for n in alone_ns:
            e = out["component_alone"][str(n)]
            if e.get("storm_link_closed_how"):
                print("   N=%d: %s" % (n, e["storm_link_closed_how"]))
    print("   times from the first join presence written; peak RSS = VmHWM; peak queue = the"
          " component's peak_queue_bytes at exit (n/a: not logged); link drops = 'reconnecting' lines"
          " in its log.")
    return out


def archive_report(by_tag, errors):
    """5. Archive reads (muc-bench-archive; one run): median [min..max] ms per case, then the plans."""
    rs = by_tag.get("archive", [])
    if not rs:
        if errors.get("archive"):
            print("\n5. Archive reads (XEP-0313, PostgreSQL): failed (%s)" % errors["archive"][0])
        return None
    r = rs[0]
    rows = [[c["case"], c["messages"], "%.3f [%.3f..%.3f]" % (c["median_ms"], c["min_ms"], c["max_ms"])]
            for c in r["cases"]]
    table("5. Archive reads (XEP-0313; PostgreSQL 15 on loopback, fsync off): {:,} messages in {} rooms,"
          " {:,} of them in the room read, interleaved in time".format(r["rows"], r["rooms"], r["room_rows"]),
          ["page of the room read", "messages", "ms median [min..max] of %d reads" % r["cases"][0]["repeat"]],
          rows)
    print("   each read: read_archive_page in its own repeatable-read read-only transaction, as the"
          " store's worker runs it (BEGIN to COMMIT, round trips included); setup %.1f s (%s)"
          % (r["setup_s"], "migrations, seeding, VACUUM ANALYZE" if r["seeded"] else "already seeded"))
    for c in r["cases"]:
        print("\n   plan of the %s: EXPLAIN (ANALYZE, BUFFERS) of its page SQL, %s"
              % (c["case"], ", ".join("$%d = %s" % (i + 1, p) for i, p in enumerate(c["params"]))))
        print("     " + c["sql"])
        for line in c["plan"]:
            print("     " + line)
    return r


def main():
    raw, out = sys.argv[1], sys.argv[2]
    meta = json.loads(os.environ.get("BENCH_META", "{}"))
    by_tag, errors = load(raw)
    report = {"meta": meta, "component_alone": {}, "e2e": {}, "persistence": None, "errors": errors,
              "raw": by_tag}

    print("\n=== muc-component benchmark, %s" % meta.get("timestamp", ""))
    print("build: %s" % meta.get("build"))
    print("machine: %s cores (%s); driver and component %s; nice %s; load average %s at start, %s at end"
          % (meta.get("cores"), meta.get("cpu"),
             "pinned to CPU 0 and CPU 1 (one core each, both shared with whatever else runs)"
             if meta.get("pinned") else "share the cores", meta.get("nice"),
             meta.get("loadavg_start"), meta.get("loadavg_end")))
    print("figures: median [min..max] of %s run(s) each; git %s" % (meta.get("runs"), meta.get("git")))

    # 1. component alone
    sizes = sorted({int(t.split("/")[1]) for t in list(by_tag) + list(errors)
                    if t.split("/")[0] in ("one-room", "many-rooms")})
    rows_t, rows_j = [], []
    for n in sizes:
        one = by_tag.get("one-room/%d" % n, [])
        many = by_tag.get("many-rooms/%d" % n, [])
        e = {
            "runs": len(one),
            "sat_stanzas_out_per_s": agg(one, "sat_stanzas_out_per_s"),
            "sat_msgs_in_per_s": agg(one, "sat_msgs_done_per_s"),
            "sat_mbytes_out_per_s": agg(one, "sat_mbytes_out_per_s"),
            "sat_component_cpu_pct": agg(one, "sat_component_cpu_pct"),
            "sat_driver_cpu_pct": agg(one, "sat_driver_cpu_pct"),
            "cpu_ms_per_1000_stanzas": agg(one, "sat_component_cpu_ms_per_1000_stanzas"),
            "lat_offered_msgs_per_s": agg(one, "lat_offered_msgs_per_s"),
            "lat_p50_ms": agg(one, "lat_p50_ms"),
            "lat_p99_ms": agg(one, "lat_p99_ms"),
            "lat_component_cpu_pct": agg(one, "lat_component_cpu_pct"),
            "join_one_room_s": agg(one, "join_s"),
            "join_us_per_occupant": agg(one, "join_us_per_occupant"),
            "rss_per_occupant_bytes": agg(one, "rss_per_occupant_bytes"),
            "rss_room_of_n_mib": agg([dict(r, d=(r["rss_joined_kib"] - r["rss0_kib"]) / 1024.0)
                                      for r in one], "d"),
            "join_n_rooms_s": agg(many, "rooms_join_s"),
            "join_us_per_room": agg(many, "rooms_join_us_per_room"),
            "rss_per_room_bytes": agg(many, "rss_per_room_bytes"),
            "window": one[0].get("window") if one else None,
            "errors": errors.get("one-room/%d" % n, []) + errors.get("many-rooms/%d" % n, []),
        }
        report["component_alone"][str(n)] = e
        rows_t.append([n, e["runs"], fmt(e["sat_stanzas_out_per_s"]), fmt(e["sat_msgs_in_per_s"]),
                       fmt(e["sat_component_cpu_pct"], 0, "%") + " / " + fmt(e["sat_driver_cpu_pct"], 0, "%"),
                       fmt(e["cpu_ms_per_1000_stanzas"], 3),
                       fmt(e["lat_offered_msgs_per_s"]), fmt(e["lat_p50_ms"], 2), fmt(e["lat_p99_ms"], 2)])
        rows_j.append([n, fmt(e["join_one_room_s"], 3), fmt(e["join_us_per_occupant"], 1),
                       fmt(e["rss_room_of_n_mib"], 2), fmt(e["rss_per_occupant_bytes"]),
                       fmt(e["join_n_rooms_s"], 3), fmt(e["join_us_per_room"], 1),
                       fmt(e["rss_per_room_bytes"])])
    if sizes:
        table("1. Component alone: fan-out in one room of N (150-byte bodies)",
              ["N", "runs", "stanzas out/s (saturation)", "msgs in/s", "CPU comp/driver",
               "comp CPU ms/1000 out", "paced msgs/s", "p50 ms", "p99 ms"], rows_t)
        table("   Joins and memory (RSS from /proc/PID/status)",
              ["N", "N join 1 room s", "us/join", "RSS room of N MiB", "B/occupant",
               "N rooms of 1: s", "us/room", "B/room"], rows_j)
        print("   saturation: at most `window` messages in flight (sat window: %s);"
              " latency: message in -> its last copy out, paced at half the saturation rate;"
              " joins one after another. CPU%% = of one core." %
              ", ".join("N=%s:%s" % (n, report["component_alone"][str(n)]["window"]) for n in sizes))
        for n in sizes:
            errs = report["component_alone"][str(n)]["errors"]
            if errs:
                print("   N=%d: %d failed run(s)" % (n, len(errs)))

    # 2. end to end
    pm, cm = by_tag.get("e2e-prosody-muc", []), by_tag.get("e2e-component", [])
    if pm or cm or "e2e-prosody-muc" in errors:
        def e2e(rs):
            return {
                "runs": len(rs),
                "n": rs[0]["n"] if rs else None,
                "sat_stanzas_delivered_per_s": agg(rs, "sat_stanzas_out_per_s"),
                "sat_msgs_per_s": agg(rs, "sat_msgs_done_per_s"),
                "sat_prosody_cpu_pct": agg(rs, "sat_prosody_cpu_pct"),
                "sat_component_cpu_pct": agg(rs, "sat_component_cpu_pct"),
                "sat_driver_cpu_pct": agg(rs, "sat_driver_cpu_pct"),
                "lat_rate_msgs_per_s": agg(rs, "lat_offered_msgs_per_s"),
                "lat_stanzas_delivered_per_s": agg(rs, "lat_stanzas_out_per_s"),
                "lat_p50_ms": agg(rs, "lat_p50_ms"),
                "lat_p99_ms": agg(rs, "lat_p99_ms"),
                "lat_prosody_cpu_pct": agg(rs, "lat_prosody_cpu_pct"),
                "lat_component_cpu_pct": agg(rs, "lat_component_cpu_pct"),
            }
        P, C = e2e(pm), e2e(cm)
        ratio = None
        if P["sat_stanzas_delivered_per_s"] and C["sat_stanzas_delivered_per_s"]:
            ratio = C["sat_stanzas_delivered_per_s"]["median"] / P["sat_stanzas_delivered_per_s"]["median"]
        report["e2e"] = {"prosody_muc": P, "component": C, "throughput_ratio_component_over_prosody": ratio}
        rows = []
        for name, x in (("Prosody MUC (muc.localhost)", P), ("this component (conference.localhost)", C)):
            rows.append([name, x["runs"], fmt(x["sat_stanzas_delivered_per_s"]), fmt(x["sat_prosody_cpu_pct"], 0, "%"),
                         fmt(x["sat_component_cpu_pct"], 0, "%"), fmt(x["sat_driver_cpu_pct"], 0, "%"),
                         fmt(x["lat_rate_msgs_per_s"]), fmt(x["lat_p50_ms"], 2), fmt(x["lat_p99_ms"], 2),
                         fmt(x["lat_prosody_cpu_pct"], 0, "%")])
        table("2. End to end: %s c2s clients (SASL ANONYMOUS, no TLS) in one room through Prosody 0.12"
              % (P["n"] or C["n"]),
              ["target", "runs", "delivered stanzas/s (sat)", "Prosody CPU", "component CPU", "driver CPU",
               "paced msgs/s", "p50 ms", "p99 ms", "Prosody CPU (paced)"], rows)
        if ratio is not None:
            print("   throughput ratio component / Prosody MUC: %.2f" % ratio)
        if P["sat_prosody_cpu_pct"] and C["sat_prosody_cpu_pct"]:
            for name, x in (("Prosody MUC", P), ("component", C)):
                if x["sat_prosody_cpu_pct"]["median"] >= 90:
                    print("   %s run: Prosody at %.0f%% of a core at saturation: Prosody (c2s delivery) is the bottleneck"
                          % (name, x["sat_prosody_cpu_pct"]["median"]))
        print("   driver, Prosody and the component share the %s cores (not pinned)." % meta.get("cores"))

    # 3. persistence
    ps = by_tag.get("persist", [])
    print("\n3. Persistence (PostgreSQL 15 on loopback, fsync off)")
    if not ps and not errors.get("persist"):
        print("   skipped")
    elif not ps or all((r.get("aff_rows_in_db") or 0) == 0 for r in ps):
        why = errors.get("persist") or ["no rows reached the database"]
        print("   affiliation change ack latency: not yet (%s)" % why[0])
        print("   archive throughput: not yet")
        report["persistence"] = {"status": "not yet", "why": str(why[0])}
    else:
        p = {
            "runs": len(ps),
            "config_ack_ms": agg(ps, "config_ack_ms"),
            "aff_ack_p50_ms": agg(ps, "aff_ack_p50_ms"),
            "aff_ack_p99_ms": agg(ps, "aff_ack_p99_ms"),
            "aff_rows_in_db": agg(ps, "aff_rows_in_db"),
            "aff_refused": agg(ps, "aff_refused"),
            "archive_msgs_per_s": agg(ps, "archive_msgs_per_s"),
            "archive_reflect_msgs_per_s": agg(ps, "archive_reflect_msgs_per_s"),
            "archive_rows": agg(ps, "archive_rows"),
            "archive_sent": agg(ps, "archive_sent"),
        }
        report["persistence"] = p
        print("   affiliation change (muc#admin set, one at a time) -> iq result: p50 %s ms, p99 %s ms"
              " (%s changes/run, rows in muc_members: %s)"
              % (fmt(p["aff_ack_p50_ms"], 2), fmt(p["aff_ack_p99_ms"], 2), ps[0].get("aff_changes"),
                 fmt(p["aff_rows_in_db"])))
        print("   persistent room configuration -> iq result: %s ms" % fmt(p["config_ack_ms"], 2))
        print("   archive with logging on: %s msgs/s committed (rows %s of %s sent); reflected at %s msgs/s"
              % (fmt(p["archive_msgs_per_s"]), fmt(p["archive_rows"]), fmt(p["archive_sent"]),
                 fmt(p["archive_reflect_msgs_per_s"])))

    # 4. join storms
    report["storm"] = storm_report(by_tag, errors)

    # 5. archive reads
    report["archive"] = archive_report(by_tag, errors)

    for tag, errs in errors.items():
        if tag not in ("persist", "archive"):
            print("   (%s: %d failed run(s))" % (tag, len(errs)))

    with open(out, "w") as f:
        json.dump(report, f, indent=1)
    print("\nelapsed %ss; JSON: %s" % (meta.get("elapsed_s"), out))


if __name__ == "__main__":
    main()
