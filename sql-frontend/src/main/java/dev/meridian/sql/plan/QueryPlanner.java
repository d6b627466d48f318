package dev.meridian.sql.plan;

import dev.meridian.sql.catalog.Catalog;
import dev.meridian.sql.catalog.View;
import dev.meridian.sql.parser.MeridianConformance;
import dev.meridian.sql.parser.MeridianSqlParser;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.calcite.adapter.enumerable.EnumerableConvention;
import org.apache.calcite.adapter.enumerable.EnumerableInterpretable;
import org.apache.calcite.adapter.enumerable.EnumerableRel;
import org.apache.calcite.adapter.java.JavaTypeFactory;
import org.apache.calcite.config.CalciteConnectionConfig;
import org.apache.calcite.config.CalciteConnectionConfigImpl;
import org.apache.calcite.config.CalciteConnectionProperty;
import org.apache.calcite.config.NullCollation;
import org.apache.calcite.jdbc.CalciteSchema;
import org.apache.calcite.plan.ConventionTraitDef;
import org.apache.calcite.plan.Contexts;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptPlanner;
import org.apache.calcite.plan.RelOptRule;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.plan.volcano.VolcanoPlanner;
import org.apache.calcite.prepare.CalciteCatalogReader;
import org.apache.calcite.rel.RelCollationTraitDef;
import org.apache.calcite.rel.RelCollations;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelRoot;
import org.apache.calcite.rel.metadata.DefaultRelMetadataProvider;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.runtime.Bindable;
import org.apache.calcite.sql.SqlExplain;
import org.apache.calcite.sql.SqlExplainLevel;
import org.apache.calcite.sql.SqlInsert;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOperatorTable;
import org.apache.calcite.sql.fun.SqlLibrary;
import org.apache.calcite.sql.fun.SqlLibraryOperatorTableFactory;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.validate.SqlValidator;
import org.apache.calcite.sql2rel.SqlToRelConverter;
import org.apache.calcite.tools.Program;
import org.apache.calcite.tools.Programs;

/**
 * Plans SQL against one catalog version with Calcite (DESIGN.md §8): validate with Meridian's
 * validator, convert to relational algebra, optimize with Calcite's rules plus {@link
 * MeridianRules}, and compile to a {@link Bindable} that runs in the Enumerable engine. The result is
 * reusable across executions (parameters are bound at execution), so the engine caches it.
 *
 * <p>Thread-safe: each {@link #plan} uses its own validator and planner; the schema is immutable.
 */
public final class QueryPlanner {

  /**
   * What {@link #plan} produces: everything needed to execute a statement and describe it. {@code
   * fieldOrigins} has, for each field of a query's row type, the {@code [schema, table, column]}
   * it reads unchanged, or null for a computed field (Calcite's {@code
   * SqlValidator.getFieldOrigins}); it is empty for other statements.
   */
  public record Plan(
      SqlKind kind,
      Bindable<Object> bindable,
      Map<String, Object> internalParameters,
      RelDataType rowType,
      RelDataType parameterRowType,
      String explain,
      List<List<String>> fieldOrigins) {

    public Plan(SqlKind kind, Bindable<Object> bindable, Map<String, Object> internalParameters,
        RelDataType rowType, RelDataType parameterRowType, String explain) {
      this(kind, bindable, internalParameters, rowType, parameterRowType, explain, List.of());
    }
  }

  static {
    CalciteSettings.apply();
  }

  /** Calcite's and PostgreSQL's functions, and Meridian's NEXTVAL and LIKE with a parameter escape. */
  private static final SqlOperatorTable OPERATORS = org.apache.calcite.sql.util.SqlOperatorTables.chain(
      SqlLibraryOperatorTableFactory.INSTANCE.getOperatorTable(SqlLibrary.STANDARD, SqlLibrary.POSTGRESQL),
      org.apache.calcite.sql.util.SqlOperatorTables.of(NextValueFunction.OPERATOR, LikeEscape.FUNCTION));


  private final Catalog catalog;
  private final JavaTypeFactory typeFactory = new MeridianTypeFactory();
  private final CalciteSchema rootSchema;
  private final CalciteConnectionConfig connectionConfig;

  public QueryPlanner(Catalog catalog) {
    this.catalog = catalog;
    this.rootSchema = CalciteSchema.createRootSchema(false, false);
    MeridianSchema schema = new MeridianSchema(catalog, ColumnDefaults::new,
        view -> new MeridianViewTable(view, this::viewRowType));
    rootSchema.add(MeridianSchema.NAME, schema);
    rootSchema.add(SystemSchema.NAME, new SystemSchema(catalog));
    Properties properties = new Properties();
    properties.setProperty(CalciteConnectionProperty.CASE_SENSITIVE.camelName(), "true");
    this.connectionConfig = new CalciteConnectionConfigImpl(properties);
  }

  public Catalog catalog() {
    return catalog;
  }

  public JavaTypeFactory typeFactory() {
    return typeFactory;
  }

  public CalciteSchema rootSchema() {
    return rootSchema;
  }

  private CalciteCatalogReader catalogReader() {
    return new CalciteCatalogReader(rootSchema, List.of(MeridianSchema.NAME), typeFactory, connectionConfig);
  }

  private MeridianValidator validator(CalciteCatalogReader reader) {
    SqlValidator.Config config = SqlValidator.Config.DEFAULT
        .withConformance(MeridianConformance.INSTANCE)
        // Keys store NULL before every value (DESIGN.md §3), so NULL sorts low: first in ascending
        // order, last in descending, as in SQLite and MySQL. ORDER BY then agrees with index order.
        .withDefaultNullCollation(NullCollation.LOW)
        .withIdentifierExpansion(true);
    return new MeridianValidator(OPERATORS, reader, typeFactory, config);
  }

  /** The type a column declaration names, e.g. {@code DECIMAL(10, 2)}. */
  public RelDataType deriveType(org.apache.calcite.sql.SqlDataTypeSpec spec) {
    return spec.deriveType(validator(catalogReader()));
  }

  /** Validates {@code sql} as a query and returns its row type (used for views and CREATE VIEW). */
  public RelDataType queryRowType(SqlNode query) {
    MeridianValidator validator = validator(catalogReader());
    SqlNode validated = validator.validate(query);
    return validator.getValidatedNodeType(validated);
  }

  private RelDataType viewRowType(View view) {
    try {
      RelDataType type = queryRowType(MeridianSqlParser.parse(view.sql()));
      if (view.columnNames().isEmpty()) {
        return type;
      }
      return typeFactory.createStructType(
          type.getFieldList().stream().map(field -> field.getType()).toList(), view.columnNames());
    } catch (SqlParseException e) {
      throw new IllegalStateException("stored view " + view.name() + " does not parse: " + e.getMessage(), e);
    }
  }

  /**
   * Calcite's standard program, except for join order: from two joins up, a heuristic (MultiJoin
   * with LoptOptimizeJoinRule) orders joins instead of an exhaustive search by commute and associate
   * rules, whose cost grows exponentially (a five-table join took seconds to plan).
   */
  private static Program program(RelOptPlanner planner) {
    return Programs.sequence(
        Programs.subQuery(DefaultRelMetadataProvider.INSTANCE),
        Programs.decorrelate(),
        Programs.trim(),
        Programs.heuristicJoinOrder(planner.getRules(), false, 2),
        Programs.calc(DefaultRelMetadataProvider.INSTANCE));
  }

  /** Plans a query, DML statement or EXPLAIN PLAN. */
  public Plan plan(SqlNode statement) {
    if (statement instanceof SqlExplain explain) {
      Plan inner = plan(explain.getExplicandum());
      return new Plan(SqlKind.EXPLAIN, null, Map.of(), null, inner.parameterRowType(), inner.explain());
    }
    boolean upsert = statement instanceof SqlInsert insert && insert.isUpsert();
    CalciteCatalogReader reader = catalogReader();
    MeridianValidator validator = validator(reader);
    SqlNode validated = validator.validate(statement);
    RelDataType parameterRowType = validator.getParameterRowType(validated);
    List<List<String>> fieldOrigins = statement.getKind().belongsTo(SqlKind.QUERY)
        ? validator.getFieldOrigins(validated) : List.of();

    VolcanoPlanner planner = new VolcanoPlanner(null, Contexts.of(new MeridianRules.UpsertFlag(upsert)));
    planner.setExecutor(LiteralCastExecutor.INSTANCE);
    planner.addRelTraitDef(ConventionTraitDef.INSTANCE);
    planner.addRelTraitDef(RelCollationTraitDef.INSTANCE);
    RelOptUtil.registerDefaultRules(planner, false, false);
    SemiJoinRules.REPLACED.forEach(planner::removeRule);
    SemiJoinRules.REPLACEMENTS.forEach(planner::addRule);
    for (RelOptRule rule : MeridianRules.all()) {
      planner.addRule(rule);
    }
    RelOptCluster cluster = RelOptCluster.create(planner, new MeridianRexBuilder(typeFactory));
    Expander expander = new Expander(reader, cluster);
    SqlToRelConverter converter = expander.converter(validator);
    RelRoot root = converter.convertQuery(validated, false, true);
    RelNode logical = StrictSemantics.rewrite(root.project());

    // The result must be ordered only as ORDER BY says (root.collation), as Calcite's own Prepare
    // asks; the order the logical tree happens to have (a scan's key order) is no requirement, and
    // asking for it made the planner sort hash-join and aggregate results nobody ordered. A
    // non-trivial root projection keeps its ORDER BY as a Sort inside the tree.
    RelTraitSet desired = logical.getTraitSet().replace(EnumerableConvention.INSTANCE)
        .replace(root.isRefTrivial() ? root.collation : RelCollations.EMPTY);
    RelNode best = MeridianBufferedInput.bufferNestedLoopInners(
        program(planner).run(planner, logical, desired, List.of(), List.of()));
    Map<String, Object> internalParameters = new HashMap<>();
    @SuppressWarnings("unchecked")
    Bindable<Object> bindable = EnumerableInterpretable.toBindable(
        internalParameters, null, (EnumerableRel) best, EnumerableRel.Prefer.ARRAY);
    String explain = RelOptUtil.toString(best, SqlExplainLevel.EXPPLAN_ATTRIBUTES);
    return new Plan(statement.getKind(), bindable, internalParameters,
        root.validatedRowType, parameterRowType, explain, fieldOrigins);
  }

  /** Expands views inside one statement's planning, on that statement's cluster. */
  private final class Expander implements RelOptTable.ViewExpander {
    private final CalciteCatalogReader reader;
    private final RelOptCluster cluster;

    Expander(CalciteCatalogReader reader, RelOptCluster cluster) {
      this.reader = reader;
      this.cluster = cluster;
    }

    SqlToRelConverter converter(MeridianValidator validator) {
      SqlToRelConverter.Config config = SqlToRelConverter.config()
          .withTrimUnusedFields(true)
          .withExpand(false)
          // IN lists stay predicates (SEARCH) that can become key lookups, not joins with VALUES.
          .withInSubQueryThreshold(Integer.MAX_VALUE);
      return new SqlToRelConverter(this, validator, reader, cluster,
          MeridianConvertlets.INSTANCE, config);
    }

    @Override
    public RelRoot expandView(
        RelDataType rowType, String queryString, List<String> schemaPath, List<String> viewPath) {
      try {
        SqlNode parsed = MeridianSqlParser.parse(queryString);
        MeridianValidator validator = validator(reader);
        SqlNode validated = validator.validate(parsed);
        return converter(validator).convertQuery(validated, true, false);
      } catch (SqlParseException e) {
        throw new IllegalStateException("view " + viewPath + " does not parse: " + e.getMessage(), e);
      }
    }
  }
}
