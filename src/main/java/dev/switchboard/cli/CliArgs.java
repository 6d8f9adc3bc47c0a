package dev.switchboard.cli;

import java.nio.file.Path;

/** The command line, as LiteLLM's proxy takes it. */
record CliArgs(Path config, String host, int port, boolean debug, boolean help, boolean version, boolean cluster) {

  static final String USAGE = String.join(System.lineSeparator(),
      "Usage: switchboard [--config PATH] [--port N] [--host HOST] [--cluster] [--debug] [--version] [--help]",
      "",
      "  --config PATH   LiteLLM config.yaml to serve (default: conf/config.yaml)",
      "  --port N        port to listen on (default: 4000)",
      "  --host HOST     address to bind (default: 0.0.0.0)",
      "  --cluster       join the other gateways of general_settings.cluster (Hazelcast; also SWITCHBOARD_CLUSTER=true)",
      "  --debug         log every request (also --detailed_debug)",
      "  --version       print the version and exit",
      "  --help          print this help and exit",
      "",
      "Environment: SWITCHBOARD_LOG or LITELLM_LOG = DEBUG | INFO | WARNING | ERROR");

  /** A command line that cannot be understood; the message says what to change. */
  static final class UsageException extends RuntimeException {
    UsageException(String message) {
      super(message, null, false, false);
    }
  }

  static CliArgs parse(String[] args) {
    Path config = Path.of("conf", "config.yaml");
    String host = "0.0.0.0";
    int port = 4000;
    boolean debug = false;
    boolean help = false;
    boolean version = false;
    boolean cluster = false;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String inlineValue = null;
      int equals = arg.indexOf('=');
      if (arg.startsWith("--") && equals > 0) {
        inlineValue = arg.substring(equals + 1);
        arg = arg.substring(0, equals);
      }
      switch (arg) {
        case "--config", "-c" -> config = Path.of(inlineValue != null ? inlineValue : value(args, ++i, arg));
        case "--host" -> host = inlineValue != null ? inlineValue : value(args, ++i, arg);
        case "--port", "-p" -> port = port(inlineValue != null ? inlineValue : value(args, ++i, arg));
        case "--debug", "--detailed_debug" -> debug = true;
        case "--help", "-h" -> help = true;
        case "--version", "-v" -> version = true;
        case "--cluster" -> cluster = true;
        default -> throw new UsageException("Unknown option '" + arg + "'; run switchboard --help for the options.");
      }
    }
    return new CliArgs(config, host, port, debug, help, version, cluster);
  }

  private static String value(String[] args, int index, String option) {
    if (index >= args.length || args[index].startsWith("--")) {
      throw new UsageException("Option " + option + " needs a value; run switchboard --help for the options.");
    }
    return args[index];
  }

  private static int port(String text) {
    try {
      int port = Integer.parseInt(text.trim());
      if (port < 0 || port > 65535) {
        throw new NumberFormatException();
      }
      return port;
    } catch (NumberFormatException e) {
      throw new UsageException("--port must be a number from 0 to 65535, got '" + text + "'.");
    }
  }
}
