package dev.meridian.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeIdentityTest {

  private static final UUID CLUSTER = UUID.fromString("5b0c7a52-3f0e-4d55-9a57-2a9f0e1c0001");
  private static final UUID OTHER_CLUSTER = UUID.fromString("5b0c7a52-3f0e-4d55-9a57-2a9f0e1c0002");

  @TempDir Path dir;

  @Test
  void aNewDirectoryBecomesNodeOneOfANewClusterInTheDefaultRegion() throws IOException {
    NodeIdentity identity = NodeIdentity.establish(dir, NodeIdentity.Requested.NOTHING, () -> CLUSTER);

    assertThat(identity).isEqualTo(new NodeIdentity(CLUSTER, 1, "default", ""));
    assertThat(Files.readString(dir.resolve(NodeIdentity.FILE_NAME)))
        .isEqualTo("format=1\ncluster-id=" + CLUSTER + "\nnode-id=1\nregion=default\nzone=\n");
    assertThat(dir.resolve(NodeIdentity.FILE_NAME + ".tmp")).doesNotExist();
  }

  @Test
  void aRestartKeepsTheStoredIdentityWithOrWithoutTheSameFlags() throws IOException {
    NodeIdentity.Requested flags = new NodeIdentity.Requested(7, "eu-west", "eu-west-1b");
    NodeIdentity first = NodeIdentity.establish(dir, flags, () -> CLUSTER);

    assertThat(NodeIdentity.establish(dir, flags, () -> OTHER_CLUSTER)).isEqualTo(first);
    assertThat(NodeIdentity.establish(dir, NodeIdentity.Requested.NOTHING, () -> OTHER_CLUSTER))
        .isEqualTo(new NodeIdentity(CLUSTER, 7, "eu-west", "eu-west-1b"));
  }

  @Test
  void flagsThatContradictTheDirectoryAreRefusedNamingBothValues() throws IOException {
    NodeIdentity.establish(dir, new NodeIdentity.Requested(2, "us-east", null), () -> CLUSTER);

    assertThatThrownBy(() -> NodeIdentity.establish(
            dir, new NodeIdentity.Requested(3, "eu-west", "z1"), () -> OTHER_CLUSTER))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("belongs to node 2 of cluster " + CLUSTER)
        .hasMessageContaining("--node-id 3 but it is node 2")
        .hasMessageContaining("--region eu-west but its region is us-east")
        .hasMessageContaining("--zone z1 but its zone is (none)");
    assertThat(Files.readString(dir.resolve(NodeIdentity.FILE_NAME))).contains("node-id=2");
  }

  @Test
  void aZoneNamedDashIsRefusedSinceDashIsHowNoZoneIsShown() throws IOException {
    assertThatThrownBy(() -> new NodeIdentity.Requested(1, "eu-west", "-"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--zone - is refused")
        .hasMessageContaining("how no zone is shown");
    assertThat(NodeIdentity.isZone("-")).isFalse();
    assertThat(NodeIdentity.isZone("")).isTrue();
    assertThat(NodeIdentity.isZone("-a")).isTrue();
    // A directory an older version wrote with zone "-": refused, saying what to edit.
    Files.writeString(dir.resolve(NodeIdentity.FILE_NAME),
        "format=1\ncluster-id=" + CLUSTER + "\nnode-id=1\nregion=default\nzone=-\n");
    assertThatThrownBy(() -> NodeIdentity.establish(dir, NodeIdentity.Requested.NOTHING, () -> CLUSTER))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("zone=-")
        .hasMessageContaining("Edit the line to zone=");
  }

  @Test
  void aDatabaseFromBeforeIdentitiesIsAdoptedAsNodeOneOnly() throws IOException {
    Files.createDirectories(dir.resolve("rocksdb"));

    assertThatThrownBy(() -> NodeIdentity.establish(
            dir, new NodeIdentity.Requested(4, null, null), () -> CLUSTER))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("written by node 1")
        .hasMessageContaining("--node-id 4");
    assertThat(dir.resolve(NodeIdentity.FILE_NAME)).doesNotExist();

    assertThat(NodeIdentity.establish(dir, NodeIdentity.Requested.NOTHING, () -> CLUSTER).nodeId()).isEqualTo(1);
  }

  @Test
  void anIdentityOfAnUnknownFormatOrDamagedIsRefused() throws IOException {
    Path file = dir.resolve(NodeIdentity.FILE_NAME);
    Files.writeString(file, "format=2\ncluster-id=" + CLUSTER + "\nnode-id=1\nregion=a\nzone=\n", StandardCharsets.UTF_8);
    assertThatThrownBy(() -> NodeIdentity.establish(dir, NodeIdentity.Requested.NOTHING, () -> CLUSTER))
        .hasMessageContaining("format 2");

    Files.writeString(file, "format=1\ncluster-id=" + CLUSTER + "\nregion=a\nzone=\n", StandardCharsets.UTF_8);
    assertThatThrownBy(() -> NodeIdentity.establish(dir, NodeIdentity.Requested.NOTHING, () -> CLUSTER))
        .hasMessageContaining("no node-id");

    Files.writeString(file, "format=1\ncluster-id=nope\nnode-id=1\nregion=a\nzone=\n", StandardCharsets.UTF_8);
    assertThatThrownBy(() -> NodeIdentity.establish(dir, NodeIdentity.Requested.NOTHING, () -> CLUSTER))
        .hasMessageContaining("cannot read the node identity");
  }

  @Test
  void nodeIdsAndLocationsOutsideTheirAlphabetAreRefused() {
    assertThatThrownBy(() -> new NodeIdentity.Requested(1024, null, null))
        .hasMessageContaining("--node-id must be 1 to 1023");
    assertThatThrownBy(() -> new NodeIdentity.Requested(0, null, null))
        .hasMessageContaining("--node-id must be 1 to 1023");
    assertThatThrownBy(() -> new NodeIdentity.Requested(null, "eu west", null))
        .hasMessageContaining("--region must be");
    assertThatThrownBy(() -> new NodeIdentity.Requested(null, "", null))
        .hasMessageContaining("--region must be");
    assertThat(new NodeIdentity.Requested(null, "eu-west.2_a", "").zone()).isEmpty();
  }
}
