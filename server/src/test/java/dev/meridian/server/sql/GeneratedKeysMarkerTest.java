package dev.meridian.server.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meridian.sql.exec.GeneratedKeys;
import dev.meridian.sql.exec.SqlExecutionException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The generated-keys request as the JDBC driver writes it (see dev.meridian.jdbc.GeneratedKeysTest). */
class GeneratedKeysMarkerTest {

  @Test
  void theDriversThreeForms() {
    GeneratedKeysMarker.Marked all = GeneratedKeysMarker.parse("/*meridian.generated_keys*/ INSERT INTO t VALUES (1)");
    assertThat(all.sql()).isEqualTo("INSERT INTO t VALUES (1)");
    assertThat(all.request()).isEqualTo(new GeneratedKeys.Request.Generated());
    assertThat(GeneratedKeysMarker.parse("/*meridian.generated_keys indexes 1,3*/ INSERT").request())
        .isEqualTo(new GeneratedKeys.Request.Indexed(List.of(1, 3)));
    GeneratedKeysMarker.Marked named = GeneratedKeysMarker.parse(
        "/*meridian.generated_keys columns \"id\",\"Odd\"\"Name\",\"a*/b\"*/ INSERT INTO t VALUES (1)");
    assertThat(named.request()).isEqualTo(new GeneratedKeys.Request.Named(List.of("id", "Odd\"Name", "a*/b")));
    assertThat(named.sql()).isEqualTo("INSERT INTO t VALUES (1)");
  }

  @Test
  void withoutTheMarkerTheSqlIsUntouched() {
    GeneratedKeysMarker.Marked plain = GeneratedKeysMarker.parse(" /*meridian.generated_keys*/ INSERT");
    assertThat(plain.request()).isNull();
    assertThat(plain.sql()).isEqualTo(" /*meridian.generated_keys*/ INSERT");
  }

  @Test
  void aMalformedMarkerIs42601() {
    for (String sql : List.of("/*meridian.generated_keys columns id*/ INSERT", "/*meridian.generated_keys indexes x*/ I",
        "/*meridian.generated_keys columns \"a\" \"b\"*/ I", "/*meridian.generated_keys what*/ I",
        "/*meridian.generated_keys columns \"a")) {
      assertThatThrownBy(() -> GeneratedKeysMarker.parse(sql)).isInstanceOf(SqlExecutionException.class)
          .satisfies(e -> assertThat(((SqlExecutionException) e).sqlState()).isEqualTo("42601"));
    }
  }
}
