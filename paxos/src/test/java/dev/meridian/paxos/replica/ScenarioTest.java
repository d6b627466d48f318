package dev.meridian.paxos.replica;


import dev.meridian.paxos.messages.Envelope;
import dev.meridian.paxos.types.ConfChange;
import dev.meridian.paxos.types.Entry;
import dev.meridian.paxos.types.Membership;
import dev.meridian.runtime.NodeId;
import dev.meridian.runtime.RandomSource;
import dev.meridian.runtime.testing.DataDrivenScript;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Scenario tests in the style of etcd raft's datadriven interaction tests. Each file in {@code
 * src/test/resources/scenarios} is a script of commands, each followed by {@code ----} and the
 * output it must produce, then a blank line. Run with {@code -Dmeridian.rewrite=true} to rewrite the
 * expected outputs from the actual ones (then read the diff!).
 *
 * <p>After every command the interpreter processes every replica's Ready in the contract's order and
 * prints it: {@code persist} lines, then {@code send} lines, then {@code apply} lines (unless {@code
 * auto-ready off}). Commands:
 *
 * <pre>
 * cluster n1 n2 n3            bootstrap voters (true time starts at 10 s; epsilon 1 ms, clocks agree, lease 1 s)
 * add-node n4                 start a replica that joins later (learns membership from the leader)
 * campaign n1                 tick n1 until it has something to say (its election timeout fired)
 * tick n1 [k]                 k ticks of n1 (default 1); "tick * k" ticks every live node
 * propose n1 x [y ...]        commands at n1, all before the next Ready (so they are batched)
 * conf n1 add-learner|promote|remove-voter n4
 * transfer n1 n2              leadership transfer from n1 to n2
 * compact n1                  n1 compacts its log up to its applied slot
 * deliver [from->to]          deliver the queued messages matching (from/to may be *), once
 * stabilize                   deliver and process until no message is left
 * drop from->to               drop the queued messages matching
 * partition n1 | n2 n3        cut the nodes into sides; heal joins them
 * crash n2 / restart n2       crash loses everything not yet persisted by a processed Ready
 * auto-ready on|off / ready n1
 * advance-time 200ms          move true time (and every node's TrueTime)
 * clock-offset n2 -900us      n2's clock estimate is off by this much (within its 1 ms epsilon)
 * clock-fence n2 on|off       n2's TrueTime throws ClockUnavailableException (its clock is fenced)
 * status                      one line per node
 * </pre>
 */
class ScenarioTest {

  static final Options OPTIONS = new Options(10, 2, 1_000_000, 64, 256, 64);
  static final Path DIR = Path.of("src/test/resources/scenarios");

  @TestFactory
  Stream<DynamicTest> scenarios() throws IOException {
    return DataDrivenScript.testsIn(DIR, () -> new Interpreter()::execute);
  }

  /** Executes one command against an in-test cluster and renders what happened. */
  static final class Interpreter {
    private TestCluster cluster;
    private boolean autoReady = true;

    List<String> execute(String command) {
      String[] words = command.trim().split("\\s+");
      List<String> out = new ArrayList<>();
      switch (words[0]) {
        case "cluster" -> {
          cluster = new TestCluster(OPTIONS, RandomSource.seeded(7), 10_000_000);
          List<NodeId> voters = Arrays.stream(words).skip(1).map(Interpreter::node).toList();
          Membership membership = new Membership(voters, List.of());
          for (NodeId id : voters) {
            cluster.addNode(id.value(), membership, 0, 1_000);
          }
          cluster.quorumForChosenCheck = membership.quorum();
        }
        case "add-node" -> cluster.addNode(node(words[1]).value(), Membership.EMPTY, 0, 1_000);
        case "campaign" -> {
          PaxosReplica replica = cluster.replica(node(words[1]));
          int k = 0;
          while (k < 100 && !replica.hasReady()) {
            replica.tick();
            k++;
          }
          if (!replica.hasReady()) {
            out.add(words[1] + ": no campaign after " + k + " ticks");
          }
        }
        case "tick" -> {
          int times = words.length > 2 ? Integer.parseInt(words[2]) : 1;
          for (int k = 0; k < times; k++) {
            for (NodeId id : targets(words[1])) {
              cluster.replica(id).tick();
            }
          }
        }
        case "propose" -> {
          for (int k = 2; k < words.length; k++) {
            out.add(words[1] + ": " + cluster.replica(node(words[1]))
                .propose(words[k].getBytes(StandardCharsets.UTF_8)));
          }
        }
        case "conf" -> {
          NodeId target = node(words[3]);
          ConfChange change = switch (words[2]) {
            case "add-learner" -> ConfChange.addLearner(target);
            case "promote" -> ConfChange.promote(target);
            case "remove-voter" -> ConfChange.removeVoter(target);
            default -> throw new IllegalArgumentException("unknown conf change " + words[2]);
          };
          out.add(words[1] + ": " + cluster.replica(node(words[1])).proposeConfChange(change));
        }
        case "transfer" -> out.add(words[1] + ": "
            + cluster.replica(node(words[1])).transferLeadership(node(words[2])));
        case "compact" -> cluster.compact(node(words[1]));
        case "deliver" -> deliver(words.length > 1 ? words[1] : "*->*", out);
        case "stabilize" -> {
          for (int round = 0; round < 50 && !cluster.bus.isEmpty(); round++) {
            deliver("*->*", out);
          }
        }
        case "drop" -> {
          for (Envelope e : cluster.take(filter(words[1]))) {
            out.add("dropped " + e);
          }
        }
        case "partition" -> {
          cluster.side.clear();
          int side = 1;
          for (int k = 1; k < words.length; k++) {
            if (words[k].equals("|")) {
              side++;
            } else {
              cluster.side.put(node(words[k]), side);
            }
          }
        }
        case "heal" -> cluster.side.clear();
        case "crash" -> cluster.crash(node(words[1]));
        case "restart" -> cluster.restart(node(words[1]));
        case "auto-ready" -> autoReady = words[1].equals("on");
        case "ready" -> renderReady(node(words[1]), cluster.processReady(node(words[1])), out);
        case "clock-offset" -> cluster.node(node(words[1])).trueTime.setOffsetMicros(
            words[2].startsWith("-") ? -parseMicros(words[2].substring(1)) : parseMicros(words[2]));
        case "clock-fence" -> cluster.node(node(words[1])).trueTime.setFenced(words[2].equals("on"));
        case "advance-time" -> cluster.clock.advanceMicros(parseMicros(words[1]));
        case "status" -> {
          for (TestCluster.Node n : cluster.nodes.values()) {
            out.add(status(n));
          }
        }
        default -> throw new IllegalArgumentException("unknown command " + words[0]);
      }
      if (autoReady && !words[0].equals("ready")) {
        processAll(out);
      }
      cluster.checkLeases();
      return out;
    }

    private void deliver(String spec, List<String> out) {
      List<Envelope> batch = cluster.take(filter(spec));
      for (Envelope e : batch) {
        boolean delivered = cluster.deliver(e);
        out.add((delivered ? "deliver " : "lost ") + e);
      }
      if (autoReady) {
        processAll(out);
      }
    }

    private void processAll(List<String> out) {
      boolean any = true;
      while (any) {
        any = false;
        for (NodeId id : cluster.nodes.keySet()) {
          Ready ready = cluster.processReady(id);
          if (ready != null) {
            any = true;
            renderReady(id, ready, out);
          }
        }
      }
    }

    private static void renderReady(NodeId id, Ready ready, List<String> out) {
      if (ready == null) {
        return;
      }
      if (ready.snapshot() != null) {
        out.add(id + ": persist " + ready.snapshot());
      }
      if (ready.compactThrough() != null) {
        out.add(id + ": persist compact-through=" + ready.compactThrough());
      }
      for (Entry e : ready.entries()) {
        out.add(id + ": persist entry " + e);
      }
      if (ready.hardState() != null) {
        out.add(id + ": persist " + ready.hardState());
      }
      for (Envelope e : ready.messages()) {
        out.add(id + ": send " + e);
      }
      if (ready.snapshotToApply() != null) {
        out.add(id + ": apply " + ready.snapshotToApply());
      }
      for (Entry e : ready.committedEntries()) {
        out.add(id + ": apply " + e.slot() + ":" + e.valueString());
      }
    }

    private String status(TestCluster.Node n) {
      if (n.replica == null) {
        return n.id + ": crashed";
      }
      Status s = n.replica.status();
      return n.id + ": " + s.role() + (s.active() ? " active" : "")
          + " promised=" + s.promised() + " leader=" + s.leaderHint()
          + " commit=" + s.commit() + " applied=" + s.applied() + " last=" + s.lastSlot()
          + (s.snapshotSlot().value() > 0 ? " snapshot=" + s.snapshotSlot() : "")
          + (TestCluster.holdsLease(n) ? " lease<" + s.leaseEndMicros() : "")
          + " " + s.membership()
          + " sm=" + n.disk.stateMachine.values();
    }

    private List<NodeId> targets(String word) {
      if (word.equals("*")) {
        return cluster.nodes.keySet().stream().filter(cluster::alive).toList();
      }
      return List.of(node(word));
    }

    private static Predicate<Envelope> filter(String spec) {
      String[] parts = spec.split("->");
      String from = parts[0];
      String to = parts.length > 1 ? parts[1] : "*";
      return e -> (from.equals("*") || e.from().equals(node(from)))
          && (to.equals("*") || e.to().equals(node(to)));
    }

    static NodeId node(String word) {
      if (!word.startsWith("n")) {
        throw new IllegalArgumentException("node names look like n1, got " + word);
      }
      return new NodeId(Integer.parseInt(word.substring(1)));
    }

    static long parseMicros(String word) {
      if (word.endsWith("ms")) {
        return Long.parseLong(word.substring(0, word.length() - 2)) * 1_000;
      }
      if (word.endsWith("us")) {
        return Long.parseLong(word.substring(0, word.length() - 2));
      }
      if (word.endsWith("s")) {
        return Long.parseLong(word.substring(0, word.length() - 1)) * 1_000_000;
      }
      throw new IllegalArgumentException("durations look like 200ms, 1s or 50us, got " + word);
    }
  }
}
