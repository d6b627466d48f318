package dev.meridian.sim.paxos;

import dev.meridian.runtime.RandomSource;
import java.util.function.IntSupplier;

/**
 * One partition of the nemesis, drawn from the seed: its {@link Swarm.PartitionKind} and which
 * directed links it cuts ({@link #blocked}{@code [from][to]}, nodes numbered from 1). Shared by the
 * simulators, which apply it to every network they run (the draws are the same whatever the
 * network). A partition is drawn on a whole network: the previous one has healed.
 */
public record PartitionPlan(Swarm.PartitionKind kind, boolean[][] blocked) {

  /**
   * Draws a partition of {@code size} nodes. {@code leader} names a node the nemesis may aim at (a
   * leader of some group, drawn by the caller), 0 if none; it is asked exactly once, for a minority
   * cut, before the draw that decides whether to aim at it.
   */
  public static PartitionPlan draw(Swarm swarm, RandomSource random, int size, IntSupplier leader) {
    Swarm.PartitionKind kind = swarm.partitionKinds.get(random.nextInt(swarm.partitionKinds.size()));
    boolean[][] blocked = new boolean[size + 1][size + 1];
    int[] side = new int[size + 1];
    switch (kind) {
      case MINORITY -> {
        int cut = 1 + random.nextInt(size / 2);
        int aimed = leader.getAsInt();
        if (aimed != 0 && random.chance(swarm.targetLeader)) {
          side[aimed] = 1;
          cut--;
        }
        for (int attempt = 0; cut > 0 && attempt < 100; attempt++) {
          int i = 1 + random.nextInt(size);
          if (side[i] == 0) {
            side[i] = 1;
            cut--;
          }
        }
      }
      case RANDOM_SPLIT -> {
        for (int i = 1; i <= size; i++) {
          side[i] = random.nextInt(2);
        }
      }
      case BRIDGE -> {
        // Side 0 and side 1 are cut off from each other; the bridge (side 2) talks to both.
        int bridge = 1 + random.nextInt(size);
        for (int i = 1; i <= size; i++) {
          side[i] = i == bridge ? 2 : random.nextInt(2);
        }
      }
      case ONE_WAY -> {
        int links = 1 + random.nextInt(size);
        for (int k = 0; k < links; k++) {
          int from = 1 + random.nextInt(size);
          int to = 1 + random.nextInt(size);
          blocked[from][to] = true;
        }
      }
    }
    if (kind != Swarm.PartitionKind.ONE_WAY) {
      for (int a = 1; a <= size; a++) {
        for (int b = 1; b <= size; b++) {
          blocked[a][b] = side[a] != side[b] && side[a] != 2 && side[b] != 2;
        }
      }
    }
    return new PartitionPlan(kind, blocked);
  }
}
