# Maven and a JDK from Debian's packages, standing in for maven:3.9-eclipse-temurin-17 (see debian-images.sh).
ARG BASE=switchboard-base/debian:bookworm
FROM ${BASE}
RUN apt-get update && apt-get install -y --no-install-recommends openjdk-17-jdk-headless maven && rm -rf /var/lib/apt/lists/*
