package dev.meridian.sql.plan;

import com.google.common.collect.BoundType;
import com.google.common.collect.Range;
import dev.meridian.sql.catalog.ColumnType;
import dev.meridian.sql.catalog.IndexColumn;
import dev.meridian.sql.catalog.Table;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.calcite.avatica.util.ByteString;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexDynamicParam;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexUnknownAs;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.util.DateString;
import org.apache.calcite.util.NlsString;
import org.apache.calcite.util.Sarg;
import org.apache.calcite.util.TimestampString;

/**
 * Turns a filter over a table into key ranges of one index, as the InnoDB adapter's filter
 * translator does: equalities on the index's leading columns (including IN lists, which Calcite
 * writes as {@code SEARCH} over points), then one range on the next column.
 *
 * <p>What it consumes: an equality with a constant that converts exactly to the column's type is
 * fully expressed by the key and leaves the filter. Everything else that shaped the ranges (range
 * bounds, IN lists, parameters) also stays in the remaining filter and is checked again on each row:
 * the key ranges only narrow what is read, so NULLs at range ends, descending columns and parameter
 * values that do not convert exactly can never produce a wrong answer.
 */
final class AccessPathAnalyzer {

  /** At most this many ranges come from IN lists; beyond it the rest stays a filter. */
  private static final int MAX_RANGES = 1_000;

  private static final double EQUALITY_SELECTIVITY = 0.05;
  private static final double RANGE_SELECTIVITY = 0.25;

  /** A way to read the table through one index, the filter left over, and its estimated fraction. */
  record Choice(AccessPath path, RexNode remainder, double selectivity) {}

  private AccessPathAnalyzer() {}

  /** The best use of the index with {@code keyColumns} for {@code condition}, if it helps at all. */
  static Optional<Choice> analyze(
      Table table,
      int indexId,
      String indexName,
      List<IndexColumn> keyColumns,
      boolean primary,
      RexNode condition,
      RexBuilder rexBuilder) {
    List<RexNode> remaining = new ArrayList<>(RelOptUtil.conjunctions(condition));
    List<List<BoundValue>> prefixes = new ArrayList<>();
    prefixes.add(List.of());
    List<KeyRange> rangesOnNext = List.of();
    double selectivity = 1.0;
    int equalColumns = 0;

    for (IndexColumn keyColumn : keyColumns) {
      int position = table.position(keyColumn.columnId());
      ColumnType type = table.columns().get(position).type();

      Optional<Equality> equality = findEquality(remaining, position, type);
      if (equality.isPresent()) {
        for (int i = 0; i < prefixes.size(); i++) {
          prefixes.set(i, append(prefixes.get(i), equality.get().value()));
        }
        if (equality.get().exact()) {
          remaining.remove(equality.get().conjunct());
        }
        selectivity *= EQUALITY_SELECTIVITY;
        equalColumns++;
        continue;
      }

      Optional<SargRanges> sarg = findSearch(remaining, position, type);
      if (sarg.isPresent() && sarg.get().points() != null
          && prefixes.size() * sarg.get().points().size() <= MAX_RANGES) {
        List<List<BoundValue>> expanded = new ArrayList<>();
        for (List<BoundValue> prefix : prefixes) {
          for (BoundValue point : sarg.get().points()) {
            expanded.add(append(prefix, point));
          }
        }
        prefixes = expanded;
        selectivity *= Math.min(1.0, EQUALITY_SELECTIVITY * sarg.get().points().size());
        equalColumns++;
        continue;
      }
      if (sarg.isPresent() && sarg.get().ranges() != null
          && prefixes.size() * sarg.get().ranges().size() <= MAX_RANGES) {
        rangesOnNext = sarg.get().ranges();
        selectivity *= RANGE_SELECTIVITY;
        break;
      }

      Optional<KeyRange> comparison = findComparisons(remaining, position, type);
      if (comparison.isPresent()) {
        rangesOnNext = List.of(comparison.get());
        selectivity *= RANGE_SELECTIVITY;
      }
      break;
    }

    if (equalColumns == 0 && rangesOnNext.isEmpty()) {
      return Optional.empty();
    }
    List<KeyRange> ranges = new ArrayList<>();
    for (List<BoundValue> prefix : prefixes) {
      if (rangesOnNext.isEmpty()) {
        ranges.add(KeyRange.prefix(prefix));
      } else {
        for (KeyRange range : rangesOnNext) {
          ranges.add(new KeyRange(prefix, range.lower(), range.lowerInclusive(),
              range.upper(), range.upperInclusive()));
        }
      }
    }
    boolean pointLookup = primary && equalColumns == keyColumns.size() && rangesOnNext.isEmpty();
    RexNode remainder = RexUtil.composeConjunction(rexBuilder, remaining, true);
    return Optional.of(new Choice(new AccessPath(indexId, indexName, ranges, pointLookup), remainder,
        pointLookup ? 0 : selectivity));
  }

  private static List<BoundValue> append(List<BoundValue> prefix, BoundValue value) {
    List<BoundValue> longer = new ArrayList<>(prefix);
    longer.add(value);
    return longer;
  }

  private record Equality(RexNode conjunct, BoundValue value, boolean exact) {}

  private static Optional<Equality> findEquality(List<RexNode> conjuncts, int position, ColumnType type) {
    for (RexNode conjunct : conjuncts) {
      if (conjunct.getKind() != SqlKind.EQUALS) {
        continue;
      }
      RexCall call = (RexCall) conjunct;
      RexNode other = otherSideOf(call, position);
      if (other instanceof RexLiteral literal) {
        Optional<Object> value = literalValue(literal, type);
        if (value.isPresent()) {
          return Optional.of(new Equality(conjunct, new BoundValue.Constant(value.get()), true));
        }
      } else if (other instanceof RexDynamicParam param) {
        return Optional.of(new Equality(conjunct, new BoundValue.Parameter(param.getIndex()), false));
      }
    }
    return Optional.empty();
  }

  /** For {@code call} = op(a, b): the operand opposite a reference to column {@code position}. */
  private static RexNode otherSideOf(RexCall call, int position) {
    if (call.getOperands().size() != 2) {
      return null;
    }
    RexNode left = call.getOperands().get(0);
    RexNode right = call.getOperands().get(1);
    if (isColumn(left, position)) {
      return right;
    }
    if (isColumn(right, position)) {
      return left;
    }
    return null;
  }

  private static boolean isColumn(RexNode node, int position) {
    return node instanceof RexInputRef ref && ref.getIndex() == position;
  }

  private record SargRanges(List<BoundValue> points, List<KeyRange> ranges) {}

  @SuppressWarnings({"rawtypes", "unchecked"})
  private static Optional<SargRanges> findSearch(List<RexNode> conjuncts, int position, ColumnType type) {
    for (RexNode conjunct : conjuncts) {
      if (conjunct.getKind() != SqlKind.SEARCH) {
        continue;
      }
      RexCall call = (RexCall) conjunct;
      if (!isColumn(call.getOperands().get(0), position)
          || !(call.getOperands().get(1) instanceof RexLiteral literal)) {
        continue;
      }
      Sarg sarg = literal.getValueAs(Sarg.class);
      if (sarg == null || sarg.nullAs == RexUnknownAs.TRUE) {
        continue;
      }
      List<BoundValue> points = new ArrayList<>();
      List<KeyRange> ranges = new ArrayList<>();
      boolean allPoints = true;
      for (Object element : sarg.rangeSet.asRanges()) {
        Range range = (Range) element;
        BoundValue lower = null;
        BoundValue upper = null;
        if (range.hasLowerBound()) {
          Optional<Object> value = sargValue((Comparable) range.lowerEndpoint(), type);
          if (value.isEmpty()) {
            return Optional.empty();
          }
          lower = new BoundValue.Constant(value.get());
        }
        if (range.hasUpperBound()) {
          Optional<Object> value = sargValue((Comparable) range.upperEndpoint(), type);
          if (value.isEmpty()) {
            return Optional.empty();
          }
          upper = new BoundValue.Constant(value.get());
        }
        boolean point = range.hasLowerBound() && range.hasUpperBound()
            && range.lowerBoundType() == BoundType.CLOSED && range.upperBoundType() == BoundType.CLOSED
            && range.lowerEndpoint().compareTo(range.upperEndpoint()) == 0;
        if (point) {
          points.add(lower);
        } else {
          allPoints = false;
        }
        ranges.add(new KeyRange(List.of(), lower,
            range.hasLowerBound() && range.lowerBoundType() == BoundType.CLOSED,
            upper, range.hasUpperBound() && range.upperBoundType() == BoundType.CLOSED));
      }
      return Optional.of(allPoints ? new SargRanges(points, null) : new SargRanges(null, ranges));
    }
    return Optional.empty();
  }

  private static Optional<KeyRange> findComparisons(List<RexNode> conjuncts, int position, ColumnType type) {
    BoundValue lower = null;
    boolean lowerInclusive = false;
    BoundValue upper = null;
    boolean upperInclusive = false;
    for (RexNode conjunct : conjuncts) {
      SqlKind kind = conjunct.getKind();
      if (!(conjunct instanceof RexCall call) || !SqlKind.COMPARISON.contains(kind)
          || kind == SqlKind.EQUALS || kind == SqlKind.NOT_EQUALS) {
        continue;
      }
      RexNode other = otherSideOf(call, position);
      BoundValue value = boundOf(other, type);
      if (value == null) {
        continue;
      }
      // Normalize to "column OP value".
      if (!isColumn(call.getOperands().get(0), position)) {
        kind = kind.reverse();
      }
      switch (kind) {
        case GREATER_THAN, GREATER_THAN_OR_EQUAL -> {
          if (lower == null) {
            lower = value;
            lowerInclusive = kind == SqlKind.GREATER_THAN_OR_EQUAL;
          }
        }
        case LESS_THAN, LESS_THAN_OR_EQUAL -> {
          if (upper == null) {
            upper = value;
            upperInclusive = kind == SqlKind.LESS_THAN_OR_EQUAL;
          }
        }
        default -> { }
      }
    }
    if (lower == null && upper == null) {
      return Optional.empty();
    }
    return Optional.of(new KeyRange(List.of(), lower, lowerInclusive, upper, upperInclusive));
  }

  private static BoundValue boundOf(RexNode node, ColumnType type) {
    if (node instanceof RexLiteral literal) {
      return literalValue(literal, type).<BoundValue>map(BoundValue.Constant::new).orElse(null);
    }
    if (node instanceof RexDynamicParam param) {
      return new BoundValue.Parameter(param.getIndex());
    }
    return null;
  }

  /**
   * The runtime value of {@code literal} for a column of {@code type}, if it converts exactly (a
   * fraction never equals an integer column's value, so such a literal is not used for the key).
   */
  static Optional<Object> literalValue(RexLiteral literal, ColumnType type) {
    if (literal.isNull()) {
      return Optional.empty();
    }
    // getValue() is the literal's internal form: BigDecimal, NlsString, DateString, ... as in Sargs.
    Comparable<?> value = literal.getValue();
    return value == null ? Optional.empty() : sargValue(value, type);
  }

  /** Converts a Calcite literal value (as Sargs and literals hold them) to the column's runtime type. */
  private static Optional<Object> sargValue(Comparable<?> value, ColumnType type) {
    try {
      return switch (type.kind()) {
        case BOOLEAN -> value instanceof Boolean b ? Optional.of(b) : Optional.empty();
        case SMALLINT -> integral(value).filter(v -> v >= Short.MIN_VALUE && v <= Short.MAX_VALUE)
            .map(v -> (Object) (short) (long) v);
        case INTEGER -> integral(value).filter(v -> v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE)
            .map(v -> (Object) (int) (long) v);
        case BIGINT -> integral(value).map(v -> (Object) v);
        case REAL -> value instanceof BigDecimal d ? Optional.of(d.floatValue()) : Optional.empty();
        case DOUBLE -> value instanceof BigDecimal d ? Optional.of(d.doubleValue()) : Optional.empty();
        case DECIMAL -> {
          if (!(value instanceof BigDecimal d)) {
            yield Optional.empty();
          }
          boolean fits = type.precision() == ColumnType.UNSPECIFIED
              || d.stripTrailingZeros().scale() <= type.scale();
          yield fits ? Optional.of(d) : Optional.empty();
        }
        case VARCHAR -> value instanceof NlsString s ? Optional.of(s.getValue()) : Optional.empty();
        case VARBINARY -> value instanceof ByteString b ? Optional.of(b) : Optional.empty();
        case DATE -> value instanceof DateString d ? Optional.of(d.getDaysSinceEpoch()) : Optional.empty();
        case TIMESTAMP -> value instanceof TimestampString t
            ? Optional.of(t.getMillisSinceEpoch()) : Optional.empty();
      };
    } catch (ArithmeticException e) {
      return Optional.empty();
    }
  }

  private static Optional<Long> integral(Comparable<?> value) {
    if (!(value instanceof BigDecimal d)) {
      return Optional.empty();
    }
    BigDecimal stripped = d.stripTrailingZeros();
    if (stripped.scale() > 0) {
      return Optional.empty();
    }
    return Optional.of(stripped.longValueExact());
  }
}
