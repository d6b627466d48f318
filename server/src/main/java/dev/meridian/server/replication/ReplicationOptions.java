package dev.meridian.server.replication;

import dev.meridian.paxos.driver.PaxosDriver;
import dev.meridian.paxos.replica.Options;
import dev.meridian.server.CommandLine;
import dev.meridian.server.time.ClockOptions;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * What {@code meridian paxos-node} takes. Timing defaults: ticks of 50 ms, heartbeats every 2 ticks,
 * an election timeout drawn from [10, 20) ticks (0.5–1 s) and leases of 2 s, so a dead leader is
 * replaced within a lease and an election timeout (DESIGN.md's 10 s lease is for WAN clusters; on one
 * machine a short one keeps failover tests short).
 *
 * @param peers every voter of the groups, this node included: node id → transport address
 * @param clock TrueTime: masters, poll period, bounds, faults ({@link ClockOptions})
 * @param initialCluster {@code --initial-cluster-state new}: bootstrap groups the disk does not hold
 *     (once, when the cluster is created); otherwise every group must be on disk
 */
record ReplicationOptions(int nodeId, Path dataDir, String listen, int port, int adminPort,
    Map<Integer, InetSocketAddress> peers, boolean initialCluster, int groups, long tickMillis, int electionTicks, int heartbeatTicks,
    long leaseMillis, long compactEveryEntries, ClockOptions clock) {

  static final String USAGE = "usage: meridian paxos-node --node-id N --data-dir DIR --port P "
      + "--peers ID=HOST:PORT,... [--initial-cluster-state new|existing] [--listen 127.0.0.1] [--admin-port 0] [--groups 1] [--tick-ms 50] "
      + "[--election-ticks 10] [--heartbeat-ticks 2] [--lease-ms 2000] [--compact-every 1000] "
      + ClockOptions.USAGE;

  ReplicationOptions {
    peers = Map.copyOf(peers);
    if (!peers.containsKey(nodeId)) {
      throw new IllegalArgumentException("--peers must include this node (" + nodeId + ")");
    }
    if (groups < 1 || tickMillis < 1 || leaseMillis < 1 || compactEveryEntries < 0) {
      throw new IllegalArgumentException("--groups, --tick-ms and --lease-ms must be positive");
    }
    for (int master : clock.masters()) {
      if (!peers.containsKey(master)) {
        throw new IllegalArgumentException("time master " + master + " is not in --peers: masters are reached over"
            + " the node transport");
      }
    }
  }

  static ReplicationOptions parse(String[] args) {
    Integer nodeId = null;
    Path dataDir = null;
    String listen = "127.0.0.1";
    Integer port = null;
    int adminPort = 0;
    Map<Integer, InetSocketAddress> peers = new TreeMap<>();
    boolean initialCluster = false;
    int groups = 1;
    long tickMillis = 50;
    int electionTicks = 10;
    int heartbeatTicks = 2;
    long leaseMillis = 2_000;
    long compactEvery = 1_000;
    ClockOptions.Builder clock = new ClockOptions.Builder();
    for (Map.Entry<String, String> option : CommandLine.options(args, ClockOptions.SWITCHES).entrySet()) {
      String flag = option.getKey();
      String value = option.getValue();
      if (clock.accept(flag, value)) {
        continue;
      }
      switch (flag) {
        case "--node-id" -> nodeId = Integer.parseInt(value);
        case "--data-dir" -> dataDir = Path.of(value);
        case "--listen" -> listen = value;
        case "--port" -> port = CommandLine.port(flag, value);
        case "--admin-port" -> adminPort = CommandLine.port(flag, value);
        case "--peers" -> {
          for (String peer : value.split(",")) {
            int eq = peer.indexOf('=');
            int colon = peer.lastIndexOf(':');
            if (eq < 1 || colon < eq) {
              throw new IllegalArgumentException("--peers wants ID=HOST:PORT,..., not " + peer);
            }
            peers.put(Integer.parseInt(peer.substring(0, eq)),
                new InetSocketAddress(peer.substring(eq + 1, colon), Integer.parseInt(peer.substring(colon + 1))));
          }
        }
        case "--initial-cluster-state" -> initialCluster = switch (value) {
          case "new" -> true;
          case "existing" -> false;
          default -> throw new IllegalArgumentException("--initial-cluster-state is new or existing, not " + value);
        };
        case "--groups" -> groups = Integer.parseInt(value);
        case "--tick-ms" -> tickMillis = Long.parseLong(value);
        case "--election-ticks" -> electionTicks = Integer.parseInt(value);
        case "--heartbeat-ticks" -> heartbeatTicks = Integer.parseInt(value);
        case "--lease-ms" -> leaseMillis = Long.parseLong(value);
        case "--compact-every" -> compactEvery = Long.parseLong(value);
        default -> throw new IllegalArgumentException("unknown option " + flag);
      }
    }
    if (nodeId == null || dataDir == null || port == null || peers.isEmpty()) {
      throw new IllegalArgumentException("--node-id, --data-dir, --port and --peers are required");
    }
    return new ReplicationOptions(nodeId, dataDir, listen, port, adminPort, peers, initialCluster, groups, tickMillis,
        electionTicks, heartbeatTicks, leaseMillis, compactEvery, clock.build());
  }

  Options replicaOptions() {
    return new Options(electionTicks, heartbeatTicks, TimeUnit.MILLISECONDS.toMicros(leaseMillis), 256, 4096, 1024);
  }

  PaxosDriver.Config driverConfig() {
    return new PaxosDriver.Config(TimeUnit.MILLISECONDS.toNanos(tickMillis), 10_000, compactEveryEntries,
        TimeUnit.MILLISECONDS.toNanos(1));
  }
}
