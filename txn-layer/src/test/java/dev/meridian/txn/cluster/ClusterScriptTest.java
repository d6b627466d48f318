package dev.meridian.txn.cluster;

import dev.meridian.runtime.NodeId;
import dev.meridian.runtime.testing.DataDrivenScript;
import dev.meridian.txn.cluster.Messages.AlreadyInitialized;
import dev.meridian.txn.cluster.Messages.InitAnswer;
import dev.meridian.txn.cluster.Messages.Initialized;
import dev.meridian.txn.cluster.Messages.JoinAnswer;
import dev.meridian.txn.cluster.Messages.JoinRefused;
import dev.meridian.txn.cluster.Messages.JoinRequest;
import dev.meridian.txn.cluster.Messages.Joined;
import dev.meridian.txn.cluster.Messages.NotInitialized;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Datadriven scripts for {@link ClusterCore} over a {@link ClusterHarness} (files in {@code
 * src/test/resources/cluster}; rewrite expected outputs with {@code -Dmeridian.rewrite=true}, then
 * read the diff). Node {@code nK} has store {@code store-K}, region {@code rK}; time starts at 1 s and
 * moves in 100 ms rounds.
 *
 * <pre>
 * wait n1                       n1 starts on a new directory and waits for init (epoch 1)
 * restart n3 cluster=c1         n3 restarts on its directory of cluster c1 (epoch + 1), rejoining
 * target n2                     waiting and rejoining nodes send their joins to n2 (default n1)
 * init n2 cluster=c1            the operator's init at n2, with c1 as the fresh cluster id
 * join n4 via=n1 [store=s] [cluster=c2] [epoch=1]   a join request answered by n1
 * kill n3 | cut n1 n3 | heal    stop a node; cut a link both ways; restore every link
 * pause n3 | resume n3          stop a node's ticks and messages (GC pause, SIGSTOP); go on, same state
 * advance 3.5s                  run rounds; prints epochs persisted, liveness changes, refusals
 * view n1                       n1's members: id:LIVENESS@epoch
 * </pre>
 */
class ClusterScriptTest {

  static final Path DIR = Path.of("src/test/resources/cluster");

  @TestFactory
  Stream<DynamicTest> scripts() throws IOException {
    return DataDrivenScript.testsIn(DIR, () -> new Interpreter()::execute);
  }

  static final class Interpreter {
    private final ClusterHarness h = new ClusterHarness();

    List<String> execute(String command) {
      String[] words = command.trim().split("\\s+");
      Map<String, String> args = new HashMap<>();
      for (int i = 2; i < words.length; i++) {
        int eq = words[i].indexOf('=');
        if (eq > 0) {
          args.put(words[i].substring(0, eq), words[i].substring(eq + 1));
        }
      }
      return switch (words[0]) {
        case "wait" -> {
          h.startWaiting(node(words[1]));
          yield List.of();
        }
        case "restart" -> {
          h.restart(node(words[1]), args.get("cluster"));
          yield List.of();
        }
        case "target" -> {
          h.joinTarget = node(words[1]);
          yield List.of();
        }
        case "init" -> List.of(describe(h.nodes.get(node(words[1])).init(args.get("cluster"), h.nowMicros)));
        case "join" -> {
          int id = node(words[1]);
          Member joiner = new Member(new NodeId(id), args.getOrDefault("store", "store-" + id), "r" + id, "",
              new Member.Addresses("127.0.0.1:" + (7000 + id), "", ""),
              Long.parseLong(args.getOrDefault("epoch", "1")), 0);
          yield List.of(describe(h.nodes.get(node(args.get("via")))
              .onJoin(new JoinRequest(args.getOrDefault("cluster", ""), joiner), h.nowMicros)));
        }
        case "kill" -> {
          h.down.add(node(words[1]));
          yield List.of();
        }
        case "pause" -> {
          h.down.add(node(words[1]));
          yield List.of();
        }
        case "resume" -> {
          h.resume(node(words[1]));
          yield List.of();
        }
        case "cut" -> {
          h.cut.add(node(words[1]) + "-" + node(words[2]));
          yield List.of();
        }
        case "heal" -> {
          h.cut.clear();
          yield List.of();
        }
        case "advance" -> h.advance(micros(words[1]));
        case "view" -> List.of(h.view(node(words[1])));
        default -> throw new IllegalArgumentException("unknown command " + words[0]);
      };
    }

    private static int node(String word) {
      if (!word.startsWith("n")) {
        throw new IllegalArgumentException("a node is nK, not " + word);
      }
      return Integer.parseInt(word.substring(1));
    }

    /** {@code 3.5s}, {@code 200ms}. */
    private static long micros(String word) {
      if (word.endsWith("ms")) {
        return (long) (Double.parseDouble(word.substring(0, word.length() - 2)) * 1_000);
      }
      return (long) (Double.parseDouble(word.substring(0, word.length() - 1)) * 1_000_000);
    }

    private static String describe(InitAnswer answer) {
      return switch (answer) {
        case Initialized initialized -> "initialized " + initialized.clusterId() + " founders "
            + initialized.founders().stream().map(m -> m.nodeId().toString()).collect(Collectors.joining(","));
        case AlreadyInitialized already -> "already initialized " + already.clusterId();
      };
    }

    private static String describe(JoinAnswer answer) {
      return switch (answer) {
        case NotInitialized ignored -> "not initialized";
        case Joined joined -> "joined " + joined.clusterId() + " minimum-epoch " + joined.minimumEpoch() + " members "
            + joined.members().stream().map(m -> m.nodeId() + "@" + m.epoch()).collect(Collectors.joining(","));
        case JoinRefused refused -> "refused: " + refused.reason();
      };
    }
  }
}
