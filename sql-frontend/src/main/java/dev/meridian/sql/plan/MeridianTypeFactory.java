package dev.meridian.sql.plan;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.calcite.jdbc.JavaTypeFactoryImpl;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.rel.type.RelDataTypeFieldImpl;
import org.apache.calcite.rel.type.RelRecordType;
import org.apache.calcite.rel.type.StructKind;

/**
 * Calcite's Java type factory over {@link MeridianTypeSystem}, with UTF-8 as the character set of
 * every string type and literal, and a bounded cache of row types.
 *
 * <p>UTF-8: Calcite's default, ISO-8859-1, refused any literal outside Latin-1 ({@code SELECT
 * '世界'}: "Failed to encode … in character set ISO-8859-1"), although Java strings, the key codec
 * and the row format all hold any Unicode text. Calcite also reads a default from a system property
 * ({@link CalciteSettings}), but only once per JVM, so this override is what makes it hold whatever
 * touched Calcite first.
 *
 * <p>Row types: Calcite keeps every row type it ever built in one JVM-wide cache with soft values,
 * which the JVM clears only when the heap is nearly full. Planning a join tries many join orders,
 * each with its own row type, so a node running sqllogictest's select5 held over a gigabyte of
 * them after a full GC, and a node without a heap limit grew to 6 GB. Invariant: this factory
 * keeps at most {@link #ROW_TYPES_KEPT} row types (least recently used first out, counted in
 * {@link #rowTypeEvictions()}); one built again after its eviction is a new but equal object
 * (Calcite's types compare by digest), so correctness does not depend on the cache.
 */
public final class MeridianTypeFactory extends JavaTypeFactoryImpl {

  /** Row types kept per factory (one factory per planner, a few planners per node). */
  public static final int ROW_TYPES_KEPT = 4096;

  private static final AtomicLong EVICTIONS = new AtomicLong();

  private record Key(StructKind kind, List<String> names, List<RelDataType> types, boolean nullable) {}

  private final Map<Key, RelDataType> rowTypes = new LinkedHashMap<>(256, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Key, RelDataType> eldest) {
      boolean evict = size() > ROW_TYPES_KEPT;
      if (evict) {
        EVICTIONS.incrementAndGet();
      }
      return evict;
    }
  };

  public MeridianTypeFactory() {
    super(MeridianTypeSystem.INSTANCE);
  }

  /** Row types dropped from full caches since the JVM started, for metrics. */
  public static long rowTypeEvictions() {
    return EVICTIONS.get();
  }

  @Override
  public Charset getDefaultCharset() {
    return StandardCharsets.UTF_8;
  }

  @Override
  protected RelDataType canonize(StructKind kind, List<String> names, List<RelDataType> types, boolean nullable) {
    Key key = new Key(kind, new ArrayList<>(names), new ArrayList<>(types), nullable);
    synchronized (rowTypes) {
      return rowTypes.computeIfAbsent(key, MeridianTypeFactory::rowType);
    }
  }

  private static RelDataType rowType(Key key) {
    List<RelDataTypeField> fields = new ArrayList<>(key.names().size());
    for (int i = 0; i < key.names().size(); i++) {
      fields.add(new RelDataTypeFieldImpl(key.names().get(i), i, key.types().get(i)));
    }
    return new RelRecordType(key.kind(), fields, key.nullable());
  }
}
