#!/usr/bin/env bash
# Checks the systemd units in packaging/ (README, "Running it as a service"):
#   - every --flag of every ExecStart= is one muc-component --help lists;
#   - the hardening settings the README promises are there;
#   - systemd-analyze verify finds nothing to say (when systemd-analyze is installed), on a
#     copy whose ExecStart names the binary under test (verify wants it to exist).
#
#   tests/ops/units_test.sh MUC_COMPONENT_BINARY      (ctest runs it: label unit)
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=${1:?usage: units_test.sh MUC_COMPONENT_BINARY}
[ -x "$bin" ] || { echo "units_test: $bin is not executable" >&2; exit 1; }
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")  # ExecStart= wants an absolute path

help=$(ASAN_OPTIONS=detect_leaks=0 "$bin" --help) || { echo "units_test: $bin --help failed" >&2; exit 1; }
required=(
  DynamicUser=yes ProtectSystem=strict ProtectHome=yes PrivateTmp=yes NoNewPrivileges=yes
  PrivateDevices=yes ProtectKernelTunables=yes ProtectKernelModules=yes ProtectKernelLogs=yes
  ProtectControlGroups=yes "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX"
  RestrictNamespaces=yes LockPersonality=yes MemoryDenyWriteExecute=yes
  SystemCallArchitectures=native SystemCallFilter=@system-service CapabilityBoundingSet=
  Restart=on-failure
)
status=0
fail() { echo "units_test: $*" >&2; status=1; }
tmp=$(mktemp -d /tmp/muc-units-test.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

units=("$root"/packaging/*.service)
[ -e "${units[0]}" ] || { echo "units_test: no packaging/*.service" >&2; exit 1; }
for unit in "${units[@]}"; do
  name=$(basename "$unit")
  execs=$(grep -E '^ExecStart=' "$unit") || { fail "$name: no ExecStart="; continue; }
  for flag in $(grep -oE '(^|[[:space:]])--[a-z][a-z0-9-]*' <<<"$execs" | tr -d ' \t'); do
    grep -qE -- "(^|[[:space:],])$flag([[:space:]=,]|$)" <<<"$help" \
      || fail "$name: ExecStart uses $flag, which muc-component --help does not list"
  done
  grep -q -- '--config /etc/muc-component/' <<<"$execs" \
    || fail "$name: ExecStart should read its config from /etc/muc-component/"
  for setting in "${required[@]}"; do
    grep -qxF -- "$setting" "$unit" || fail "$name: missing $setting"
  done
  grep -qE '^(EnvironmentFile|LoadCredential)=' "$unit" || fail "$name: no secret (EnvironmentFile= or LoadCredential=)"

  if command -v systemd-analyze >/dev/null 2>&1; then
    copy=$tmp/$name
    sed "s|^ExecStart=[^ ]*|ExecStart=$bin|" "$unit" >"$copy"
    target=$copy
    case "$name" in *@.service)  # a template is verified through an instance
      target=$tmp/${name%@.service}@test.service; ln -sf "$copy" "$target" ;;
    esac
    out=$(cd "$tmp" && systemd-analyze verify "$target" 2>&1)
    if [ -n "$out" ]; then fail "$name: systemd-analyze verify says:"; echo "$out" >&2; fi
  else
    echo "units_test: systemd-analyze not installed; $name not verified"
  fi
done
[ "$status" -eq 0 ] && echo "units_test: ${#units[@]} units checked"
exit "$status"
