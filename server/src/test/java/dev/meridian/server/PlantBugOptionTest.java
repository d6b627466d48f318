package dev.meridian.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meridian.txn.range.RangeLeader.PlantedBug;
import org.junit.jupiter.api.Test;

/** {@code --plant-bug} is test-only: refused without {@code --allow-fault-injection}, names checked. */
class PlantBugOptionTest {

  @Test
  void refusedWithoutAllowFaultInjection() {
    assertThatThrownBy(() -> NodeServer.Options.parse(
            new String[] {"--data-dir", "d", "--plant-bug", "skip-read-validation"}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--plant-bug")
        .hasMessageContaining("--allow-fault-injection");
  }

  @Test
  void acceptedWithAllowFaultInjection() {
    NodeServer.Options options = NodeServer.Options.parse(new String[] {"--data-dir", "d", "--allow-fault-injection",
        "--plant-bug", "ack-before-durable, skip-commit-wait"});
    assertThat(options.plantedBugs()).containsExactlyInAnyOrder(PlantedBug.ACK_BEFORE_DURABLE,
        PlantedBug.SKIP_COMMIT_WAIT);
    assertThat(NodeServer.Options.parse(new String[] {"--data-dir", "d"}).plantedBugs()).isEmpty();
  }

  @Test
  void unknownBugIsRefusedByName() {
    assertThatThrownBy(() -> NodeServer.Options.parse(new String[] {"--data-dir", "d", "--allow-fault-injection",
            "--plant-bug", "skip-everything"}))
        .hasMessageContaining("skip-everything")
        .hasMessageContaining("skip-read-validation");
  }
}
