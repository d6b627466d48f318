package dev.meridian.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Set;
import org.apache.calcite.avatica.AvaticaClientRuntimeException;

/**
 * Makes the connection-property setters ({@code setAutoCommit}, {@code setReadOnly}, {@code
 * setTransactionIsolation}, {@code setCatalog}, {@code setSchema}) reach the server before they
 * return. Invariant: outside a setter, Avatica's local copy of the properties is what the server's
 * session has (not dirty), so every request a statement sends runs under the properties the
 * application last set.
 *
 * <p>Why: Avatica's remote client only records a set property locally, marks it dirty, and sends
 * it in a connection-sync request just before the next create-statement, prepare or
 * prepare-and-execute request (or a property getter). The execution of an already prepared
 * statement, batches, commit and rollback send none, so after {@code setReadOnly(false)} a
 * statement prepared earlier still ran read-only (25006), after {@code setAutoCommit(false)} it
 * still autocommitted, and {@code setAutoCommit(true)} did not commit the open transaction.
 *
 * <p>A setter here is Avatica's setter followed by a property getter, which is Avatica's own sync
 * (one round trip when the value changed, none otherwise). When the server refuses the change
 * (25001 for {@code setReadOnly} inside a transaction; a failed commit of {@code
 * setAutoCommit(true)}) the setter fails with the server's SQLSTATE and the local value is put
 * back to the one the server kept, so the refused value is not sent again with a later request.
 */
final class PropertySync {

  private static final Set<String> SETTERS = Set.of(
      "setAutoCommit", "setReadOnly", "setTransactionIsolation", "setCatalog", "setSchema");

  private PropertySync() {}

  static boolean isSetter(String name, int arity) {
    return arity == 1 && SETTERS.contains(name);
  }

  /**
   * Runs setter {@code name} with {@code value} on Avatica's {@code connection} and sends it to
   * the server. Unchecked Avatica failures escape as they are; the caller translates them.
   */
  static void set(Connection connection, String name, Object value) throws SQLException {
    Object before = get(connection, name);
    put(connection, name, value);
    try {
      get(connection, name);
    } catch (SQLException | AvaticaClientRuntimeException refused) {
      try {
        put(connection, name, before);
        get(connection, name);
      } catch (SQLException | AvaticaClientRuntimeException again) {
        // The transport broke; the connection is unusable anyway (08003 from now on).
        refused.addSuppressed(again);
      }
      throw refused;
    }
  }

  /** The property's value, syncing every dirty property first (Avatica's getters all do). */
  private static Object get(Connection connection, String setter) throws SQLException {
    return switch (setter) {
      case "setAutoCommit" -> connection.getAutoCommit();
      case "setReadOnly" -> connection.isReadOnly();
      case "setTransactionIsolation" -> connection.getTransactionIsolation();
      case "setCatalog" -> connection.getCatalog();
      case "setSchema" -> connection.getSchema();
      default -> throw new IllegalArgumentException(setter);
    };
  }

  /** Avatica's setter: records the value locally and marks the properties dirty if it changed. */
  private static void put(Connection connection, String setter, Object value) throws SQLException {
    switch (setter) {
      case "setAutoCommit" -> connection.setAutoCommit((Boolean) value);
      case "setReadOnly" -> connection.setReadOnly((Boolean) value);
      case "setTransactionIsolation" -> connection.setTransactionIsolation((Integer) value);
      case "setCatalog" -> connection.setCatalog((String) value);
      case "setSchema" -> connection.setSchema((String) value);
      default -> throw new IllegalArgumentException(setter);
    }
  }
}
