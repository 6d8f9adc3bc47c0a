# A Java runtime from Debian's packages (OpenJDK 17), standing in for eclipse-temurin:25-jre where
# registries cannot be reached (see debian-images.sh). On JDK 17 the image records no AOT cache.
ARG BASE=switchboard-base/debian:bookworm
FROM ${BASE}
RUN apt-get update && apt-get install -y --no-install-recommends openjdk-17-jre-headless && rm -rf /var/lib/apt/lists/*
