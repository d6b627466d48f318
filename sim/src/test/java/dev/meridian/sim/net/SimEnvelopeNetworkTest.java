package dev.meridian.sim.net;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.runtime.NodeId;
import dev.meridian.runtime.RandomSource;
import dev.meridian.runtime.manual.ManualClock;
import dev.meridian.runtime.manual.ManualScheduler;
import dev.meridian.runtime.rpc.Codec;
import dev.meridian.runtime.rpc.Reply;
import dev.meridian.runtime.rpc.RequestType;
import dev.meridian.runtime.rpc.RetryPolicy;
import dev.meridian.runtime.rpc.Rpc;
import dev.meridian.runtime.rpc.RpcError;
import dev.meridian.runtime.rpc.RpcLimits;
import dev.meridian.sim.Trace;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The runtime's RPC endpoints over the simulated network: round trips that survive loss by retry,
 * a timeout across a partition, and the same seed giving the same trace.
 */
class SimEnvelopeNetworkTest {

  private static final long MS = 1_000_000L;
  private static final Codec<String> TEXT = Codec.UTF8;
  private static final RequestType<String, String> READ = RequestType.idempotent(20, "read", TEXT, TEXT,
      new RetryPolicy(20, 30 * MS, 5 * MS, 40 * MS));
  private static final RequestType<String, String> WRITE = RequestType.once(21, "write", TEXT, TEXT);
  private static final NodeId N1 = new NodeId(1);
  private static final NodeId N2 = new NodeId(2);

  private record Run(List<Reply<String>> replies, long traceHash, String networkStats, Map<String, Integer> handled) {}

  private static Run run(long seed, double loss, boolean partitioned, RequestType<String, String> type, int calls) {
    ManualScheduler scheduler = new ManualScheduler(new ManualClock(0));
    Trace trace = new Trace(0);
    RandomSource random = RandomSource.seeded(seed);
    SimEnvelopeNetwork net = new SimEnvelopeNetwork(2, scheduler, random.fork(), trace);
    net.network().setFaults(loss, 0.1, 0.2, 5_000, 0.01);
    if (partitioned) {
      net.network().setBlocked(1, 2, true);
    }
    Rpc client = new Rpc(N1, net.sink(N1), scheduler, random.fork(), RpcLimits.defaults());
    Rpc server = new Rpc(N2, net.sink(N2), scheduler, random.fork(), RpcLimits.defaults());
    net.attach(client);
    net.attach(server);
    Map<String, Integer> handled = new HashMap<>();
    server.register(type, (request, responder) -> {
      handled.merge(request, 1, Integer::sum);
      responder.ok("value of " + request);
    });
    List<Reply<String>> replies = new ArrayList<>();
    for (int i = 0; i < calls; i++) {
      client.call(N2, type, "k" + i, 2_000 * MS, replies::add);
    }
    scheduler.runUntilIdle();
    return new Run(replies, trace.hash(), net.network().stats(), handled);
  }

  @Test
  void idempotentRequestsGetThroughALossyNetworkByRetrying() {
    Run run = run(7, 0.3, false, READ, 100);
    assertThat(run.replies()).hasSize(100);
    assertThat(run.replies()).as(run.networkStats()).allMatch(reply -> reply instanceof Reply.Ok<String>);
    assertThat(run.replies().stream().map(r -> ((Reply.Ok<String>) r).value()))
        .containsExactlyInAnyOrderElementsOf(java.util.stream.IntStream.range(0, 100)
            .mapToObj(i -> "value of k" + i).toList());
  }

  @Test
  void aRequestAcrossAPartitionTimesOutUnrun() {
    Run run = run(3, 0, true, WRITE, 1);
    assertThat(run.handled()).isEmpty();
    assertThat(run.replies()).hasSize(1);
    RpcError error = ((Reply.Failed<String>) run.replies().getFirst()).error();
    assertThat(error.kind()).isEqualTo(RpcError.Kind.TIMEOUT);
    assertThat(error.certainlyNotRun()).as("the caller cannot know the request was cut").isFalse();
  }

  @Test
  void aNonIdempotentRequestOverALossyNetworkEitherAnswersOrTimesOutButRunsAtMostOnce() {
    Run run = run(11, 0.4, false, WRITE, 200);
    long ok = run.replies().stream().filter(r -> r instanceof Reply.Ok<String>).count();
    long timeouts = run.replies().stream().filter(r -> r instanceof Reply.Failed<String> f
        && f.error().kind() == RpcError.Kind.TIMEOUT).count();
    assertThat(ok + timeouts).isEqualTo(200);
    assertThat(ok).as("some got through, some were lost").isBetween(1L, 199L);
    assertThat(run.handled().values()).as("duplicated deliveries ran once").allMatch(times -> times == 1);
    assertThat(run.handled().size()).as("every answered request ran").isGreaterThanOrEqualTo((int) ok);
  }

  @Test
  void oneSeedGivesOneTrace() {
    assertThat(run(5, 0.2, false, READ, 50).traceHash()).isEqualTo(run(5, 0.2, false, READ, 50).traceHash());
    assertThat(run(5, 0.2, false, READ, 50).traceHash()).isNotEqualTo(run(6, 0.2, false, READ, 50).traceHash());
  }
}
