package dev.meridian.server;

import dev.meridian.runtime.NodeId;
import dev.meridian.txn.cluster.Member;
import dev.meridian.txn.types.ReplicaDescriptor;
import dev.meridian.txn.types.ReplicaRole;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * The voters of a cluster's bootstrap ranges (meta, system, tables: {@code
 * ClusterKeySpace.bootstrap}), fixed once when the cluster is initialized: up to {@value
 * #MAX_VOTERS} of the founders, the lowest node ids first. Every node keeps a copy, because every
 * node builds the bootstrap layout from it — the voters host the three ranges from slot 0 with the
 * same meta entries, and every node's gateway starts from the meta range's descriptor. The node
 * {@code meridian init} reached writes it before init is answered; the others ask a peer for it
 * (request type {@code bootstrap-voters}) before they serve.
 *
 * <p>Later ranges come from splits and carry their own descriptors; moving replicas is the
 * placement driver's (M8), so until then a node beyond the first three is a gateway only.
 *
 * <p>Layout of {@code DIR/}{@value #FILE_NAME}, UTF-8, written by {@link DurableFiles#writeAtomically}:
 * <pre>
 * meridian-bootstrap-voters 1
 * voter node=ID region=REGION
 * ...
 * crc32c=XXXXXXXX
 * </pre>
 * one {@code voter} line per voter, ascending by node id; the last line is the CRC-32C, eight
 * lowercase hex digits, of every byte before it. A damaged file is refused at start (it cannot be
 * re-derived here without risking a second, different layout; it can be copied from any other node).
 */
public final class BootstrapVoters {

  public static final String FILE_NAME = "BOOTSTRAP_VOTERS";
  /** Replicas of each bootstrap range: three survive one failure, as DESIGN §5's default placement. */
  public static final int MAX_VOTERS = 3;

  private static final String HEADER = "meridian-bootstrap-voters 1";
  private static final String CHECKSUM = "crc32c=";

  private BootstrapVoters() {}

  /** The first {@value #MAX_VOTERS} founders by node id, as voters in their regions. */
  public static List<ReplicaDescriptor> choose(List<Member> founders) {
    return founders.stream()
        .sorted(Comparator.comparing(Member::nodeId))
        .limit(MAX_VOTERS)
        .map(m -> new ReplicaDescriptor(m.nodeId(), m.region(), ReplicaRole.VOTER))
        .toList();
  }

  /** The file's text for {@code voters}. */
  public static String encode(List<ReplicaDescriptor> voters) {
    if (voters.isEmpty()) {
      throw new IllegalArgumentException("a cluster's bootstrap ranges need at least one voter");
    }
    StringBuilder body = new StringBuilder(HEADER).append('\n');
    voters.stream().sorted(Comparator.comparing(ReplicaDescriptor::node)).forEach(v -> {
      if (v.region().isEmpty() || v.region().chars().anyMatch(Character::isWhitespace)) {
        throw new IllegalArgumentException("region '" + v.region() + "' of " + v.node() + " cannot be stored");
      }
      body.append("voter node=").append(v.node().value()).append(" region=").append(v.region()).append('\n');
    });
    return body + CHECKSUM + crc(body.toString()) + "\n";
  }

  /**
   * The voters in {@code text}, as {@link #encode} wrote them.
   *
   * @throws IllegalArgumentException naming what is wrong with it
   */
  public static List<ReplicaDescriptor> decode(String text) {
    int last = text.lastIndexOf(CHECKSUM);
    if (!text.startsWith(HEADER + "\n") || last < 0) {
      throw new IllegalArgumentException("not a bootstrap voters file (no '" + HEADER + "' header or no checksum)");
    }
    String body = text.substring(0, last);
    String stored = text.substring(last + CHECKSUM.length()).strip();
    if (!stored.equals(crc(body))) {
      throw new IllegalArgumentException("checksum " + stored + " does not match its contents (" + crc(body) + ")");
    }
    List<ReplicaDescriptor> voters = new ArrayList<>();
    String[] lines = body.split("\n");
    for (int i = 1; i < lines.length; i++) {
      String[] fields = lines[i].split(" ");
      if (fields.length != 3 || !fields[0].equals("voter") || !fields[1].startsWith("node=")
          || !fields[2].startsWith("region=") || fields[2].length() == "region=".length()) {
        throw new IllegalArgumentException("line " + (i + 1) + " is not 'voter node=ID region=REGION': " + lines[i]);
      }
      int node;
      try {
        node = Integer.parseInt(fields[1].substring("node=".length()));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("line " + (i + 1) + " has no node id: " + lines[i]);
      }
      if (node < 1 || !voters.isEmpty() && voters.getLast().node().value() >= node) {
        throw new IllegalArgumentException("line " + (i + 1) + ": node ids must be positive and ascending");
      }
      voters.add(new ReplicaDescriptor(new NodeId(node), fields[2].substring("region=".length()), ReplicaRole.VOTER));
    }
    if (voters.isEmpty()) {
      throw new IllegalArgumentException("it lists no voter");
    }
    return List.copyOf(voters);
  }

  /** The voters kept in {@code dataDir}, or empty if it holds none yet. */
  public static Optional<List<ReplicaDescriptor>> read(Path dataDir) throws IOException {
    Path file = dataDir.resolve(FILE_NAME);
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    try {
      return Optional.of(decode(text));
    } catch (IllegalArgumentException e) {
      throw new IOException(file + " is damaged: " + e.getMessage() + ". Every node of the cluster holds the same"
          + " file: copy it from another node's data directory", e);
    }
  }

  /** Keeps {@code voters} in {@code dataDir}, durably (a crash leaves the old file or the new one). */
  public static void write(Path dataDir, List<ReplicaDescriptor> voters) throws IOException {
    DurableFiles.writeAtomically(dataDir, FILE_NAME, encode(voters));
  }

  private static String crc(String text) {
    CRC32C crc = new CRC32C();
    crc.update(text.getBytes(StandardCharsets.UTF_8));
    return String.format(Locale.ROOT, "%08x", crc.getValue());
  }
}
