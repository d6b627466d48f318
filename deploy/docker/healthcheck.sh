#!/usr/bin/env bash
# The image's HEALTHCHECK: GET /health on the admin port ($MERIDIAN_ADMIN_PORT, 7072), healthy on
# 200. Plain bash (/dev/tcp), so the image needs no curl and the check starts no JVM.
set -euo pipefail
exec 3<>"/dev/tcp/127.0.0.1/${MERIDIAN_ADMIN_PORT:-7072}"
printf 'GET /health HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3
read -r -t 3 _ status _ <&3
[ "$status" = 200 ]
