package dev.meridian.truetime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ChronyTrackingTest {

  @Test
  void boundIsOffsetPlusDispersionPlusHalfDelay() throws Exception {
    // |−12.5 µs| + 345.678 µs + 1234.567/2 µs = 975.46 µs, rounded up.
    String line = "A9FEA97B,169.254.169.123,4,1700000000.123456789,-0.000012500,-0.000011111,0.000020000,"
        + "-12.345,-0.001,0.012,0.001234567,0.000345678,64.5,Normal";
    assertThat(ChronyTracking.uncertaintyMicros(line)).isEqualTo(976);
  }

  @Test
  void unsynchronisedChronyIsUnusable() {
    String line = "7F7F0101,,0,0.000000000,0.000000000,0.000000000,0.000000000,0.000,0.000,0.000,"
        + "1.000000000,1.000000000,0.0,Not synchronised";
    assertThatThrownBy(() -> ChronyTracking.uncertaintyMicros(line))
        .isInstanceOf(ChronyTracking.UnusableException.class)
        .hasMessageContaining("not synchronised");
  }

  @Test
  void truncatedLineIsUnusable() {
    assertThatThrownBy(() -> ChronyTracking.uncertaintyMicros("506 Cannot talk to daemon"))
        .isInstanceOf(ChronyTracking.UnusableException.class);
  }
}
