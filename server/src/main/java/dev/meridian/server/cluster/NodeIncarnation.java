package dev.meridian.server.cluster;

import dev.meridian.server.DurableFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Which data directory a node runs on and which run of it this is: the store id (a UUID chosen
 * the first time the directory is used, so that two directories claiming one node id are told
 * apart) and the epoch (the formation core's incarnation number).
 *
 * <p>Invariants: the store id never changes; the epoch on disk only grows, and a run's epoch is on
 * disk before any heartbeat carries it. {@link #startRun} writes one more than the stored epoch,
 * so every start is a new epoch even if the node dies before it sends anything.
 *
 * <p>Layout of {@code DIR/}{@value #FILE_NAME}, UTF-8, one {@code key=value} a line, written by
 * {@link DurableFiles#writeAtomically}:
 * <pre>
 * format=1
 * store-id=UUID
 * epoch=N        1 on the first run
 * </pre>
 * It is separate from {@code NODE_IDENTITY} because it exists before the node has a cluster (a node
 * waiting for init already has a store id), and because the epoch changes while the identity never
 * does.
 */
public final class NodeIncarnation {

  public static final String FILE_NAME = "NODE_INCARNATION";

  private final Path dataDir;
  private final String storeId;
  private long epoch;

  private NodeIncarnation(Path dataDir, String storeId, long epoch) {
    this.dataDir = dataDir;
    this.storeId = storeId;
    this.epoch = epoch;
  }

  /** Reads the directory's incarnation (or makes a new store id) and persists the next epoch. */
  public static NodeIncarnation startRun(Path dataDir, Supplier<UUID> newStoreId) throws IOException {
    Path file = dataDir.resolve(FILE_NAME);
    String storeId;
    long stored;
    try {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      storeId = null;
      stored = -1;
      for (String line : text.split("\n")) {
        if (line.startsWith("store-id=")) {
          storeId = UUID.fromString(line.substring("store-id=".length())).toString();
        } else if (line.startsWith("epoch=")) {
          stored = Long.parseLong(line.substring("epoch=".length()));
        } else if (!line.isEmpty() && !line.equals("format=1")) {
          throw new IllegalStateException("cannot read " + file + ": unexpected line '" + line + "'");
        }
      }
      if (storeId == null || stored < 1) {
        throw new IllegalStateException("cannot read " + file + ": it needs a store-id and an epoch of at least 1");
      }
    } catch (NoSuchFileException absent) {
      storeId = newStoreId.get().toString();
      stored = 0;
    } catch (IllegalArgumentException malformed) {
      throw new IllegalStateException("cannot read " + file + ": " + malformed.getMessage(), malformed);
    }
    NodeIncarnation incarnation = new NodeIncarnation(dataDir, storeId, stored);
    incarnation.raiseEpoch(stored + 1);
    return incarnation;
  }

  public String storeId() {
    return storeId;
  }

  public synchronized long epoch() {
    return epoch;
  }

  /** Persists a larger epoch (this node learned a peer declared it dead at the current one). */
  public synchronized void raiseEpoch(long newEpoch) throws IOException {
    if (newEpoch <= epoch) {
      throw new IllegalStateException("the epoch only grows: " + epoch + " -> " + newEpoch);
    }
    DurableFiles.writeAtomically(dataDir, FILE_NAME, "format=1\nstore-id=" + storeId + "\nepoch=" + newEpoch + "\n");
    epoch = newEpoch;
  }
}
