#!/bin/sh
# Builds, from Debian's packages alone, the images the Docker files otherwise pull from a registry,
# for machines whose Docker engine cannot reach one (air-gapped, or a mirror of Debian only):
#   switchboard-base/debian:bookworm   debootstrap --variant=minbase, imported
#   switchboard-base/jre:17            OpenJDK 17 runtime (for RUNTIME_IMAGE)
#   switchboard-base/maven:17          Maven and OpenJDK 17 (for BUILD_IMAGE)
#   switchboard-base/postgres:15       Postgres, with the official image's POSTGRES_* variables
#   switchboard-base/redis:7           Redis
# Needs root, debootstrap and a reachable Debian mirror (MIRROR, default deb.debian.org).
#   sudo docker/debian-images.sh
set -eu
cd "$(dirname "$0")/debian"
mirror=${MIRROR:-http://deb.debian.org/debian}
if ! docker image inspect switchboard-base/debian:bookworm >/dev/null 2>&1; then
  root=$(mktemp -d)
  trap 'rm -rf "$root"' EXIT
  debootstrap --variant=minbase bookworm "$root" "$mirror" >/dev/null
  tar -C "$root" -c . | docker import - switchboard-base/debian:bookworm >/dev/null
fi
docker build -q -t switchboard-base/jre:17 -f jre.Dockerfile . >/dev/null
docker build -q -t switchboard-base/maven:17 -f maven.Dockerfile . >/dev/null
docker build -q -t switchboard-base/postgres:15 -f postgres.Dockerfile . >/dev/null
docker build -q -t switchboard-base/redis:7 -f redis.Dockerfile . >/dev/null
docker images 'switchboard-base/*'
