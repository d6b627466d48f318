package dev.meridian.server.replication;

import dev.meridian.paxos.driver.VolatileStateMachine;
import dev.meridian.paxos.types.Entry;
import java.nio.ByteBuffer;

/**
 * The state machine of a replication-only node: it keeps, in constant memory, how many commands it
 * applied and a running 64-bit FNV-1a fingerprint of their bytes in slot order, so replicas that
 * applied the same log agree on both and any divergence shows. Not thread-safe: the driver's loop
 * applies; readers take {@link #view()} on that loop.
 *
 * <p>Snapshot layout (16 bytes): applied command count, then fingerprint, both 8-byte big-endian.
 */
final class FingerprintStateMachine extends VolatileStateMachine {

  private static final long FNV_OFFSET = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;

  /** What the state machine holds. */
  record View(long commands, long fingerprint) {}

  private long commands;
  private long fingerprint = FNV_OFFSET;

  @Override
  protected void applyCommand(Entry command) {
    commands++;
    long h = fingerprint;
    for (byte b : command.data()) {
      h = (h ^ (b & 0xff)) * FNV_PRIME;
    }
    // Separates commands, so that "ab","c" and "a","bc" differ.
    fingerprint = (h ^ 0xff) * FNV_PRIME;
  }

  @Override
  protected byte[] image() {
    return ByteBuffer.allocate(16).putLong(commands).putLong(fingerprint).array();
  }

  @Override
  protected void restore(byte[] snapshotData) {
    if (snapshotData.length == 0) {
      // The initial snapshot of a fresh group.
      commands = 0;
      fingerprint = FNV_OFFSET;
      return;
    }
    if (snapshotData.length != 16) {
      throw new IllegalArgumentException("fingerprint snapshot must be 16 bytes, not " + snapshotData.length);
    }
    ByteBuffer buffer = ByteBuffer.wrap(snapshotData);
    commands = buffer.getLong();
    fingerprint = buffer.getLong();
  }

  View view() {
    return new View(commands, fingerprint);
  }
}
