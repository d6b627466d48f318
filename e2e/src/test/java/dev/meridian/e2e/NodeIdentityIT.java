package dev.meridian.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node's identity through real processes: the flags of the first start are stored in the data
 * directory and shown by {@code /health}; a restart without them keeps them; a restart whose flags
 * contradict them is refused, naming both values, and leaves the directory as it was.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class NodeIdentityIT {

  @TempDir Path work;

  @Test
  void theFirstStartsIdentityIsKeptAndContradictingFlagsAreRefused() throws Exception {
    Path dataDir = work.resolve("node");
    try (NodeProcess node = NodeProcess.start(dataDir, "--node-id", "5", "--region", "eu-west", "--zone", "eu-west-1b")) {
      String health = node.get("health").body();
      assertThat(health).contains("\"nodeId\":5", "\"region\":\"eu-west\"", "\"zone\":\"eu-west-1b\"", "\"clusterId\":\"");
      node.stop();
    }

    assertThatThrownBy(() -> NodeProcess.start(dataDir, "--node-id", "6"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("node exited before serving (exit 1)");
    String stderr = Files.readString(dataDir.resolveSibling("node.stderr"), StandardCharsets.UTF_8);
    assertThat(stderr).contains("belongs to node 5 of cluster", "--node-id 6 but it is node 5");

    try (NodeProcess node = NodeProcess.start(dataDir)) {
      assertThat(node.get("health").body()).contains("\"nodeId\":5", "\"region\":\"eu-west\"");
    }
  }
}
