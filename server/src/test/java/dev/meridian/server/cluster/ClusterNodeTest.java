package dev.meridian.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meridian.runtime.NodeId;
import dev.meridian.server.cluster.proto.FormationGrpc;
import dev.meridian.server.cluster.proto.HeartbeatReply;
import dev.meridian.txn.cluster.ClusterCore;
import dev.meridian.txn.cluster.Member;
import dev.meridian.txn.cluster.Messages;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A {@link ClusterNode} in this JVM, reached through its Formation endpoint as a peer would. */
@Timeout(60)
class ClusterNodeTest {

  private static final String CLUSTER = "c1c1c1c1-0000-0000-0000-000000000001";
  private static final String OTHER_CLUSTER = "c2c2c2c2-0000-0000-0000-000000000002";

  @TempDir Path dir;

  private static Member member(int id, String storeId) {
    return new Member(new NodeId(id), storeId, "r" + id, "", new Member.Addresses("127.0.0.1:1", "", ""), 1, 0);
  }

  @Test
  void channelsToAddressesNoMemberOrJoinTargetHasAnyMoreAreClosed() {
    Member moved = new Member(new NodeId(2), UUID.randomUUID().toString(), "r2", "",
        new Member.Addresses("127.0.0.1:7202", "", ""), 2, 0);
    assertThat(ClusterNode.staleChannels(Set.of("127.0.0.1:7201", "127.0.0.1:7202", "127.0.0.1:7301", "10.0.0.9:7171"),
        List.of(moved), List.of("127.0.0.1:7301")))
        .as("n2 moved from 7201 to 7202; 7301 is a join target; 10.0.0.9 is nobody's now")
        .containsExactly("10.0.0.9:7171", "127.0.0.1:7201");
  }

  @Test
  void aDamagedRegistryIsReLearnedThroughJoinTargetsAndRefusedWithoutThemSayingWhatToDo() throws Exception {
    Member kept = member(2, UUID.randomUUID().toString());
    MembersFile.write(dir, List.of(kept));
    Path file = dir.resolve(MembersFile.FILE_NAME);
    byte[] whole = Files.readAllBytes(file);
    Files.write(file, Arrays.copyOf(whole, whole.length - 3));
    ClusterNode.Options alone = new ClusterNode.Options(null, "127.0.0.1", List.of(), ClusterCore.Config.defaults(), dir);
    assertThatThrownBy(() -> ClusterNode.keptRegistry(alone)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(file + " is damaged")
        .hasMessageContaining("start it with --join HOST:PORT")
        .hasMessageContaining("delete the file");
    assertThat(file).as("refusing leaves the file as it was").hasBinaryContent(Arrays.copyOf(whole, whole.length - 3));

    ClusterNode.Options joining = new ClusterNode.Options(null, "127.0.0.1", List.of("127.0.0.1:1"),
        ClusterCore.Config.defaults(), dir);
    assertThat(ClusterNode.keptRegistry(joining)).isEmpty();
    assertThat(file).doesNotExist();
    assertThat(dir.resolve(MembersFile.DAMAGED_NAME)).hasBinaryContent(Arrays.copyOf(whole, whole.length - 3));
    MembersFile.write(dir, List.of(kept));
    assertThat(ClusterNode.keptRegistry(alone)).containsExactly(kept);
  }

  @Test
  void aRefusalAfterTheRejoinWaitReachesWhoeverWatchesForItAsARefusal() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Path mine = dir.resolve("mine");
    Path theirs = dir.resolve("theirs");
    ClusterNode.Options rejoining = new ClusterNode.Options(new InetSocketAddress("127.0.0.1", 0), "127.0.0.1",
        List.of("127.0.0.1:" + port), ClusterCore.Config.defaults(), mine);
    try (ClusterNode node = ClusterNode.start(rejoining, new NodeId(1), "r1", "", Optional.of(CLUSTER),
        NodeIncarnation.startRun(mine, UUID::randomUUID), id -> { }, UUID::randomUUID)) {
      assertThat(node.awaitRegistered(Duration.ofMillis(300))).as("nobody at the join target yet").isFalse();
      CompletableFuture<String> refused = new CompletableFuture<>();
      node.whenRefused(refused::complete);
      // Now the join target comes up, and it is a node of another cluster.
      ClusterNode.Options other = new ClusterNode.Options(new InetSocketAddress("127.0.0.1", port), "127.0.0.1",
          List.of(), ClusterCore.Config.defaults(), theirs);
      try (ClusterNode target = ClusterNode.start(other, new NodeId(2), "r2", "", Optional.of(OTHER_CLUSTER),
          NodeIncarnation.startRun(theirs, UUID::randomUUID), id -> { }, UUID::randomUUID)) {
        assertThat(refused.get(30, TimeUnit.SECONDS)).contains("belongs to cluster " + CLUSTER,
            "belongs to cluster " + OTHER_CLUSTER);
      }
      assertThat(node.refusal()).isEqualTo(refused.get());
      assertThatThrownBy(() -> node.awaitRegistered(Duration.ofMillis(1)))
          .isInstanceOfSatisfying(ClusterNode.RefusedException.class,
              e -> assertThat(e.exitCode()).isEqualTo(ClusterNode.RefusedException.EXIT_CODE));
      CompletableFuture<String> late = new CompletableFuture<>();
      node.whenRefused(late::complete);
      assertThat(late).as("a watcher that comes after the refusal hears of it too").isCompletedWithValue(refused.get());
    }
  }

  @Test
  void twoPeersRegisteringOneIdForTwoDirectoriesShowInTheMetrics() throws Exception {
    ClusterNode.Options options = new ClusterNode.Options(new InetSocketAddress("127.0.0.1", 0), "127.0.0.1",
        List.of(), ClusterCore.Config.defaults(), dir);
    try (ClusterNode node = ClusterNode.start(options, new NodeId(1), "r1", "", Optional.of(CLUSTER),
        NodeIncarnation.startRun(dir, UUID::randomUUID), id -> { }, UUID::randomUUID)) {
      ManagedChannel channel = NettyChannelBuilder.forTarget(node.clusterAddress()).usePlaintext().build();
      try {
        FormationGrpc.FormationBlockingStub stub = FormationGrpc.newBlockingStub(channel);
        // n2 and n3 each accepted a different directory as n6 (the race the registry detects).
        for (int peer : new int[] {2, 3}) {
          HeartbeatReply reply = stub.withDeadlineAfter(20, TimeUnit.SECONDS).heartbeat(FormationWire.toProto(
              new Messages.Heartbeat(CLUSTER, member(peer, UUID.randomUUID().toString()),
                  List.of(member(6, UUID.randomUUID().toString())), List.of(), List.of())));
          assertThat(reply.getKind()).isEqualTo(HeartbeatReply.Kind.ACK);
        }
      } finally {
        channel.shutdownNow();
      }
      StringBuilder metrics = new StringBuilder();
      node.appendMetrics(metrics);
      assertThat(metrics.toString()).contains("meridian_cluster_registry_conflicts_total 1\n");
    }
  }
}
