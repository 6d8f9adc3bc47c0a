package dev.switchboard.doctor;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Is the gateway's port free, and if not, which process holds it (read from /proc on Linux, as
 * {@code ss -ltnp} would). Blocking: the CLI runs it, never an event loop.
 */
final class PortCheck {

  private PortCheck() {
  }

  static Check run(String host, int port) {
    if (port == 0) {
      return Check.ok("port", "--port 0: any free port is taken at start");
    }
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(host, port));
      return Check.ok("port", host + ":" + port + " is free");
    } catch (BindException e) {
      String holder = holder(port);
      return Check.fail("port", host + ":" + port + " is already in use" + (holder == null ? "" : " by " + holder),
          (holder == null ? "find the process with `ss -ltnp 'sport = :" + port + "'` (or `lsof -i :" + port + "`), "
              : "") + "stop it, or start Switchboard with --port N");
    } catch (IOException | IllegalArgumentException e) {
      return Check.fail("port", "cannot bind " + host + ":" + port + ": " + e.getMessage(),
          "check --host (an address of this machine, 0.0.0.0 or 127.0.0.1) and --port");
    }
  }

  /** "pid N (command line)" of the process listening on {@code port}, or null when it cannot be seen. */
  static String holder(int port) {
    String inode = listeningInode(port);
    if (inode == null) {
      return null;
    }
    String target = "socket:[" + inode + "]";
    try (DirectoryStream<Path> processes = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString()
        .chars().allMatch(Character::isDigit))) {
      for (Path process : processes) {
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(process.resolve("fd"))) {
          for (Path fd : fds) {
            if (target.equals(Files.readSymbolicLink(fd).toString())) {
              return "pid " + process.getFileName() + " (" + commandLine(process) + ")";
            }
          }
        } catch (IOException | SecurityException notOurs) {
          // Another user's process: its descriptors are not readable.
        }
      }
    } catch (IOException e) {
      return null;
    }
    return null;
  }

  private static String listeningInode(int port) {
    String hexPort = String.format(Locale.ROOT, ":%04X", port);
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      try {
        for (String line : Files.readAllLines(Path.of(table))) {
          String[] f = line.trim().split("\\s+");
          // local_address, state 0A = LISTEN, inode in column 10
          if (f.length > 9 && f[1].endsWith(hexPort) && "0A".equals(f[3])) {
            return f[9];
          }
        }
      } catch (IOException | RuntimeException e) {
        // Not Linux, or not readable: the fix names ss/lsof instead.
      }
    }
    return null;
  }

  private static String commandLine(Path process) {
    try {
      String line = new String(Files.readAllBytes(process.resolve("cmdline"))).replace('\0', ' ').trim();
      return line.length() > 120 ? line.substring(0, 120) + "..." : line;
    } catch (IOException e) {
      return "?";
    }
  }
}
