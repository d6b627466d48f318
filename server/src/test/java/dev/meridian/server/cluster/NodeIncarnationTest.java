package dev.meridian.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeIncarnationTest {

  private static final UUID STORE = UUID.fromString("0b0b0b0b-1111-2222-3333-444444444444");

  @TempDir Path dir;

  @Test
  void everyRunIsANewEpochOnTheSameStore() throws Exception {
    NodeIncarnation first = NodeIncarnation.startRun(dir, () -> STORE);
    assertThat(first.storeId()).isEqualTo(STORE.toString());
    assertThat(first.epoch()).isEqualTo(1);
    NodeIncarnation second = NodeIncarnation.startRun(dir, () -> {
      throw new AssertionError("a directory keeps its store id");
    });
    assertThat(second.storeId()).isEqualTo(STORE.toString());
    assertThat(second.epoch()).isEqualTo(2);
    assertThat(Files.readString(dir.resolve(NodeIncarnation.FILE_NAME), StandardCharsets.UTF_8))
        .isEqualTo("format=1\nstore-id=" + STORE + "\nepoch=2\n");
  }

  @Test
  void aRaisedEpochIsOnDiskForTheNextRunAndNeverGoesDown() throws Exception {
    NodeIncarnation run = NodeIncarnation.startRun(dir, () -> STORE);
    run.raiseEpoch(7);
    assertThatThrownBy(() -> run.raiseEpoch(7)).hasMessageContaining("the epoch only grows: 7 -> 7");
    assertThat(NodeIncarnation.startRun(dir, () -> STORE).epoch()).isEqualTo(8);
  }

  @Test
  void aDamagedFileIsRefusedRatherThanReplaced() throws Exception {
    Files.writeString(dir.resolve(NodeIncarnation.FILE_NAME), "format=1\nstore-id=not-a-uuid\nepoch=3\n");
    assertThatThrownBy(() -> NodeIncarnation.startRun(dir, () -> STORE)).hasMessageContaining("cannot read");
    Files.writeString(dir.resolve(NodeIncarnation.FILE_NAME), "format=1\nstore-id=" + STORE + "\n");
    assertThatThrownBy(() -> NodeIncarnation.startRun(dir, () -> STORE)).hasMessageContaining("an epoch of at least 1");
  }
}
