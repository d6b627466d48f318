package dev.meridian.sql.plan;

import dev.meridian.sql.catalog.Catalog;
import dev.meridian.sql.catalog.Sequence;
import dev.meridian.sql.exec.SequenceCache;
import dev.meridian.sql.exec.SqlExecutionException;
import java.util.List;
import org.apache.calcite.adapter.enumerable.CallImplementor;
import org.apache.calcite.linq4j.tree.Expressions;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import java.util.Objects;
import org.apache.calcite.DataContext;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.schema.FunctionParameter;
import org.apache.calcite.schema.ImplementableFunction;
import org.apache.calcite.schema.ScalarFunction;
import org.apache.calcite.sql.SqlBasicCall;
import org.apache.calcite.sql.SqlFunctionCategory;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlUnresolvedFunction;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.type.InferTypes;
import org.apache.calcite.sql.type.OperandTypes;
import org.apache.calcite.sql.type.ReturnTypes;
import org.apache.calcite.sql.type.SqlTypeFamily;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.validate.SqlUserDefinedFunction;

/**
 * {@code NEXTVAL('name')} (PostgreSQL's spelling; {@code NEXT VALUE FOR name} is rewritten to it):
 * the next value of a sequence, drawn from this node's reserved block ({@link SequenceCache}).
 * The name is resolved when the statement runs, in the catalog it was planned against (an unknown
 * sequence is 42P01), so it may also be a parameter. Not deterministic, so the planner never folds
 * it into a constant.
 */
public final class NextValueFunction implements ScalarFunction, ImplementableFunction {

  static final String NAME = "NEXTVAL";

  private NextValueFunction() {}

  /** The NEXTVAL operator. */
  static final SqlUserDefinedFunction OPERATOR = operator();

  private static SqlUserDefinedFunction operator() {
    return new SqlUserDefinedFunction(new SqlIdentifier(NAME, SqlParserPos.ZERO), SqlKind.OTHER_FUNCTION,
        ReturnTypes.BIGINT, InferTypes.VARCHAR_1024,
        OperandTypes.operandMetadata(List.of(SqlTypeFamily.CHARACTER),
            types -> List.of(types.createSqlType(SqlTypeName.VARCHAR)), i -> "SEQUENCE", i -> false),
        new NextValueFunction()) {
      @Override
      public boolean isDeterministic() {
        return false;
      }
    };
  }

  /** An unresolved {@code NEXTVAL(argument)} call, resolved by the validator to the catalog's operator. */
  static SqlNode call(String argument, SqlParserPos pos) {
    return new SqlBasicCall(
        new SqlUnresolvedFunction(new SqlIdentifier(NAME, pos), null, null, null, null,
            SqlFunctionCategory.USER_DEFINED_FUNCTION),
        List.of(SqlLiteral.createCharString(argument, pos)), pos);
  }

  @Override
  public RelDataType getReturnType(RelDataTypeFactory typeFactory) {
    return typeFactory.createSqlType(SqlTypeName.BIGINT);
  }

  @Override
  public List<FunctionParameter> getParameters() {
    return List.of(new FunctionParameter() {
      @Override
      public int getOrdinal() {
        return 0;
      }

      @Override
      public String getName() {
        return "SEQUENCE";
      }

      @Override
      public RelDataType getType(RelDataTypeFactory typeFactory) {
        return typeFactory.createSqlType(SqlTypeName.VARCHAR);
      }

      @Override
      public boolean isOptional() {
        return false;
      }
    });
  }

  @Override
  public CallImplementor getImplementor() {
    return (translator, call, nullAs) -> Expressions.call(NextValueFunction.class, "next", translator.getRoot(),
        translator.translateList(call.getOperands()).get(0));
  }

  /**
   * Called by generated code: the next value of the sequence {@code argument} names, in the
   * catalog the statement was planned against (its root schema's).
   */
  public static long next(DataContext root, String argument) {
    if (argument == null) {
      throw new SqlExecutionException("22004", "nextval needs the name of a sequence, not NULL");
    }
    String name = SqlRewrites.sequenceName(argument);
    SchemaPlus schema = root.getRootSchema().getSubSchema(MeridianSchema.NAME);
    Catalog catalog = Objects.requireNonNull(schema, "PUBLIC schema").unwrap(MeridianSchema.class).catalog();
    Sequence sequence = catalog.sequence(name).orElseThrow(() ->
        new SqlExecutionException("42P01", "sequence " + name + " does not exist"));
    return SequenceCache.nextValue(root, sequence);
  }
}
