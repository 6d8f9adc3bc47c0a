#!/bin/bash
# The container's health: the gateway's /health/liveliness on the address and port it was started
# with (--host/--port on its command line, else 127.0.0.1:4000), so a container started with another
# port is not reported unhealthy. Plain bash, so the image needs no curl.
set -u
port=4000
host=127.0.0.1
for cmdline in /proc/[0-9]*/cmdline; do
  args=()
  while IFS= read -r -d '' arg; do args+=("$arg"); done < "$cmdline" 2>/dev/null
  case " ${args[*]-} " in *switchboard.jar*) ;; *) continue ;; esac
  for i in "${!args[@]}"; do
    case "${args[$i]}" in
      --port) port=${args[$((i + 1))]:-$port} ;;
      --port=*) port=${args[$i]#--port=} ;;
      --host) host=${args[$((i + 1))]:-$host} ;;
      --host=*) host=${args[$i]#--host=} ;;
    esac
  done
  break
done
case "$host" in 0.0.0.0 | :: | "[::]") host=127.0.0.1 ;; esac
exec 3<>"/dev/tcp/$host/$port" || exit 1
printf 'GET /health/liveliness HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n' "$host" >&3
IFS= read -r -t 3 status <&3 || exit 1
case "$status" in "HTTP/1.1 200"*) exit 0 ;; *) exit 1 ;; esac
