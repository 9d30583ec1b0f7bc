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
    sizes = sorted({int(t.split("/")[1]) for t in list(by_tag) + list(errors) if "/" in t})
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
    if not ps or all((r.get("aff_rows_in_db") or 0) == 0 for r in ps):
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
    for tag, errs in errors.items():
        if tag != "persist":
            print("   (%s: %d failed run(s))" % (tag, len(errs)))

    with open(out, "w") as f:
        json.dump(report, f, indent=1)
    print("\nelapsed %ss; JSON: %s" % (meta.get("elapsed_s"), out))


if __name__ == "__main__":
    main()
