package dev.meridian.server.cluster;

import dev.meridian.runtime.NodeId;
import dev.meridian.server.DurableFiles;
import dev.meridian.txn.cluster.Member;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.CRC32C;

/**
 * The cluster's registry as this node last knew it ({@code ClusterCore.Ready#persistMembers}), so
 * that a restart, of this node or of the whole cluster, heartbeats its peers at once and keeps node
 * ids bound to their data directories.
 *
 * <p>What it is the only copy of: nothing the cluster cannot tell again. Every member keeps the same
 * registry and hands all of it to a node that joins ({@code Joined}) or heartbeats, so a node
 * started with {@code --join} re-learns it from its targets; what this file alone knows is where
 * the peers are for a node started without {@code --join}. So a damaged file (a torn disk write, a
 * flipped bit, an edit) is set aside and re-learned through {@code --join}, and refused, saying
 * what to do, only for a node without join targets ({@code ClusterNode#start}).
 *
 * <p>Layout of {@code DIR/}{@value #FILE_NAME}, UTF-8, written by {@link DurableFiles#writeAtomically}
 * (temporary file, fsync, rename over the name, fsync of the directory: a crash leaves the old file
 * or the new one):
 * <pre>
 * format=2
 * member node=ID store=STORE_ID region=REGION zone=ZONE cluster=ADDR sql=ADDR admin=ADDR epoch=N generation=G
 * ...
 * crc32c=XXXXXXXX
 * </pre>
 * one {@code member} line per registered node, its fields in this order, separated by one space; an
 * empty zone or address is an empty value ({@code zone=}), since none of the values can hold a space.
 * The last line is the CRC-32C, eight lowercase hex digits, of every byte before it: a file cut short
 * or changed anywhere fails it. Format 1 (no checksum; {@code member=ID STORE REGION ZONE CLUSTER SQL
 * ADMIN EPOCH GENERATION} with {@code -} for an empty value) is still read, and replaced by format 2
 * at the next write.
 */
final class MembersFile {

  static final String FILE_NAME = "CLUSTER_MEMBERS";
  /** Where a damaged file is moved when the registry is re-learned, for a post-mortem. */
  static final String DAMAGED_NAME = FILE_NAME + ".damaged";

  private static final String[] KEYS = {"node", "store", "region", "zone", "cluster", "sql", "admin", "epoch",
      "generation"};
  private static final String CHECKSUM = "crc32c=";

  private MembersFile() {}

  /** The file cannot be read as a registry; the message names the file and what is wrong. */
  static final class DamagedException extends IOException {
    DamagedException(Path file, String why) {
      super(file + " is damaged: " + why);
    }
  }

  /**
   * The kept registry, or an empty list if there is none.
   *
   * @throws DamagedException if the file is there but is not a whole registry
   */
  static List<Member> read(Path dataDir) throws IOException {
    Path file = dataDir.resolve(FILE_NAME);
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException absent) {
      return List.of();
    }
    String text = new String(bytes, StandardCharsets.UTF_8);
    if (text.startsWith("format=1\n")) {
      return readFormat1(file, text);
    }
    if (!text.startsWith("format=2\n")) {
      throw new DamagedException(file, "it does not start with format=2 (or format=1)");
    }
    int last = text.lastIndexOf('\n', text.length() - 2);
    String checksumLine = text.substring(last + 1);
    if (!text.endsWith("\n") || !checksumLine.startsWith(CHECKSUM)) {
      throw new DamagedException(file, "its last line is not its " + CHECKSUM + " checksum (cut short?)");
    }
    String body = text.substring(0, last + 1);
    String expected = checksum(body);
    String found = checksumLine.substring(CHECKSUM.length(), checksumLine.length() - 1);
    if (!found.equals(expected)) {
      throw new DamagedException(file, "its checksum is " + found + " but its content's is " + expected);
    }
    List<Member> members = new ArrayList<>();
    for (String line : body.substring("format=2\n".length()).split("\n")) {
      if (!line.isEmpty()) {
        members.add(parseMember(file, line));
      }
    }
    return members;
  }

  private static Member parseMember(Path file, String line) throws DamagedException {
    String[] tokens = line.split(" ", -1);
    if (tokens.length != KEYS.length + 1 || !tokens[0].equals("member")) {
      throw new DamagedException(file, "unexpected line '" + line + "'");
    }
    String[] values = new String[KEYS.length];
    for (int i = 0; i < KEYS.length; i++) {
      String token = tokens[i + 1];
      if (!token.startsWith(KEYS[i] + "=")) {
        throw new DamagedException(file, "expected " + KEYS[i] + "= in '" + line + "'");
      }
      values[i] = token.substring(KEYS[i].length() + 1);
    }
    return member(file, line, values);
  }

  private static List<Member> readFormat1(Path file, String text) throws DamagedException {
    List<Member> members = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isEmpty() || line.equals("format=1")) {
        continue;
      }
      String[] f = line.startsWith("member=") ? line.substring("member=".length()).split(" ") : new String[0];
      if (f.length != KEYS.length) {
        throw new DamagedException(file, "unexpected line '" + line + "'");
      }
      for (int i = 3; i <= 6; i++) {
        f[i] = f[i].equals("-") ? "" : f[i];
      }
      members.add(member(file, line, f));
    }
    return members;
  }

  private static Member member(Path file, String line, String[] v) throws DamagedException {
    try {
      return new Member(new NodeId(Integer.parseInt(v[0])), v[1], v[2], v[3], new Member.Addresses(v[4], v[5], v[6]),
          Long.parseLong(v[7]), Long.parseLong(v[8]));
    } catch (IllegalArgumentException e) {
      throw new DamagedException(file, e.getMessage() + " in '" + line + "'");
    }
  }

  static void write(Path dataDir, List<Member> members) throws IOException {
    StringBuilder out = new StringBuilder("format=2\n");
    for (Member m : members) {
      Object[] values = {m.nodeId().value(), m.storeId(), m.region(), m.zone(), m.addresses().cluster(),
          m.addresses().sql(), m.addresses().admin(), m.epoch(), m.generation()};
      out.append("member");
      for (int i = 0; i < KEYS.length; i++) {
        out.append(' ').append(KEYS[i]).append('=').append(values[i]);
      }
      out.append('\n');
    }
    String sum = checksum(out.toString());
    out.append(CHECKSUM).append(sum).append('\n');
    DurableFiles.writeAtomically(dataDir, FILE_NAME, out.toString());
  }

  /** Moves a damaged file out of the way (over an older damaged one), so the next write starts afresh. */
  static Path setAside(Path dataDir) throws IOException {
    Path aside = dataDir.resolve(DAMAGED_NAME);
    Files.move(dataDir.resolve(FILE_NAME), aside, StandardCopyOption.REPLACE_EXISTING);
    return aside;
  }

  private static String checksum(String text) {
    CRC32C crc = new CRC32C();
    crc.update(text.getBytes(StandardCharsets.UTF_8));
    return String.format(Locale.ROOT, "%08x", crc.getValue());
  }
}
