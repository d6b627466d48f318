package dev.meridian.sql.plan;

/**
 * Calcite's process-wide settings that Meridian needs, which Calcite reads once, from system
 * properties, when its settings class loads: so they are set before any planning, by the static
 * initializers of the classes every statement passes through ({@link QueryPlanner}, the engine).
 *
 * <ul>
 *   <li>Character set UTF-8 for string literals, types and collations, where Calcite builds
 *       types without Meridian's {@link MeridianTypeFactory} (which says UTF-8 whatever the
 *       property, as the property is read only once per JVM, by whoever touches Calcite first).
 *   <li>The cache of compiled plans (see {@code SqlEngine}).
 * </ul>
 *
 * A property already set by whoever starts the JVM is kept.
 */
public final class CalciteSettings {

  /** Compiled classes Calcite keeps, keyed by generated source; each holds generated code. */
  public static final int BINDABLE_CACHE_SIZE = 2048;

  private static final String UTF8 = "UTF-8";

  static {
    setIfAbsent("calcite.default.charset", UTF8);
    setIfAbsent("calcite.default.nationalcharset", UTF8);
    setIfAbsent("calcite.default.collation.name", UTF8 + "$en_US");
    // Calcite compiles each plan to Java with Janino (about 2/3 of planning time). With this cache, a
    // plan whose generated source was seen before reuses the compiled class: our scans and DML
    // stash their specs instead of inlining them, so the same query over another table of the same
    // shape hits.
    setIfAbsent("calcite.bindable.cache.maxSize", Integer.toString(BINDABLE_CACHE_SIZE));
  }

  private CalciteSettings() {}

  /** Makes sure the settings are in force; idempotent and cheap. */
  public static void apply() {
    // The work is done once, by the static initializer.
  }

  private static void setIfAbsent(String name, String value) {
    if (System.getProperty(name) == null) {
      System.setProperty(name, value);
    }
  }
}
