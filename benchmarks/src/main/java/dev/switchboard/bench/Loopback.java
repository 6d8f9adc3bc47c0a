package dev.switchboard.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** The harness, the mock and the gateway talk over loopback only, each on a free port. */
final class Loopback {

  static final String HOST = "127.0.0.1";

  private Loopback() {
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getByName(HOST))) {
      return socket.getLocalPort();
    }
  }
}
