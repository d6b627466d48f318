package dev.meridian.server.cluster;

import dev.meridian.server.CommandLine;
import dev.meridian.server.cluster.proto.FormationGrpc;
import dev.meridian.server.cluster.proto.InitReply;
import dev.meridian.server.cluster.proto.InitRequest;
import dev.meridian.server.cluster.proto.MemberMsg;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * {@code meridian init --host host:port}: bootstraps a cluster once, through the cluster endpoint
 * ({@code --port}) of one node. That node creates the cluster id and records the founding members
 * (itself and the nodes that were waiting on it); the others join through their {@code --join}.
 *
 * <p>Exit codes: {@value #INITIALIZED} initialized now; {@value #ALREADY_INITIALIZED} the node
 * already belongs to a cluster (nothing changed; the cluster id is printed), so scripts can run init
 * unconditionally and tell the cases apart; {@value #FAILED} the node could not be reached or failed;
 * 64 bad usage.
 */
public final class InitCommand {

  public static final int INITIALIZED = 0;
  public static final int FAILED = 1;
  public static final int ALREADY_INITIALIZED = 3;

  private static final String USAGE = "usage: meridian init --host HOST:PORT [--timeout-ms 10000]"
      + "  (HOST:PORT is a node's cluster endpoint, its --port)";

  private InitCommand() {}

  public static int run(String[] args, PrintStream out, PrintStream err) throws InterruptedException {
    String host = null;
    long timeoutMillis = 10_000;
    try {
      for (Map.Entry<String, String> option : CommandLine.options(args).entrySet()) {
        switch (option.getKey()) {
          case "--host" -> host = option.getValue();
          case "--timeout-ms" -> timeoutMillis = CommandLine.positive(option.getKey(), option.getValue());
          default -> throw new IllegalArgumentException("unknown option " + option.getKey());
        }
      }
      if (host == null) {
        throw new IllegalArgumentException("--host is required");
      }
    } catch (IllegalArgumentException e) {
      err.println("meridian init: " + e.getMessage());
      err.println(USAGE);
      return 64;
    }
    ManagedChannel channel = NettyChannelBuilder.forTarget(host).usePlaintext().build();
    try {
      InitReply reply = FormationGrpc.newBlockingStub(channel)
          .withDeadlineAfter(timeoutMillis, TimeUnit.MILLISECONDS)
          .init(InitRequest.getDefaultInstance());
      if (reply.getAlreadyInitialized()) {
        err.println("meridian init: the node at " + host + " is already initialized: cluster " + reply.getClusterId()
            + " (nothing changed)");
        out.println("cluster " + reply.getClusterId() + " already initialized");
        return ALREADY_INITIALIZED;
      }
      out.println("cluster " + reply.getClusterId() + " initialized at " + host + "; founding nodes: "
          + reply.getFoundersList().stream().map(InitCommand::describe).collect(Collectors.joining(", ")));
      return INITIALIZED;
    } catch (StatusRuntimeException e) {
      err.println("meridian init: no answer from " + host + ": " + e.getStatus().getCode()
          + (e.getStatus().getDescription() == null ? "" : " (" + e.getStatus().getDescription() + ")")
          + ". Is a node started with --port there?");
      return FAILED;
    } finally {
      channel.shutdownNow();
      channel.awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private static String describe(MemberMsg member) {
    return "n" + member.getNodeId() + " (" + member.getRegion() + (member.getZone().isEmpty() ? "" : "/" + member.getZone())
        + ", " + member.getClusterAddress() + ")";
  }
}
