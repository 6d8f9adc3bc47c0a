package dev.switchboard.model;

import io.vertx.core.Future;

/** Where the Auth stage finds a virtual key by the hash of its secret. */
@FunctionalInterface
public interface KeyLookup {

  /** A gateway without a database has no virtual keys: every one is unknown, the master key alone works. */
  KeyLookup NONE = tokenHash -> Future.succeededFuture(null);

  /** The key with this hash and what its team and user allow, or null when there is none. */
  Future<VirtualKey> find(String tokenHash);
}
