package dev.meridian.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code Connection.setSavepoint}, {@code rollback(Savepoint)} and {@code releaseSavepoint} for
 * one connection, which Avatica's client leaves unsupported: each becomes the server's savepoint
 * statement ({@code SAVEPOINT "name"}, {@code ROLLBACK TO SAVEPOINT "name"}, {@code RELEASE
 * SAVEPOINT "name"}), whose semantics and SQLSTATEs the server owns: 25P01 in autocommit mode,
 * 3B001 for a savepoint that is not open (released, rolled back past, or ended with its
 * transaction). An unnamed savepoint is named {@code MERIDIAN_SAVEPOINT_<id>}. Names are sent as
 * quoted identifiers, so they are case-sensitive, as the JDBC names are. The statements go
 * through one helper statement, so each call is one round trip.
 */
final class Savepoints {

  private final AtomicInteger ids = new AtomicInteger();
  private final HelperStatement helper;

  /** @param connection Avatica's connection (not the proxy): runs the statements */
  Savepoints(Connection connection) {
    this.helper = new HelperStatement(connection);
  }

  Savepoint set(String name) throws SQLException {
    if (name != null && name.isEmpty()) {
      throw SqlStates.of("a savepoint name must not be empty", "3B001", 0, null);
    }
    MeridianSavepoint savepoint = name == null
        ? new MeridianSavepoint(this, ids.incrementAndGet(), null)
        : new MeridianSavepoint(this, 0, name);
    run("SAVEPOINT ", savepoint);
    return savepoint;
  }

  void rollback(Savepoint savepoint) throws SQLException {
    run("ROLLBACK TO SAVEPOINT ", own(savepoint));
  }

  void release(Savepoint savepoint) throws SQLException {
    run("RELEASE SAVEPOINT ", own(savepoint));
  }

  private MeridianSavepoint own(Savepoint savepoint) throws SQLException {
    if (savepoint instanceof MeridianSavepoint mine && mine.owner == this) {
      return mine;
    }
    throw SqlStates.of("savepoint " + savepoint + " does not belong to this connection", "3B001", 0, null);
  }

  private synchronized void run(String statement, MeridianSavepoint savepoint) throws SQLException {
    helper.execute(statement + "\"" + savepoint.wireName().replace("\"", "\"\"") + "\"");
  }

  synchronized void close() {
    helper.close();
  }

  /** A savepoint of one connection: named by the application, or numbered by the driver. */
  private static final class MeridianSavepoint implements Savepoint {
    private final Savepoints owner;
    private final int id;
    private final String name;

    MeridianSavepoint(Savepoints owner, int id, String name) {
      this.owner = owner;
      this.id = id;
      this.name = name;
    }

    String wireName() {
      return name != null ? name : "MERIDIAN_SAVEPOINT_" + id;
    }

    @Override
    public int getSavepointId() throws SQLException {
      if (name != null) {
        throw SqlStates.of("savepoint \"" + name + "\" is named; it has no id", "3B000", 0, null);
      }
      return id;
    }

    @Override
    public String getSavepointName() throws SQLException {
      if (name == null) {
        throw SqlStates.of("savepoint " + id + " is unnamed; it has an id", "3B000", 0, null);
      }
      return name;
    }

    @Override
    public String toString() {
      return name != null ? "Savepoint(\"" + name + "\")" : "Savepoint(" + id + ")";
    }
  }
}
