package dev.meridian.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meridian.runtime.NodeId;
import dev.meridian.txn.cluster.Member;
import dev.meridian.txn.types.ReplicaDescriptor;
import dev.meridian.txn.types.ReplicaRole;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BootstrapVotersTest {

  @TempDir Path dir;

  private static Member member(int id, String region) {
    return new Member(new NodeId(id), "store-" + id, region, "", new Member.Addresses("h:" + id, "", ""), 1, 0);
  }

  private static ReplicaDescriptor voter(int id, String region) {
    return new ReplicaDescriptor(new NodeId(id), region, ReplicaRole.VOTER);
  }

  @Test
  void theThreeLowestFoundersAreTheVoters() {
    List<Member> founders = List.of(member(7, "ap"), member(2, "us"), member(5, "eu"), member(3, "us"));
    assertThat(BootstrapVoters.choose(founders)).containsExactly(voter(2, "us"), voter(3, "us"), voter(5, "eu"));
    assertThat(BootstrapVoters.choose(List.of(member(4, "eu")))).containsExactly(voter(4, "eu"));
  }

  @Test
  void writtenVotersReadBackAndAMissingFileIsEmpty() throws IOException {
    assertThat(BootstrapVoters.read(dir)).isEmpty();
    List<ReplicaDescriptor> voters = List.of(voter(1, "us-east"), voter(2, "eu-west"), voter(3, "ap-south"));
    BootstrapVoters.write(dir, voters);
    assertThat(BootstrapVoters.read(dir)).contains(voters);
    assertThat(Files.readString(dir.resolve(BootstrapVoters.FILE_NAME)))
        .startsWith("meridian-bootstrap-voters 1\nvoter node=1 region=us-east\n");
  }

  @Test
  void aDamagedFileIsRefusedNamingTheFileAndTheCure() throws IOException {
    BootstrapVoters.write(dir, List.of(voter(1, "us"), voter(2, "eu")));
    Path file = dir.resolve(BootstrapVoters.FILE_NAME);
    Files.writeString(file, Files.readString(file).replace("region=eu", "region=ap"));
    assertThatThrownBy(() -> BootstrapVoters.read(dir))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(file + " is damaged", "checksum", "copy it from another node");
    Files.writeString(file, "voter node=1 region=us\n");
    assertThatThrownBy(() -> BootstrapVoters.read(dir)).hasMessageContaining("not a bootstrap voters file");
  }

  @Test
  void encodeSortsAndRefusesWhatTheFileCannotHold() {
    String good = BootstrapVoters.encode(List.of(voter(2, "eu"), voter(1, "us")));
    assertThat(BootstrapVoters.decode(good)).containsExactly(voter(1, "us"), voter(2, "eu"));
    assertThatThrownBy(() -> BootstrapVoters.encode(List.of())).hasMessageContaining("at least one voter");
    assertThatThrownBy(() -> BootstrapVoters.encode(List.of(voter(1, "us east")))).hasMessageContaining("us east");
  }
}
