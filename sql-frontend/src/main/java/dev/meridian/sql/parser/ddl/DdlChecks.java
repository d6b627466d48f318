package dev.meridian.sql.parser.ddl;

import dev.meridian.sql.parser.ParseErrors;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.calcite.sql.SqlBasicTypeNameSpec;
import org.apache.calcite.sql.SqlDataTypeSpec;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * Rules of Meridian's DDL grammar that a context-free production cannot express, called from the
 * grammar's actions. Each failure is thrown through {@link ParseErrors#at}, so it reaches the user
 * as a {@code SqlParseException} at the offending clause.
 */
public final class DdlChecks {

  /**
   * Column types the key codec and the row format can store. TEXT, STRING (VARCHAR) and BYTES
   * (VARBINARY) are mapped by the grammar; NUMERIC, INT, DOUBLE PRECISION and CHAR VARYING by
   * Calcite's own type grammar.
   */
  public static final Set<SqlTypeName> SUPPORTED_COLUMN_TYPES = EnumSet.of(
      SqlTypeName.BOOLEAN,
      SqlTypeName.SMALLINT, SqlTypeName.INTEGER, SqlTypeName.BIGINT,
      SqlTypeName.REAL, SqlTypeName.FLOAT, SqlTypeName.DOUBLE,
      SqlTypeName.DECIMAL,
      SqlTypeName.VARCHAR, SqlTypeName.VARBINARY,
      SqlTypeName.DATE, SqlTypeName.TIMESTAMP);

  private static final String SUPPORTED_LIST =
      "BOOLEAN, SMALLINT, INTEGER, BIGINT, REAL, FLOAT, DOUBLE, DECIMAL(p, s), "
          + "VARCHAR(n) (or TEXT, STRING), VARBINARY (or BYTES), DATE, TIMESTAMP";

  private DdlChecks() {}

  /** A column type must be one of {@link #SUPPORTED_COLUMN_TYPES}, with no collection suffix. */
  public static void requireSupportedType(SqlDataTypeSpec type) {
    if (type.getTypeNameSpec() instanceof SqlBasicTypeNameSpec basic
        && basic.getCharSetName() == null
        && SUPPORTED_COLUMN_TYPES.contains(SqlTypeName.get(basic.getTypeName().getSimple()))) {
      return;
    }
    throw ParseErrors.at(type.getParserPosition(),
        "unsupported column type " + type.getTypeNameSpec().getTypeName()
            + "; Meridian columns may be " + SUPPORTED_LIST);
  }

  /** A column clause (NULL/NOT NULL, DEFAULT, PRIMARY KEY) may be given once. */
  public static void requireFirst(boolean first, SqlParserPos pos, String clause,
      SqlIdentifier column) {
    if (!first) {
      throw ParseErrors.at(pos, clause + " is given more than once for column " + column);
    }
  }

  /** OR REPLACE exists only for views, whose definition can be swapped without touching data. */
  public static void rejectOrReplace(boolean replace, SqlParserPos pos, String object) {
    if (replace) {
      throw ParseErrors.at(pos, "CREATE OR REPLACE " + object + " is not supported; "
          + "OR REPLACE is only allowed for CREATE VIEW");
    }
  }

  /**
   * A table has one primary key: declared on a single column or as a table constraint, not both and
   * not twice. The error points at the second declaration.
   */
  public static void requireAtMostOnePrimaryKey(SqlIdentifier table, List<SqlNode> elements) {
    boolean seen = false;
    for (SqlNode element : elements) {
      boolean declares = element instanceof SqlPrimaryKeyConstraint
          || element instanceof SqlColumnDeclaration column && column.isPrimaryKey();
      if (declares && seen) {
        throw ParseErrors.at(element.getParserPosition(),
            "table " + table + " has more than one PRIMARY KEY; declare the key once, "
                + "listing all its columns: PRIMARY KEY (a, b)");
      }
      seen |= declares;
    }
  }

  /**
   * The columns of a table-level UNIQUE constraint are columns of the table, each named once. The
   * error points at the offending column.
   */
  public static void requireUniqueColumnsDeclared(SqlIdentifier table, List<SqlNode> elements) {
    Set<String> declared = new HashSet<>();
    for (SqlNode element : elements) {
      if (element instanceof SqlColumnDeclaration column) {
        declared.add(column.getName().getSimple());
      }
    }
    for (SqlNode element : elements) {
      if (element instanceof SqlUniqueConstraint unique) {
        Set<String> seen = new HashSet<>();
        for (SqlIdentifier column : unique.getColumns()) {
          if (!declared.contains(column.getSimple())) {
            throw ParseErrors.at(column.getParserPosition(),
                "UNIQUE constraint names " + column + ", which is not a column of table " + table);
          }
          if (!seen.add(column.getSimple())) {
            throw ParseErrors.at(column.getParserPosition(),
                "UNIQUE constraint names column " + column + " more than once");
          }
        }
      }
    }
  }

  /** Each option of a placement policy may be given once. */
  public static void requireDistinctOptionKeys(List<SqlNode> options) {
    Map<String, SqlPolicyOption> byKey = new HashMap<>();
    for (SqlNode node : options) {
      SqlPolicyOption option = (SqlPolicyOption) node;
      if (byKey.putIfAbsent(option.getKeyName(), option) != null) {
        throw ParseErrors.at(option.getParserPosition(),
            "placement policy option " + option.getKeyName() + " is given more than once");
      }
    }
  }

  /** A sequence option (START, INCREMENT, …) may be given once, as in PostgreSQL. */
  public static void requireFirstOption(boolean first, SqlParserPos pos, String option) {
    if (!first) {
      throw ParseErrors.at(pos, "conflicting or redundant options: " + option + " is given more than once");
    }
  }

  /** A column fills itself from its DEFAULT or from its identity sequence, not both. */
  public static void rejectDefaultWithIdentity(SqlNode defaultValue, SqlIdentitySpec identity,
      SqlIdentifier column) {
    if (defaultValue != null && identity != null) {
      throw ParseErrors.at(identity.getParserPosition(),
          "both DEFAULT and GENERATED AS IDENTITY are given for column " + column);
    }
  }

  /** The value of {@code [-]digits}; outside BIGINT it is an error at {@code pos}. */
  public static long signedLong(boolean negative, String digits, SqlParserPos pos) {
    try {
      return Long.parseLong(negative ? "-" + digits : digits);
    } catch (NumberFormatException e) {
      throw ParseErrors.at(pos, "value " + (negative ? "-" : "") + digits + " is out of range for BIGINT");
    }
  }
}
