package dev.meridian.runtime.rpc;

import static dev.meridian.runtime.rpc.TestNetwork.MS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.runtime.Cancellable;
import dev.meridian.runtime.NodeId;
import dev.meridian.runtime.RandomSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Many calls between three endpoints over a network that loses, duplicates and reorders, with
 * handlers that answer late or fail and callers that cancel, the fault rates drawn per seed. After
 * the run, each call's fate must agree with what its handler did: a response means it ran; "certainly
 * not run" means it never ran (and, the queue being drained, never will); no call ends twice; no
 * non-idempotent request runs twice however often the network delivers it.
 */
class RpcSwarmTest {

  private static final int SEEDS = 200;
  private static final int CALLS = 150;

  private static final class Outcome {
    final String request;
    final boolean idempotent;
    final List<Reply<String>> replies = new ArrayList<>();
    boolean cancelled;

    Outcome(String request, boolean idempotent) {
      this.request = request;
      this.idempotent = idempotent;
    }
  }

  @Test
  void everyCallEndsOnceAndItsOutcomeAgreesWithItsHandler() {
    for (long seed = 1; seed <= SEEDS; seed++) {
      runSeed(seed);
    }
  }

  private void runSeed(long seed) {
    RandomSource random = RandomSource.seeded(seed);
    double loss = random.nextDouble() * 0.3;
    double duplicate = random.nextDouble() * 0.3;
    double fail = random.nextDouble() * 0.2;
    long maxDelayNanos = (1 + random.nextInt(40)) * MS;
    TestNetwork net = new TestNetwork();
    RandomSource wire = random.fork();
    net.fate = envelope -> {
      if (wire.chance(loss)) {
        return new long[0];
      }
      long first = 1 + wire.nextLong(maxDelayNanos);
      return wire.chance(duplicate) ? new long[] {first, 1 + wire.nextLong(maxDelayNanos)} : new long[] {first};
    };
    Map<String, Integer> runs = new HashMap<>();
    List<Rpc> nodes = new ArrayList<>();
    for (int id = 1; id <= 3; id++) {
      Rpc node = net.node(id, new RpcLimits(100, 20, 10_000, 1_000 * MS), seed * 31 + id);
      RandomSource handlerRandom = random.fork();
      RequestHandler<String, String> handler = (request, responder) -> {
        runs.merge(request, 1, Integer::sum);
        long delay = handlerRandom.nextLong(maxDelayNanos);
        boolean fails = handlerRandom.chance(fail);
        net.scheduler.schedule(delay, () -> {
          if (fails) {
            responder.fail("planned failure");
          } else {
            responder.ok(request.toUpperCase());
          }
        });
      };
      node.register(RpcTest.ECHO, handler);
      node.register(RpcTest.READ, handler);
      nodes.add(node);
    }
    List<Outcome> outcomes = new ArrayList<>();
    RandomSource callers = random.fork();
    for (int i = 0; i < CALLS; i++) {
      long at = callers.nextLong(500 * MS);
      int from = callers.nextInt(3);
      int to = (from + 1 + callers.nextInt(2)) % 3;
      boolean idempotent = callers.chance(0.5);
      boolean cancel = callers.chance(0.1);
      long timeout = (5 + callers.nextInt(300)) * MS;
      Outcome outcome = new Outcome("call-" + i, idempotent);
      outcomes.add(outcome);
      net.scheduler.schedule(at, () -> {
        Cancellable handle = nodes.get(from).call(new NodeId(to + 1),
            idempotent ? RpcTest.READ : RpcTest.ECHO, outcome.request, timeout, outcome.replies::add);
        if (cancel) {
          net.scheduler.schedule(timeout / 2, () -> outcome.cancelled = handle.cancel());
        }
      });
    }
    net.scheduler.runUntilIdle();

    for (Outcome outcome : outcomes) {
      String where = "seed " + seed + " " + outcome.request;
      int ran = runs.getOrDefault(outcome.request, 0);
      if (!outcome.idempotent) {
        assertThat(ran).as(where + " runs at most once").isLessThanOrEqualTo(1);
      }
      if (outcome.cancelled) {
        assertThat(outcome.replies).as(where + " was cancelled").isEmpty();
        continue;
      }
      assertThat(outcome.replies).as(where + " ends exactly once").hasSize(1);
      Reply<String> reply = outcome.replies.getFirst();
      if (reply instanceof Reply.Ok<String> ok) {
        assertThat(ok.value()).as(where).isEqualTo(outcome.request.toUpperCase());
        assertThat(ran).as(where + " answered, so it ran").isPositive();
      } else if (((Reply.Failed<String>) reply).error().certainlyNotRun()) {
        assertThat(ran).as(where + " failed with " + reply + ", so it never ran").isZero();
      }
    }
    for (Rpc node : nodes) {
      RpcStats stats = node.stats();
      assertThat(stats.pendingCalls()).as("seed " + seed + " " + node.self()).isZero();
      assertThat(stats.handling()).as("seed " + seed + " " + node.self()).isZero();
      assertThat(stats.callsSucceeded() + stats.callsFailed() - stats.rejectedPendingLimit()
          + stats.callsCancelled()).as("seed " + seed + " every started call ended").isEqualTo(stats.callsStarted());
    }
  }
}
