package dev.switchboard.cli;

import dev.switchboard.config.ConfigSource;
import dev.switchboard.doctor.Doctor;
import dev.switchboard.doctor.Report;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.util.concurrent.TimeUnit;

/** {@code switchboard doctor}: runs the checks on a config file and prints the table; 0 when nothing FAILs. */
final class DoctorCommand {

  static final int FAILED = 1;

  private DoctorCommand() {
  }

  static int run(CliArgs args, PrintStream out, PrintStream err) {
    String text;
    try {
      text = Files.readString(args.config());
    } catch (NoSuchFileException e) {
      err.println("switchboard doctor: config file not found: " + args.config() + " (pass an existing file with --config PATH)");
      return FAILED;
    } catch (IOException e) {
      err.println("switchboard doctor: cannot read " + args.config() + ": " + e.getMessage());
      return FAILED;
    }
    Vertx vertx = Vertx.vertx();
    try {
      Report report = new Doctor(vertx, new ConfigSource(args.config().toString(), text, System::getenv), null)
          .run(new Doctor.Options(args.offline(), args.host(), args.port()))
          .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      out.print(args.json() ? report.toJson().encodePrettily() + System.lineSeparator() : report.table());
      return report.failed() ? FAILED : 0;
    } catch (Exception e) {
      err.println("switchboard doctor: the checks could not finish: " + e);
      return FAILED;
    } finally {
      vertx.close();
    }
  }
}
