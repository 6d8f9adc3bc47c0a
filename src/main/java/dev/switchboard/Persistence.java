package dev.switchboard;

import dev.switchboard.bus.Bus;
import dev.switchboard.config.ConfigSource;
import dev.switchboard.config.GatewayConfig;
import dev.switchboard.config.GeneralSettings;
import dev.switchboard.doctor.Doctor;
import dev.switchboard.errors.ErrorClass;
import dev.switchboard.errors.ErrorResponses;
import dev.switchboard.errors.GatewayError;
import dev.switchboard.keys.BudgetRoutes;
import dev.switchboard.keys.BudgetScopeStore;
import dev.switchboard.keys.CustomerRoutes;
import dev.switchboard.keys.DirectoryRoutes;
import dev.switchboard.keys.OrganizationRoutes;
import dev.switchboard.model.KeyLookup;
import dev.switchboard.keys.KeyRoutes;
import dev.switchboard.keys.KeyStore;
import dev.switchboard.spend.Accounting;
import dev.switchboard.spend.SpendResets;
import dev.switchboard.spend.SpendOverrides;
import dev.switchboard.spend.SpendRoutes;
import dev.switchboard.files.FileStore;
import dev.switchboard.files.PgFileStore;
import dev.switchboard.responses.PgResponseStore;
import dev.switchboard.responses.ResponseStore;
import dev.switchboard.store.Database;
import dev.switchboard.store.DatabaseHealth;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.sqlclient.Pool;
import java.nio.file.Path;
import java.time.Clock;

/**
 * What the gateway keeps in Postgres (virtual keys, users and teams, spend rows, shared budgets),
 * or nothing of it: one of two implementations, chosen once at start, so nothing else in the
 * gateway asks whether there is a database.
 */
sealed interface Persistence {

  /** The configured or embedded Postgres, or none with {@code database_url: none}. */
  static Future<Persistence> open(Vertx vertx, Bus bus, GatewayConfig config) {
    GeneralSettings general = config.general();
    if (general.withoutDatabase()) {
      return Future.succeededFuture(new None());
    }
    return Database.open(vertx, general.databaseUrl(), Path.of(general.embeddedDatabaseDir()),
        general.databasePoolSize()).map(db -> new Postgres(vertx, bus, db, config));
  }

  /** Where the Auth stage finds virtual keys. */
  KeyLookup keys();

  /** Budgets and (with a database) the spend writer. */
  Accounting accounting(GatewayConfig config);

  /** Mounts the admin routes over stored data: keys, users, teams, spend reports. */
  void mountRoutes(Router router);

  /** The checks of {@code GET /health/doctor}. */
  Doctor doctor(Vertx vertx, ConfigSource source);

  /** Where translated Responses API answers are stored: Postgres, or nowhere. */
  ResponseStore responses();

  /** Who owns which file and batch: Postgres, or nothing (the Files and Batches APIs are then refused). */
  FileStore files();

  /** The database's state for readiness, or null when there is none to probe. */
  DatabaseHealth health();

  /** The Postgres pool (stored models use it), or null without a database. */
  Pool pool();

  Future<Void> close(Vertx vertx);

  /** Keys, users, teams and spend in Postgres. */
  final class Postgres implements Persistence {

    private final Database database;
    private final KeyStore keys;
    private final KeyRoutes keyRoutes;
    private final DirectoryRoutes directory;
    private final SpendRoutes spend;
    private final DatabaseHealth health;
    private final BudgetScopeStore scopes;
    private final ResponseStore responses;
    private final FileStore files;
    private final Bus bus;
    /** Made once by {@link #accounting}, before the routes are mounted: spend resets cut its budgets. */
    private Accounting accounting;

    Postgres(Vertx vertx, Bus bus, Database database, GatewayConfig config) {
      this.database = database;
      this.bus = bus;
      this.keys = new KeyStore(database.pool());
      this.keyRoutes = new KeyRoutes(bus, keys, config.spend().timezone());
      this.directory = new DirectoryRoutes(bus, database.pool(), keyRoutes);
      this.spend = new SpendRoutes(database.pool(), config.spend());
      this.health = new DatabaseHealth(vertx, database.pool());
      this.scopes = new BudgetScopeStore(database.pool(), bus);
      scopes.listen();
      this.responses = new PgResponseStore(vertx, database.pool(), config.general().responsesStoreTtlSeconds(),
          Clock.systemUTC());
      this.files = new PgFileStore(database.pool(), Clock.systemUTC());
    }

    @Override
    public ResponseStore responses() {
      return responses;
    }

    @Override
    public FileStore files() {
      return files;
    }

    @Override
    public KeyLookup keys() {
      return keys;
    }

    @Override
    public Accounting accounting(GatewayConfig config) {
      // A shared reservation outlives a dead gateway by at most the longest request, plus a minute.
      accounting = Accounting.create(config.spend(), database.pool(), database.separatePools(1),
          config.litellm().requestTimeout() + 60, scopes);
      accounting.hearLowered(bus);
      return accounting;
    }

    @Override
    public void mountRoutes(Router router) {
      keyRoutes.mount(router, new SpendOverrides(database.pool(), bus, accounting));
      directory.mount(router);
      spend.mount(router);
      new SpendResets(database.pool(), bus, accounting).mount(router);
      new BudgetRoutes(database.pool(), scopes).mount(router);
      new CustomerRoutes(database.pool(), scopes).mount(router);
      new OrganizationRoutes(database.pool(), scopes).mount(router);
    }

    @Override
    public Doctor doctor(Vertx vertx, ConfigSource source) {
      return new Doctor(vertx, source, database.pool());
    }

    @Override
    public DatabaseHealth health() {
      return health;
    }

    @Override
    public Pool pool() {
      return database.pool();
    }

    @Override
    public Future<Void> close(Vertx vertx) {
      responses.close();
      return database.close(vertx);
    }
  }

  /** {@code database_url: none}: the master key alone, budgets in memory, spend rows logged only. */
  record None() implements Persistence {

    private static final String[] STORED_PATHS = {"/key/*", "/user/*", "/team/*", "/spend/*", "/global/spend*",
        "/customer/*", "/end_user/*", "/organization/*", "/budget/*", "/v2/key/*"};

    @Override
    public KeyLookup keys() {
      return KeyLookup.NONE;
    }

    @Override
    public Accounting accounting(GatewayConfig config) {
      return Accounting.inMemory(config.spend());
    }

    @Override
    public void mountRoutes(Router router) {
      for (String path : STORED_PATHS) {
        router.route(path).handler(ctx -> ErrorResponses.write(ctx.response(), GatewayError.of(
            ErrorClass.SERVICE_UNAVAILABLE, "no_database", "Keys, users and teams need a database, and this gateway "
                + "runs with general_settings.database_url: none. Remove it (embedded database) or point it at Postgres.")));
      }
    }

    @Override
    public Doctor doctor(Vertx vertx, ConfigSource source) {
      return new Doctor(vertx, source, null);
    }

    @Override
    public DatabaseHealth health() {
      return null;
    }

    @Override
    public ResponseStore responses() {
      return ResponseStore.NONE;
    }

    @Override
    public FileStore files() {
      return FileStore.NONE;
    }

    @Override
    public Pool pool() {
      return null;
    }

    @Override
    public Future<Void> close(Vertx vertx) {
      return Future.succeededFuture();
    }
  }
}
