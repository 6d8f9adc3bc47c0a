# Postgres from Debian's packages, taking the official image's POSTGRES_USER, POSTGRES_PASSWORD and
# POSTGRES_DB and data directory, for machines that cannot pull postgres:16 (see debian-images.sh).
ARG BASE=switchboard-base/debian:bookworm
FROM ${BASE}
RUN apt-get update && apt-get install -y --no-install-recommends postgresql-15 && rm -rf /var/lib/apt/lists/*
ENV PATH=/usr/lib/postgresql/15/bin:$PATH PGDATA=/var/lib/postgresql/data
COPY postgres-entrypoint.sh /usr/local/bin/postgres-entrypoint.sh
EXPOSE 5432
ENTRYPOINT ["/usr/local/bin/postgres-entrypoint.sh"]
