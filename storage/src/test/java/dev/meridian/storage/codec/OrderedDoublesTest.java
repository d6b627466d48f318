package dev.meridian.storage.codec;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OrderedDoublesTest {

  @Test
  void sortablePatternsRiseWithTheValue() {
    double[] ascending = {
      Double.NEGATIVE_INFINITY,
      -Double.MAX_VALUE,
      -1.0,
      -Double.MIN_NORMAL,
      -Double.MIN_VALUE,
      0.0,
      Double.MIN_VALUE,
      Double.MIN_NORMAL,
      1.0,
      Double.MAX_VALUE,
      Double.POSITIVE_INFINITY,
      Double.NaN
    };
    for (int i = 0; i + 1 < ascending.length; i++) {
      assertThat(
              Long.compareUnsigned(
                  OrderedDoubles.toSortable(ascending[i]),
                  OrderedDoubles.toSortable(ascending[i + 1])))
          .as("%s < %s", ascending[i], ascending[i + 1])
          .isNegative();
    }
  }

  @Test
  void onlyCanonicalPatternsDecode() {
    assertThat(OrderedDoubles.isCanonical(OrderedDoubles.toSortable(-0.0))).isTrue();
    assertThat(OrderedDoubles.toSortable(-0.0)).isEqualTo(OrderedDoubles.toSortable(0.0));
    long negativeZero = ~Double.doubleToRawLongBits(-0.0);
    assertThat(OrderedDoubles.isCanonical(negativeZero)).isFalse();
    long otherNan =
        Double.doubleToRawLongBits(Double.longBitsToDouble(0x7FF0_0000_0000_0001L))
            ^ Long.MIN_VALUE;
    assertThat(OrderedDoubles.isCanonical(otherNan)).isFalse();
    assertThat(OrderedDoubles.fromSortable(OrderedDoubles.toSortable(-2.5))).isEqualTo(-2.5);
  }
}
