# Redis from Debian's packages, for machines that cannot pull redis:7 (see debian-images.sh).
ARG BASE=switchboard-base/debian:bookworm
FROM ${BASE}
RUN apt-get update && apt-get install -y --no-install-recommends redis-server && rm -rf /var/lib/apt/lists/*
EXPOSE 6379
USER redis
CMD ["redis-server", "--bind", "0.0.0.0", "--protected-mode", "no", "--save", ""]
