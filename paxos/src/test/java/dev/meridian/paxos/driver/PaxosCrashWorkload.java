package dev.meridian.paxos.driver;

import dev.meridian.runtime.real.NamedThreadFactory;
import dev.meridian.storage.rocks.RocksMvccEngine;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/**
 * The child process of {@link PaxosCrashRecoveryTest}: persists the {@link CrashPlan} rounds of
 * every group, one thread per group (so persists of the groups are group-committed together), from
 * where the last run left each group, until it is killed. Prints {@code ACK group round} only once
 * that round's persist is acknowledged durable.
 *
 * <p>Argument: the data directory.
 */
public final class PaxosCrashWorkload {

  private PaxosCrashWorkload() {}

  public static void main(String[] args) {
    PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
    RocksMvccEngine engine =
        RocksMvccEngine.open(Path.of(args[0]), RocksPaxosStorageTest.OPTIONS, new NamedThreadFactory("crash-sync"));
    PaxosStorage storage = new RocksPaxosStorage(engine);
    for (int g = 0; g < CrashPlan.GROUPS; g++) {
      int group = g;
      long first = CrashPlan.recoveredRound(storage, g) + 1;
      Thread.ofPlatform().name("crash-group-" + g).start(() -> {
        for (long round = first; ; round++) {
          storage.persist(CrashPlan.group(group), CrashPlan.ready(group, round)).join();
          synchronized (out) {
            out.println("ACK " + group + " " + round);
            out.flush();
          }
        }
      });
    }
    new CompletableFuture<Void>().join();
  }
}
