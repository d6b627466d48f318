package dev.meridian.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Whom a data directory belongs to: a cluster, this node's id in it, and the region and zone the
 * node runs in. Established once, when a node first starts on a directory (a node started with
 * {@code --join} on a new directory: when an init or a join target gave it the cluster id), and
 * checked on every start after: a node restarted with flags that contradict it, or pointed at another node's directory, is
 * refused with a message naming both values, because running on would mix two nodes' transaction
 * and row ids (both carry the node id) or report a replica in the wrong region.
 *
 * <p>Node ids are 1 to {@value #MAX_NODE_ID}: hidden row ids keep the node id in their low 10 bits
 * (sql-frontend's RowIdGenerator), so that ids minted on different nodes never collide.
 *
 * <p>Layout of {@code DIR/}{@value #FILE_NAME}: UTF-8 text, one {@code key=value} per line, keys in
 * this order:
 *
 * <pre>
 * format=1            the layout's version; a node refuses a format it does not know
 * cluster-id=UUID     chosen when the cluster was created
 * node-id=N           1..1023
 * region=NAME         letters, digits, '-', '_', '.'; at most 63 characters
 * zone=NAME           the same alphabet but not "-" alone, or empty
 * </pre>
 *
 * A zone is never {@code -}: that is how "no zone" is shown ({@code meridian status}, the console)
 * and how {@code CLUSTER_MEMBERS} format 1 wrote it, so a zone named {@code -} would read back as
 * none there and be indistinguishable from none here.
 *
 * It is written to a temporary file, forced to disk, renamed over the name and the directory forced,
 * so that a crash leaves either no identity or a whole one.
 */
public record NodeIdentity(UUID clusterId, int nodeId, String region, String zone) {

  public static final String FILE_NAME = "NODE_IDENTITY";
  public static final int MAX_NODE_ID = 1023;
  public static final String DEFAULT_REGION = "default";
  private static final int FORMAT = 1;
  private static final Pattern LOCATION = Pattern.compile("[A-Za-z0-9._-]{1,63}");
  /** How no zone is shown; refused as a zone's name. */
  public static final String NO_ZONE = "-";

  public NodeIdentity {
    Objects.requireNonNull(clusterId, "clusterId");
    checkNodeId(nodeId);
    checkLocation("--region", region, false);
    checkZone(zone);
  }

  /**
   * What the command line asks for; a null field was not given and takes the stored value (or, on a
   * new directory, the default: node 1 of a new single-node cluster, region {@value #DEFAULT_REGION},
   * no zone).
   */
  public record Requested(Integer nodeId, String region, String zone) {
    public static final Requested NOTHING = new Requested(null, null, null);

    public Requested {
      if (nodeId != null) {
        checkNodeId(nodeId);
      }
      checkLocation("--region", region, false);
      checkZone(zone);
    }
  }

  /**
   * The identity of {@code dataDir}: the stored one, checked against {@code requested}; or, for a
   * directory without one, a new one written there. A directory that already holds a database but no
   * identity (made before identities were stored) was written by node 1 and is adopted as node 1 of a
   * new cluster.
   *
   * @throws IllegalStateException naming both values, when {@code requested} contradicts what the
   *     directory holds, or when the stored identity cannot be read
   */
  public static NodeIdentity establish(Path dataDir, Requested requested, Supplier<UUID> newClusterId)
      throws IOException {
    Path file = dataDir.resolve(FILE_NAME);
    String stored;
    try {
      stored = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException absent) {
      return create(dataDir, requested, newClusterId.get());
    }
    NodeIdentity identity = parse(stored, file);
    List<String> contradictions = new ArrayList<>();
    if (requested.nodeId() != null && requested.nodeId() != identity.nodeId()) {
      contradictions.add("--node-id " + requested.nodeId() + " but it is node " + identity.nodeId());
    }
    if (requested.region() != null && !requested.region().equals(identity.region())) {
      contradictions.add("--region " + requested.region() + " but its region is " + identity.region());
    }
    if (requested.zone() != null && !requested.zone().equals(identity.zone())) {
      contradictions.add("--zone " + describe(requested.zone()) + " but its zone is " + describe(identity.zone()));
    }
    if (!contradictions.isEmpty()) {
      throw new IllegalStateException("the data directory " + dataDir + " belongs to node " + identity.nodeId()
          + " of cluster " + identity.clusterId() + ": started with " + String.join("; ", contradictions)
          + ". Start it with its own values (or none), or give another --data-dir");
    }
    return identity;
  }

  private static NodeIdentity create(Path dataDir, Requested requested, UUID clusterId) throws IOException {
    boolean holdsOldData = Files.exists(dataDir.resolve("rocksdb"));
    if (holdsOldData && requested.nodeId() != null && requested.nodeId() != 1) {
      throw new IllegalStateException("the data directory " + dataDir + " holds a database written by node 1"
          + " before node identities were stored: started with --node-id " + requested.nodeId()
          + ". Start it as node 1 (or without --node-id), or give another --data-dir");
    }
    NodeIdentity identity = new NodeIdentity(
        clusterId,
        requested.nodeId() == null ? 1 : requested.nodeId(),
        requested.region() == null ? DEFAULT_REGION : requested.region(),
        requested.zone() == null ? "" : requested.zone());
    DurableFiles.writeAtomically(dataDir, FILE_NAME, identity.render());
    return identity;
  }

  String render() {
    return "format=" + FORMAT + "\ncluster-id=" + clusterId + "\nnode-id=" + nodeId + "\nregion=" + region
        + "\nzone=" + zone + "\n";
  }

  static NodeIdentity parse(String text, Path file) {
    Map<String, String> fields = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      if (line.isEmpty()) {
        continue;
      }
      int equals = line.indexOf('=');
      if (equals < 0) {
        throw unreadable(file, "a line without '=': " + line);
      }
      fields.put(line.substring(0, equals), line.substring(equals + 1));
    }
    if (NO_ZONE.equals(fields.get("zone"))) {
      throw unreadable(file, "zone=" + NO_ZONE + ", which is how no zone is shown and is no longer taken as a zone's"
          + " name. Edit the line to zone= (no zone) or zone=NAME, as the node's --zone was meant");
    }
    String format = fields.get("format");
    if (!String.valueOf(FORMAT).equals(format)) {
      throw unreadable(file, "format " + format + ", and this version reads format " + FORMAT
          + " (was it written by a newer Meridian?)");
    }
    try {
      return new NodeIdentity(
          UUID.fromString(required(fields, "cluster-id", file)),
          Integer.parseInt(required(fields, "node-id", file)),
          required(fields, "region", file),
          required(fields, "zone", file));
    } catch (IllegalArgumentException e) {
      throw unreadable(file, e.getMessage());
    }
  }

  private static String required(Map<String, String> fields, String key, Path file) {
    String value = fields.get(key);
    if (value == null) {
      throw unreadable(file, "no " + key);
    }
    return value;
  }

  private static IllegalStateException unreadable(Path file, String why) {
    return new IllegalStateException("cannot read the node identity in " + file + ": " + why);
  }

  private static void checkNodeId(int nodeId) {
    if (nodeId < 1 || nodeId > MAX_NODE_ID) {
      throw new IllegalArgumentException("--node-id must be 1 to " + MAX_NODE_ID
          + " (row ids keep it in 10 bits), not " + nodeId);
    }
  }

  /** Whether {@code name} is a region or zone name as {@code --region} and {@code --zone} take them. */
  public static boolean isLocationName(String name) {
    return LOCATION.matcher(name).matches();
  }

  /** Whether {@code zone} is a zone as {@code --zone} takes it: empty (none) or a name other than {@value #NO_ZONE}. */
  public static boolean isZone(String zone) {
    return zone.isEmpty() || (isLocationName(zone) && !zone.equals(NO_ZONE));
  }

  private static void checkZone(String zone) {
    if (NO_ZONE.equals(zone)) {
      throw new IllegalArgumentException("--zone " + NO_ZONE + " is refused: '" + NO_ZONE + "' is how no zone is shown"
          + " (meridian status, the console), so it cannot also name one. Give the zone another name, or no --zone");
    }
    checkLocation("--zone", zone, true);
  }

  private static void checkLocation(String flag, String value, boolean mayBeEmpty) {
    if (value == null || (mayBeEmpty && value.isEmpty())) {
      return;
    }
    if (!LOCATION.matcher(value).matches()) {
      throw new IllegalArgumentException(flag + " must be 1 to 63 letters, digits, '-', '_' or '.', not '"
          + value + "'");
    }
  }

  private static String describe(String zone) {
    return zone.isEmpty() ? "(none)" : zone;
  }
}
