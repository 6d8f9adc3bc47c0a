#!/bin/sh
# The runtime image's set-up, shared by Dockerfile and Dockerfile.runtime: a system user owning the
# data directory, and on JDK 25+ the AOT cache the launcher starts the gateway with, recorded by
# this image's own JVM and flags in a training run (`switchboard train`: the warm-up's requests
# against a loopback provider, no network). Older JDKs have no AOT cache; nothing is recorded.
set -eu
useradd --system --uid 10001 --home-dir /app switchboard
mkdir -p /app/data
chown switchboard /app/data
major=$(java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n 1)
if [ "$major" -ge 25 ]; then
  JAVA_OPTS="-XX:AOTCacheOutput=/app/switchboard.aot -Xlog:disable -Xlog:all=error:stderr" /app/bin/switchboard train
else
  echo "JDK $major: no AOT cache recorded (JDK 25+ records one)"
fi
