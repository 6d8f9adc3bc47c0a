package dev.switchboard.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import redis.embedded.RedisServer;

/** A real Redis (embedded binary) on a free loopback port, that a test can stop and start again on the same port. */
public final class TestRedis implements AutoCloseable {

  private final int port = Gateways.freePort();
  private RedisServer server;

  public static TestRedis start() {
    TestRedis redis = new TestRedis();
    redis.up();
    return redis;
  }

  public int port() {
    return port;
  }

  /** (Re)starts it, empty (nothing is persisted). */
  public void up() {
    try {
      server = RedisServer.newRedisServer().port(port).bind("127.0.0.1").setting("save \"\"")
          .setting("appendonly no").build();
      server.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public void down() {
    if (server != null) {
      try {
        server.stop();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      server = null;
    }
  }

  @Override
  public void close() {
    down();
  }
}
