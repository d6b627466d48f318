package dev.meridian.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** The request the driver puts in front of a generated-keys statement (the node parses it back). */
class GeneratedKeysTest {

  @Test
  void eachFormBecomesItsMarker() throws SQLException {
    assertThat(GeneratedKeys.mark("INSERT INTO t VALUES (1)", Statement.RETURN_GENERATED_KEYS))
        .isEqualTo("/*meridian.generated_keys*/ INSERT INTO t VALUES (1)");
    assertThat(GeneratedKeys.mark("INSERT INTO t VALUES (1)", new int[] {1, 3}))
        .isEqualTo("/*meridian.generated_keys indexes 1,3*/ INSERT INTO t VALUES (1)");
    assertThat(GeneratedKeys.mark("INSERT INTO t VALUES (1)", new String[] {"id", "Odd\"Name"}))
        .isEqualTo("/*meridian.generated_keys columns \"id\",\"Odd\"\"Name\"*/ INSERT INTO t VALUES (1)");
  }

  @Test
  void noKeysMeansThePlainStatement() throws SQLException {
    assertThat(GeneratedKeys.mark("INSERT", Statement.NO_GENERATED_KEYS)).isNull();
    assertThat(GeneratedKeys.mark("INSERT", new int[0])).isNull();
    assertThat(GeneratedKeys.mark("INSERT", new String[0])).isNull();
    assertThat(GeneratedKeys.mark("INSERT", null)).isNull();
  }

  @Test
  void badArgumentsAreRefused() {
    assertThatThrownBy(() -> GeneratedKeys.mark("INSERT", 7)).isInstanceOf(SQLException.class)
        .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("HY092"));
    assertThatThrownBy(() -> GeneratedKeys.mark("INSERT", new String[] {"a", null}))
        .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("HY009"));
  }
}
