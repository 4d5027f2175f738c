#!/usr/bin/env bash
# Installs or starts what `make test` and `make run` need on a fresh machine
# of this kind. Idempotent: does nothing when everything is there.
set -euo pipefail

need_apt=()
{ command -v pdftotext && command -v pdfsig; } >/dev/null 2>&1 || need_apt+=(poppler-utils)
# PAdES signatures: pdfsig checks them against an NSS database made with
# certutil; the PKCS#11 tests sign on a SoftHSM2 token.
command -v certutil >/dev/null 2>&1 || need_apt+=(libnss3-tools)
command -v softhsm2-util >/dev/null 2>&1 || need_apt+=(softhsm2)
command -v redis-server >/dev/null 2>&1 || need_apt+=(redis-server)
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "deps: installing ${need_apt[*]}"
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

# The shared Redis the storage tests use (they isolate their keys by prefix).
if ! (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null; then
  echo "deps: starting redis-server on 127.0.0.1:6379"
  mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
  for _ in $(seq 1 50); do (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null && break; sleep 0.1; done
fi
