package dev.meridian.server.cluster;

import dev.meridian.runtime.NodeId;
import dev.meridian.server.DurableFiles;
import dev.meridian.txn.cluster.Member;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The cluster's registry as this node last knew it ({@code ClusterCore.Ready#persistMembers}), so
 * that a restart, of this node or of the whole cluster, heartbeats its peers at once and keeps node
 * ids bound to their data directories. A cache, not the truth: losing it costs a rejoin through
 * {@code --join}, never correctness.
 *
 * <p>Layout of {@code DIR/}{@value #FILE_NAME}, UTF-8, written by {@link DurableFiles#writeAtomically}:
 * <pre>
 * format=1
 * member=NODE_ID STORE_ID REGION ZONE CLUSTER_ADDR SQL_ADDR ADMIN_ADDR EPOCH GENERATION
 * ...
 * </pre>
 * one {@code member} line per registered node, fields separated by one space, {@code -} for an empty
 * zone or address (none of the fields can hold a space or be {@code -} otherwise).
 */
final class MembersFile {

  static final String FILE_NAME = "CLUSTER_MEMBERS";

  private MembersFile() {}

  /** The kept registry, or an empty list if there is none; a damaged file is refused. */
  static List<Member> read(Path dataDir) throws IOException {
    Path file = dataDir.resolve(FILE_NAME);
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException absent) {
      return List.of();
    }
    List<Member> members = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isEmpty() || line.equals("format=1")) {
        continue;
      }
      String[] f = line.startsWith("member=") ? line.substring("member=".length()).split(" ") : new String[0];
      if (f.length != 9) {
        throw new IllegalStateException("cannot read " + file + ": unexpected line '" + line + "'");
      }
      try {
        members.add(new Member(new NodeId(Integer.parseInt(f[0])), f[1], f[2], empty(f[3]),
            new Member.Addresses(empty(f[4]), empty(f[5]), empty(f[6])), Long.parseLong(f[7]), Long.parseLong(f[8])));
      } catch (IllegalArgumentException e) {
        throw new IllegalStateException("cannot read " + file + ": " + e.getMessage() + " in '" + line + "'", e);
      }
    }
    return members;
  }

  static void write(Path dataDir, List<Member> members) throws IOException {
    StringBuilder out = new StringBuilder("format=1\n");
    for (Member m : members) {
      out.append("member=").append(m.nodeId().value()).append(' ').append(m.storeId()).append(' ')
          .append(m.region()).append(' ').append(dash(m.zone())).append(' ')
          .append(dash(m.addresses().cluster())).append(' ').append(dash(m.addresses().sql())).append(' ')
          .append(dash(m.addresses().admin())).append(' ').append(m.epoch()).append(' ').append(m.generation())
          .append('\n');
    }
    DurableFiles.writeAtomically(dataDir, FILE_NAME, out.toString());
  }

  private static String dash(String value) {
    return value.isEmpty() ? "-" : value;
  }

  private static String empty(String value) {
    return value.equals("-") ? "" : value;
  }
}
