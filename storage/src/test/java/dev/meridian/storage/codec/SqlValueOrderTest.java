package dev.meridian.storage.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The oracle itself, checked on the cases where a natural Java order would differ from SQL's. */
class SqlValueOrderTest {

  @Test
  void codePointOrderPutsSupplementaryCharactersAfterTheBmp() {
    assertThat(SqlValueOrder.compareCodePoints("\uFFFF", "\uD800\uDC00")).isNegative();
    assertThat(SqlValueOrder.compareCodePoints("a", "ab")).isNegative();
    assertThat(SqlValueOrder.compareCodePoints("ab", "a")).isPositive();
    assertThat(SqlValueOrder.compareCodePoints("\uD83D\uDE00x", "\uD83D\uDE00x")).isZero();
  }

  @Test
  void doublesAndDecimalsFollowSqlEquality() {
    assertThat(SqlValueOrder.compare(SqlType.DOUBLE, -0.0, 0.0)).isZero();
    assertThat(
            SqlValueOrder.compare(
                SqlType.DOUBLE, Double.NaN, Double.longBitsToDouble(0xFFF8_0000_0000_0001L)))
        .isZero();
    assertThat(SqlValueOrder.compare(SqlType.DOUBLE, Double.POSITIVE_INFINITY, Double.NaN))
        .isNegative();
    assertThat(
            SqlValueOrder.compare(SqlType.DECIMAL, new BigDecimal("1.0"), new BigDecimal("1.00")))
        .isZero();
  }

  @Test
  void nullIsFirstAscendingAndLastDescending() {
    assertThat(SqlValueOrder.of(KeyColumn.asc(SqlType.INTEGER)).compare(null, Integer.MIN_VALUE))
        .isNegative();
    assertThat(SqlValueOrder.of(KeyColumn.desc(SqlType.INTEGER)).compare(null, Integer.MIN_VALUE))
        .isPositive();
    List<KeyColumn> key = List.of(KeyColumn.asc(SqlType.INTEGER), KeyColumn.desc(SqlType.VARCHAR));
    assertThat(SqlValueOrder.ofKey(key).compare(Arrays.asList(1, "a"), Arrays.asList(1, "b")))
        .isPositive();
    assertThat(SqlValueOrder.ofKey(key).compare(Arrays.asList(1, null), Arrays.asList(1, "b")))
        .isPositive();
  }
}
