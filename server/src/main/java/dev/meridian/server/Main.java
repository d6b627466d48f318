package dev.meridian.server;

import dev.meridian.server.replication.ReplicationNode;
import java.util.Arrays;

/** Entry point of {@code bin/meridian}: dispatches to one command. */
public final class Main {

  private Main() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 0) {
      System.err.println("usage: meridian <start|init|demo|paxos-node|status> [options]");
      System.exit(64);
    }
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    int exitCode =
        switch (args[0]) {
          case "start" -> NodeServer.run(rest, System.out, System.err);
          case "demo" -> Demo.run(rest, System.out);
          case "paxos-node" -> ReplicationNode.run(rest, System.out, System.err);
          case "init" -> dev.meridian.server.cluster.InitCommand.run(rest, System.out, System.err);
          case "status" -> StatusCommand.run(rest, System.out, System.err);
          default -> {
            System.err.println("meridian: unknown command '" + args[0] + "'");
            yield 64;
          }
        };
    if ((args[0].equals("start") || args[0].equals("paxos-node")) && exitCode == 0) {
      // A node stops through its shutdown hook; exiting from here would wait on that hook forever.
      return;
    }
    System.exit(exitCode);
  }
}
