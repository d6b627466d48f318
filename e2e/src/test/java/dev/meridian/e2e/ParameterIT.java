package dev.meridian.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Expressions over prepared-statement parameters through the real driver. The Jepsen runner found
 * {@code UPDATE pt SET v = v || CAST(? AS VARCHAR(20)) WHERE k = ?} storing NULL: the planner
 * folded the cast while the parameter had no value. Each statement runs twice with different
 * values (the second run uses the node's cached plan).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ParameterIT extends OneNodeIT {

  @BeforeAll
  static void schema() throws SQLException {
    try (Statement s = connection.createStatement()) {
      s.execute("CREATE TABLE pt (k BIGINT PRIMARY KEY, v VARCHAR(4000), n INTEGER)");
    }
  }

  private static void reset(long k, String v) throws SQLException {
    try (PreparedStatement p = connection.prepareStatement("UPSERT INTO pt (k, v, n) VALUES (?, ?, NULL)")) {
      p.setLong(1, k);
      p.setString(2, v);
      p.executeUpdate();
    }
  }

  private static String v(long k) throws SQLException {
    try (PreparedStatement p = connection.prepareStatement("SELECT v FROM pt WHERE k = ?")) {
      p.setLong(1, k);
      try (ResultSet rs = p.executeQuery()) {
        assertThat(rs.next()).isTrue();
        return rs.getString(1);
      }
    }
  }

  private static int update(String sql, String text, long k) throws SQLException {
    try (PreparedStatement p = connection.prepareStatement(sql)) {
      if (text == null) {
        p.setNull(1, Types.VARCHAR);
      } else {
        p.setString(1, text);
      }
      p.setLong(2, k);
      return p.executeUpdate();
    }
  }

  private static String select(String sql, String text) throws SQLException {
    try (PreparedStatement p = connection.prepareStatement(sql)) {
      p.setString(1, text);
      try (ResultSet rs = p.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  @Test
  void updateSetsTheBoundValue() throws SQLException {
    reset(1, ",1");
    assertThat(update("UPDATE pt SET v = CAST(? AS VARCHAR(20)) WHERE k = ?", ",2", 1)).isEqualTo(1);
    assertThat(v(1)).isEqualTo(",2");
    assertThat(update("UPDATE pt SET v = CAST(? AS VARCHAR(20)) WHERE k = ?", ",3", 1)).isEqualTo(1);
    assertThat(v(1)).isEqualTo(",3");

    reset(1, ",1");
    assertThat(update("UPDATE pt SET v = v || CAST(? AS VARCHAR(20)) WHERE k = ?", ",2", 1)).isEqualTo(1);
    assertThat(update("UPDATE pt SET v = v || CAST(? AS VARCHAR(20)) WHERE k = ?", ",3", 1)).isEqualTo(1);
    assertThat(v(1)).isEqualTo(",1,2,3");

    reset(1, ",1");
    assertThat(update("UPDATE pt SET v = v || ? WHERE k = ?", ",2", 1)).isEqualTo(1);
    assertThat(update("UPDATE pt SET v = v || ? WHERE k = ?", ",3", 1)).isEqualTo(1);
    assertThat(v(1)).isEqualTo(",1,2,3");
    assertThat(update("UPDATE pt SET v = UPPER(?) WHERE k = ?", "ab", 1)).isEqualTo(1);
    assertThat(v(1)).isEqualTo("AB");
    assertThat(update("UPDATE pt SET v = ? WHERE k = ?", ",9", 1)).isEqualTo(1);
    assertThat(v(1)).isEqualTo(",9");

    assertThat(update("UPDATE pt SET v = COALESCE(CAST(? AS VARCHAR(20)), 'x') WHERE k = ?", null, 1)).isEqualTo(1);
    assertThat(v(1)).isEqualTo("x");
    assertThat(update("UPDATE pt SET n = CAST(? AS INTEGER) + 1 WHERE k = ?", "41", 1)).isEqualTo(1);
    try (ResultSet rs = connection.createStatement().executeQuery("SELECT n FROM pt WHERE k = 1")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getInt(1)).isEqualTo(42);
    }
  }

  @Test
  void insertAndUpsertStoreTheBoundValue() throws SQLException {
    for (long k = 10; k < 12; k++) {
      for (String verb : new String[] {"INSERT", "UPSERT"}) {
        try (PreparedStatement p = connection.prepareStatement(
            verb + " INTO pt (k, v) VALUES (?, CAST(? AS VARCHAR(20)))")) {
          p.setLong(1, k);
          p.setString(2, verb + k);
          assertThat(p.executeUpdate()).isEqualTo(1);
        }
        assertThat(v(k)).isEqualTo(verb + k);
      }
    }
  }

  @Test
  void queriesUseTheBoundValue() throws SQLException {
    assertThat(select("SELECT CAST(? AS VARCHAR(20))", ",2")).isEqualTo(",2");
    assertThat(select("SELECT CAST(? AS VARCHAR(20))", ",3")).isEqualTo(",3");
    assertThat(select("SELECT CAST(? AS INTEGER) + 1", "41")).isEqualTo("42");
    assertThat(select("SELECT UPPER(?)", "ab")).isEqualTo("AB");
    reset(20, ",20");
    assertThat(select("SELECT k FROM pt WHERE v = CAST(? AS VARCHAR(20))", ",20")).isEqualTo("20");
    assertThat(select("SELECT k FROM pt WHERE v = CAST(? AS VARCHAR(20))", ",21")).isNull();
  }

  @Test
  void anUntypedParameterOutsideTextOperatorsIsRefusedAtPrepare() {
    assertThatThrownBy(() -> connection.prepareStatement("UPDATE pt SET v = COALESCE(?, 'x') WHERE k = ?"))
        .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("42000"));
  }
}
