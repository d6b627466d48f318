package dev.meridian.server.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * The admin API's JSON: {@link ClusterView} records as Jackson writes them (record components by
 * name, nulls kept so that a reader sees a field is unknown rather than missing) and read back the
 * same way ({@code meridian status}, and a cluster view that fetches its peers' {@code /api/node}).
 */
public final class ClusterJson {

  private static final ObjectMapper MAPPER = new ObjectMapper()
      .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
      .disable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private ClusterJson() {}

  public static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
    }
  }

  /** Reads a {@link ClusterView.Snapshot} ({@code /api/cluster}); newer fields are ignored. */
  public static ClusterView.Snapshot readSnapshot(String json) throws JsonProcessingException {
    return MAPPER.readValue(json, ClusterView.Snapshot.class);
  }

  /** Reads a {@link ClusterView.Node} ({@code /api/node}). */
  public static ClusterView.Node readNode(String json) throws JsonProcessingException {
    return MAPPER.readValue(json, ClusterView.Node.class);
  }
}
