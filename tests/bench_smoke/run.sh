#!/usr/bin/env bash
# CTest bench_smoke: the benchmark driver against the built muc-component, component alone,
# a room of 10, about 1 s of traffic. Checks that it completes and counts something; no
# performance thresholds. Usage: run.sh DRIVER COMPONENT
set -euo pipefail
driver=$1 component=$2
out=$("$driver" component --component "$component" --scenario one-room --n 10 \
  --duration 0.5 --warmup 0.2)
echo "$out"
/usr/bin/python3 - "$out" <<'PY'
import json, sys
r = json.loads(sys.argv[1])
checks = {
    "join_presences": r.get("join_presences", 0) > 0,
    "sat_stanzas_out_per_s": (r.get("sat_stanzas_out_per_s") or 0) > 0,
    "lat_latency_samples": r.get("lat_latency_samples", 0) > 0,
    "extra_copies == 0": r.get("extra_copies", 1) == 0,
}
bad = [k for k, ok in checks.items() if not ok]
if bad:
    sys.exit("bench_smoke: failed: " + ", ".join(bad))
print("bench_smoke: ok")
PY
