package dev.meridian.jepsen.checker;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A verdict: {@code valid} is "true", "false" or "unknown" (Elle's {@code :valid?});
 * {@code anomalyTypes} the reportable anomalies found, sorted as Elle sorts keywords;
 * {@code anomalies} their explanations; {@code not} / {@code alsoNot} the models they rule out.
 */
public record CheckResult(String valid, List<String> anomalyTypes,
    Map<String, List<Object>> anomalies, Set<String> not, Set<String> alsoNot) {

  /** The report printed by the CLI. */
  public Map<String, Object> toJsonMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("valid", switch (valid) {
      case "true" -> Boolean.TRUE;
      case "false" -> Boolean.FALSE;
      default -> "unknown";
    });
    m.put("anomaly-types", anomalyTypes);
    m.put("not", not);
    m.put("also-not", alsoNot);
    m.put("anomalies", anomalies);
    return m;
  }

  public String toJson() {
    return Json.write(toJsonMap());
  }
}
