package dev.meridian.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meridian.runtime.NodeId;
import dev.meridian.server.cluster.proto.FormationGrpc;
import dev.meridian.txn.cluster.ClusterCore;
import dev.meridian.txn.cluster.Member;
import dev.meridian.txn.cluster.Messages;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code meridian init} against a real {@link ClusterNode} in this JVM: the first init creates the
 * cluster and is answered only once the node recorded the cluster id; a second one changes nothing
 * and exits {@link InitCommand#ALREADY_INITIALIZED}; an init whose cluster id cannot be recorded
 * fails and stops the node; no node there, or bad usage, have their own exit codes.
 */
@Timeout(60)
class InitCommandTest {

  private static final UUID CLUSTER = UUID.fromString("c1c1c1c1-0000-0000-0000-000000000001");

  @TempDir Path dir;

  private record Run(int exit, String out, String err) {}

  private static Run init(String... args) throws InterruptedException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = InitCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void initCreatesTheClusterOnceAndRecordsItsIdBeforeAnswering() throws Exception {
    AtomicReference<String> recorded = new AtomicReference<>();
    // A join target nobody listens on: the node waits for init and only init can give it a cluster.
    int nobody;
    try (ServerSocket socket = new ServerSocket(0)) {
      nobody = socket.getLocalPort();
    }
    ClusterNode.Options options = new ClusterNode.Options(new InetSocketAddress("127.0.0.1", 0), "127.0.0.1",
        List.of("127.0.0.1:" + nobody), ClusterCore.Config.defaults(), dir);
    try (ClusterNode node = ClusterNode.start(options, new NodeId(4), "eu-west", "", Optional.empty(),
        NodeIncarnation.startRun(dir, UUID::randomUUID), recorded::set, () -> CLUSTER)) {
      assertThat(node.phase()).isEqualTo(ClusterCore.Phase.WAITING_FOR_INIT);
      assertThat(node.nodesJson()).contains("\"clusterId\":\"\"", "\"phase\":\"waiting for init\"");

      Run first = init("--host", node.clusterAddress());
      assertThat(first.exit()).as(first.err()).isEqualTo(InitCommand.INITIALIZED);
      assertThat(recorded.get()).as("recorded before the answer").isEqualTo(CLUSTER.toString());
      assertThat(first.out()).contains("cluster " + CLUSTER + " initialized at " + node.clusterAddress(),
          "founding nodes: n4 (eu-west, " + node.clusterAddress() + ")");
      assertThat(node.awaitClusterId(Duration.ofSeconds(1))).isEqualTo(CLUSTER.toString());
      assertThat(node.phase()).isEqualTo(ClusterCore.Phase.MEMBER);

      recorded.set(null);
      Run second = init("--host", node.clusterAddress());
      assertThat(second.exit()).isEqualTo(InitCommand.ALREADY_INITIALIZED);
      assertThat(second.err()).contains("already initialized: cluster " + CLUSTER);
      assertThat(recorded.get()).as("nothing recorded again").isNull();
    }
  }

  @Test
  void anInitWhoseClusterIdCannotBeRecordedStopsTheNodeInsteadOfActingOnIt() throws Exception {
    int nobody;
    try (ServerSocket socket = new ServerSocket(0)) {
      nobody = socket.getLocalPort();
    }
    ClusterNode.Options options = new ClusterNode.Options(new InetSocketAddress("127.0.0.1", 0), "127.0.0.1",
        List.of("127.0.0.1:" + nobody), ClusterCore.Config.defaults(), dir);
    ClusterNode.ClusterIdSink broken = clusterId -> {
      throw new AssertionError("the identity could not be written");
    };
    try (ClusterNode node = ClusterNode.start(options, new NodeId(4), "eu-west", "", Optional.empty(),
        NodeIncarnation.startRun(dir, UUID::randomUUID), broken, () -> CLUSTER)) {
      Run init = init("--host", node.clusterAddress(), "--timeout-ms", "20000");
      assertThat(init.exit()).isEqualTo(InitCommand.FAILED);
      assertThat(init.err()).as("answered with the failure, not left to its deadline").contains("INTERNAL",
          "the identity could not be written");
      assertThat(node.refusal()).contains("broke", "the identity could not be written");

      // The core took the cluster id the disk never got: nobody may join it.
      ManagedChannel channel = NettyChannelBuilder.forTarget(node.clusterAddress()).usePlaintext().build();
      try {
        Messages.JoinRequest join = new Messages.JoinRequest("", new Member(new NodeId(5), UUID.randomUUID().toString(),
            "eu-west", "", new Member.Addresses("127.0.0.1:1", "", ""), 1, 0));
        assertThatThrownBy(() -> FormationGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS)
            .join(FormationWire.toProto(join)))
            .isInstanceOfSatisfying(StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
      } finally {
        channel.shutdownNow();
      }
    }
  }

  @Test
  void noNodeThereAndBadUsageHaveTheirOwnExitCodes() throws Exception {
    int nobody;
    try (ServerSocket socket = new ServerSocket(0)) {
      nobody = socket.getLocalPort();
    }
    Run unreachable = init("--host", "127.0.0.1:" + nobody, "--timeout-ms", "3000");
    assertThat(unreachable.exit()).isEqualTo(InitCommand.FAILED);
    assertThat(unreachable.err()).contains("no answer from 127.0.0.1:" + nobody);
    assertThat(init().exit()).isEqualTo(64);
    assertThat(init("--hots", "x").err()).contains("unknown option --hots");
  }
}
