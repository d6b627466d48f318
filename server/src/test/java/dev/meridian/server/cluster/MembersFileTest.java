package dev.meridian.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meridian.runtime.NodeId;
import dev.meridian.txn.cluster.Member;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MembersFileTest {

  @TempDir Path dir;

  @Test
  void theKeptRegistryReadsBackAsWrittenEmptyFieldsIncluded() throws Exception {
    assertThat(MembersFile.read(dir)).isEmpty();
    List<Member> members = List.of(
        new Member(new NodeId(1), "0b0b0b0b-1111-2222-3333-444444444444", "eu-west", "eu-west-1a",
            new Member.Addresses("127.0.0.1:7171", "127.0.0.1:7070", "127.0.0.1:7072"), 4, 2),
        new Member(new NodeId(1023), "0c0c0c0c-1111-2222-3333-444444444444", "us-east", "",
            new Member.Addresses("[::1]:7171", "", ""), 1, 0));
    MembersFile.write(dir, members);
    assertThat(MembersFile.read(dir)).isEqualTo(members);
  }

  @Test
  void theFileIsChecksummedKeyValueLinesWithEmptyValuesEmpty() throws Exception {
    MembersFile.write(dir, List.of(new Member(new NodeId(3), "0c0c0c0c-1111-2222-3333-444444444444", "us-east", "",
        new Member.Addresses("127.0.0.1:7171", "", ""), 2, 1)));
    assertThat(Files.readString(dir.resolve(MembersFile.FILE_NAME))).matches("format=2\n"
        + "member node=3 store=0c0c0c0c-1111-2222-3333-444444444444 region=us-east zone= cluster=127.0.0.1:7171 sql="
        + " admin= epoch=2 generation=1\n"
        + "crc32c=[0-9a-f]{8}\n");
    assertThat(dir.resolve(MembersFile.FILE_NAME + ".tmp")).doesNotExist();
  }

  @Test
  void aFileCutShortOrChangedAnywhereIsDamagedNamingTheFile() throws Exception {
    Path file = dir.resolve(MembersFile.FILE_NAME);
    MembersFile.write(dir, List.of(ONE, TWO));
    byte[] whole = Files.readAllBytes(file);
    for (int length : new int[] {0, 5, 9, whole.length / 2, whole.length - 12, whole.length - 1}) {
      Files.write(file, java.util.Arrays.copyOf(whole, length));
      assertThatThrownBy(() -> MembersFile.read(dir)).as("cut to %d bytes", length)
          .isInstanceOf(MembersFile.DamagedException.class).hasMessageContaining(file + " is damaged");
    }
    // One member line lost whole (a torn write of an editor, say): the checksum no longer matches.
    String text = new String(whole, StandardCharsets.UTF_8);
    Files.writeString(file, text.replaceFirst("member node=1 [^\n]*\n", ""));
    assertThatThrownBy(() -> MembersFile.read(dir)).isInstanceOf(MembersFile.DamagedException.class)
        .hasMessageContaining("checksum");
    Files.writeString(file, text.replace("epoch=4", "epoch=5"));
    assertThatThrownBy(() -> MembersFile.read(dir)).isInstanceOf(MembersFile.DamagedException.class)
        .hasMessageContaining("checksum");
    Files.write(file, whole);
    assertThat(MembersFile.read(dir)).containsExactly(ONE, TWO);
  }

  @Test
  void formatOneFromAnOlderVersionIsStillRead() throws Exception {
    Files.writeString(dir.resolve(MembersFile.FILE_NAME), "format=1\n"
        + "member=1 0b0b0b0b-1111-2222-3333-444444444444 eu-west eu-west-1a 127.0.0.1:7171 127.0.0.1:7070"
        + " 127.0.0.1:7072 4 2\n"
        + "member=1023 0c0c0c0c-1111-2222-3333-444444444444 us-east - [::1]:7171 - - 1 0\n");
    assertThat(MembersFile.read(dir)).containsExactly(ONE, TWO);
    Files.writeString(dir.resolve(MembersFile.FILE_NAME), "format=1\nmember=1 store r - a b c 0 0\n");
    assertThatThrownBy(() -> MembersFile.read(dir)).isInstanceOf(MembersFile.DamagedException.class)
        .hasMessageContaining("epoch");
    Files.writeString(dir.resolve(MembersFile.FILE_NAME), "format=1\nmember=1 store\n");
    assertThatThrownBy(() -> MembersFile.read(dir)).hasMessageContaining("unexpected line");
  }

  private static final Member ONE = new Member(new NodeId(1), "0b0b0b0b-1111-2222-3333-444444444444", "eu-west",
      "eu-west-1a", new Member.Addresses("127.0.0.1:7171", "127.0.0.1:7070", "127.0.0.1:7072"), 4, 2);
  private static final Member TWO = new Member(new NodeId(1023), "0c0c0c0c-1111-2222-3333-444444444444", "us-east", "",
      new Member.Addresses("[::1]:7171", "", ""), 1, 0);
}
