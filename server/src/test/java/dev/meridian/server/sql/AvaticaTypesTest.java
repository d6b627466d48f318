package dev.meridian.server.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meridian.sql.exec.SqlExecutionException;
import java.math.BigDecimal;
import org.apache.calcite.avatica.util.ByteString;
import org.apache.calcite.sql.type.SqlTypeName;
import org.junit.jupiter.api.Test;

class AvaticaTypesTest {

  @Test
  void parametersBecomeTheRuntimeClassOfTheirType() {
    assertThat(AvaticaTypes.coerce(7, SqlTypeName.BIGINT, 1)).isEqualTo(7L);
    assertThat(AvaticaTypes.coerce(7L, SqlTypeName.INTEGER, 1)).isEqualTo(7);
    assertThat(AvaticaTypes.coerce(7, SqlTypeName.SMALLINT, 1)).isEqualTo((short) 7);
    assertThat(AvaticaTypes.coerce(3, SqlTypeName.DECIMAL, 1)).isEqualTo(new BigDecimal("3"));
    assertThat(AvaticaTypes.coerce("2.50", SqlTypeName.DECIMAL, 1)).isEqualTo(new BigDecimal("2.50"));
    assertThat(AvaticaTypes.coerce(1.5d, SqlTypeName.REAL, 1)).isEqualTo(1.5f);
    assertThat(AvaticaTypes.coerce(2, SqlTypeName.DOUBLE, 1)).isEqualTo(2.0d);
    assertThat(AvaticaTypes.coerce(42, SqlTypeName.VARCHAR, 1)).isEqualTo("42");
    assertThat(AvaticaTypes.coerce(new byte[] {1}, SqlTypeName.VARBINARY, 1)).isEqualTo(new ByteString(new byte[] {1}));
    assertThat(AvaticaTypes.coerce("1970-01-11", SqlTypeName.DATE, 1)).isEqualTo(10);
    assertThat(AvaticaTypes.coerce("1970-01-01 00:00:01", SqlTypeName.TIMESTAMP, 1)).isEqualTo(1000L);
    assertThat(AvaticaTypes.coerce(null, SqlTypeName.INTEGER, 1)).isNull();
    assertThat(AvaticaTypes.coerce("00:00:01.5", SqlTypeName.TIME, 1)).as("millis of the day").isEqualTo(1500);
  }

  @Test
  void aParameterThatDoesNotFitFailsWith22018() {
    assertThatThrownBy(() -> AvaticaTypes.coerce("x", SqlTypeName.INTEGER, 2))
        .isInstanceOfSatisfying(SqlExecutionException.class, e -> {
          assertThat(e.sqlState()).isEqualTo("22018");
          assertThat(e.getMessage()).contains("parameter 2");
        });
    assertThatThrownBy(() -> AvaticaTypes.coerce(1L << 40, SqlTypeName.INTEGER, 1))
        .isInstanceOf(SqlExecutionException.class);
    assertThatThrownBy(() -> AvaticaTypes.coerce("maybe", SqlTypeName.BOOLEAN, 1))
        .isInstanceOf(SqlExecutionException.class);
  }

  @Test
  void binaryValuesLeaveAsByteArrays() {
    Object[] row = {1, new ByteString(new byte[] {9, 8}), null};
    assertThat(AvaticaTypes.toFrameRow(row)).containsExactly(1, new byte[] {9, 8}, null);
  }

  @Test
  void statementKindsAndTimeouts() {
    assertThat(StatementKinds.of("  /* hi */ (SELECT 1)")).isEqualTo("select");
    assertThat(StatementKinds.of("-- c\nupsert into t values (1)")).isEqualTo("upsert");
    assertThat(StatementKinds.of("CREATE TABLE t (x INT)")).isEqualTo("ddl");
    assertThat(StatementKinds.of("")).isEqualTo("other");
    assertThat(StatementKinds.parseTimeoutMillis("250")).isEqualTo(250);
    assertThat(StatementKinds.parseTimeoutMillis("2s")).isEqualTo(2000);
    assertThat(StatementKinds.parseTimeoutMillis("none")).isZero();
    assertThatThrownBy(() -> StatementKinds.parseTimeoutMillis("2 days")).isInstanceOf(SqlExecutionException.class);
  }

  @Test
  void jdbcPatterns() {
    assertThat(CatalogMetadata.matches(null, "T")).isTrue();
    assertThat(CatalogMetadata.matches("MD_%", "MD_USERS")).isTrue();
    assertThat(CatalogMetadata.matches("MD\\_%", "MDXUSERS")).isFalse();
    assertThat(CatalogMetadata.matches("T_", "T1")).isTrue();
    assertThat(CatalogMetadata.matches("T_", "T12")).isFalse();
    assertThat(CatalogMetadata.matches("a.b", "axb")).isFalse();
  }
}
