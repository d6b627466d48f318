package dev.meridian.server.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meridian.truetime.TimeMasterReading;
import org.junit.jupiter.api.Test;

class ClockOptionsTest {

  @Test
  void durations() {
    assertThat(ClockOptions.durationMicros("--x", "250us")).isEqualTo(250);
    assertThat(ClockOptions.durationMicros("--x", "20ms")).isEqualTo(20_000);
    assertThat(ClockOptions.durationMicros("--x", "1s")).isEqualTo(1_000_000);
    assertThat(ClockOptions.durationMicros("--x", "1.5s")).isEqualTo(1_500_000);
    assertThat(ClockOptions.durationMicros("--x", "2m")).isEqualTo(120_000_000);
    assertThat(ClockOptions.durationMicros("--x", "7")).isEqualTo(7_000);
    assertThatThrownBy(() -> ClockOptions.durationMicros("--time-poll", "soon"))
        .hasMessageContaining("--time-poll wants a duration");
  }

  @Test
  void pollDefaultsToSpannersWithMastersAndToASecondAlone() {
    ClockOptions.Builder alone = new ClockOptions.Builder();
    assertThat(alone.build().pollMicros()).isEqualTo(1_000_000);
    assertThat(alone.build().selfOnly()).isTrue();
    ClockOptions.Builder cluster = new ClockOptions.Builder();
    assertThat(cluster.accept("--time-masters", "1,2,3")).isTrue();
    assertThat(cluster.accept("--time-master", "true")).isTrue();
    assertThat(cluster.accept("--peers", "x")).isFalse();
    ClockOptions options = cluster.build();
    assertThat(options.pollMicros()).isEqualTo(30_000_000);
    assertThat(options.masters()).containsExactly(1, 2, 3);
    assertThat(options.maxEpsilonMicros()).isEqualTo(20_000);
    assertThat(options.clockUncertaintyMicros()).isEqualTo(1_000);
  }

  @Test
  void aListedMasterMustBeOne() {
    ClockOptions.Builder builder = new ClockOptions.Builder();
    builder.accept("--time-masters", "1,2,3");
    ClockOptions options = builder.build();
    assertThatThrownBy(() -> new NodeClock(2, options)).hasMessageContaining("--time-master");
  }

  @Test
  void wireRoundTrip() {
    TimeMasterReading reading = new TimeMasterReading(1_700_000_000_123_456L, 987);
    assertThat(TimeWire.decodeResponse(TimeWire.response(reading))).isEqualTo(reading);
    assertThat(TimeWire.isTimeRequest(TimeWire.request())).isTrue();
    TimeWire.checkRequest(TimeWire.request());
    assertThatThrownBy(() -> TimeWire.decodeResponse(new byte[3])).isInstanceOf(IllegalArgumentException.class);
  }
}
