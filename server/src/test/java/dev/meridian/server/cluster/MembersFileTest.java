package dev.meridian.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meridian.runtime.NodeId;
import dev.meridian.txn.cluster.Member;
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
  void aDamagedFileIsRefused() throws Exception {
    Files.writeString(dir.resolve(MembersFile.FILE_NAME), "format=1\nmember=1 store r - a b c 0 0\n");
    assertThatThrownBy(() -> MembersFile.read(dir)).hasMessageContaining("cannot read").hasMessageContaining("epoch");
    Files.writeString(dir.resolve(MembersFile.FILE_NAME), "format=1\nmember=1 store\n");
    assertThatThrownBy(() -> MembersFile.read(dir)).hasMessageContaining("unexpected line");
  }
}
