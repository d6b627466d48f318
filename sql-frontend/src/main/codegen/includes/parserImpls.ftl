<#--
  Meridian's productions, included into Calcite's Parser.jj by FMPP (see ../config.fmpp for the
  hooks that call them). Conventions:
  - Every node is built in dev.meridian.sql.parser.ddl; checks that a context-free rule cannot
    express (one primary key, supported column types, distinct option keys) are in DdlChecks and
    throw through ParseErrors.at, which the generated parser turns into a SqlParseException that
    carries the position.
  - Helper productions start with "Meridian" so they cannot collide with Calcite's own.
  - New keywords are non-reserved; where one may also be a name (IF), a LOOKAHEAD settles it.
-->

/** [ IF NOT EXISTS ]; LOOKAHEAD(3) so that an object named IF still parses. */
boolean MeridianIfNotExistsOpt() :
{
}
{
    LOOKAHEAD(3) <IF> <NOT> <EXISTS> { return true; }
|
    { return false; }
}

/** [ IF EXISTS ]. */
boolean MeridianIfExistsOpt() :
{
}
{
    LOOKAHEAD(2) <IF> <EXISTS> { return true; }
|
    { return false; }
}

/** TEXT and STRING mean VARCHAR, BYTES means VARBINARY (Spanner's and CockroachDB's spellings). */
SqlTypeNameSpec MeridianAliasTypeName() :
{
}
{
    ( <TEXT> | <STRING> ) {
        return new SqlBasicTypeNameSpec(SqlTypeName.VARCHAR, getPos());
    }
|
    <BYTES> {
        return new SqlBasicTypeNameSpec(SqlTypeName.VARBINARY, getPos());
    }
}

/** A key or index column: name [ ASC | DESC ]. */
SqlKeyColumn MeridianKeyColumn() :
{
    final SqlIdentifier name;
    final Span s;
    boolean descending = false;
}
{
    name = SimpleIdentifier() { s = span(); }
    [ <ASC> | <DESC> { descending = true; } ]
    {
        return new SqlKeyColumn(s.end(this), name, descending);
    }
}

/** ( keyColumn [, keyColumn ]* ). */
SqlNodeList MeridianKeyColumnList() :
{
    final Span s;
    final List<SqlNode> list = new ArrayList<SqlNode>();
    SqlKeyColumn column;
}
{
    <LPAREN> { s = span(); }
    column = MeridianKeyColumn() { list.add(column); }
    (
        <COMMA> column = MeridianKeyColumn() { list.add(column); }
    )*
    <RPAREN>
    {
        return new SqlNodeList(list, s.end(this));
    }
}

/**
 * name type { NOT NULL | NULL | DEFAULT expr | GENERATED … AS IDENTITY | PRIMARY KEY | UNIQUE }*,
 * each clause at most once, in any order; DEFAULT and IDENTITY exclude each other.
 */
SqlColumnDeclaration MeridianColumnDeclaration() :
{
    final SqlIdentifier name;
    final SqlDataTypeSpec type;
    final Span s;
    Span clause;
    SqlColumnDeclaration.Nullability nullability = SqlColumnDeclaration.Nullability.UNSPECIFIED;
    SqlNode defaultValue = null;
    boolean primaryKey = false;
    boolean unique = false;
    SqlIdentitySpec identity = null;
}
{
    name = SimpleIdentifier() { s = span(); }
    type = DataType() { DdlChecks.requireSupportedType(type); }
    (
        <GENERATED> { clause = span(); }
        {
            DdlChecks.requireFirst(identity == null, clause.pos(), "GENERATED AS IDENTITY", name);
        }
        identity = MeridianIdentity(clause)
    |
        <NOT> { clause = span(); } <NULL> {
            DdlChecks.requireFirst(nullability == SqlColumnDeclaration.Nullability.UNSPECIFIED,
                clause.end(this), "NULL or NOT NULL", name);
            nullability = SqlColumnDeclaration.Nullability.NOT_NULL;
        }
    |
        <NULL> {
            DdlChecks.requireFirst(nullability == SqlColumnDeclaration.Nullability.UNSPECIFIED,
                getPos(), "NULL or NOT NULL", name);
            nullability = SqlColumnDeclaration.Nullability.NULLABLE;
        }
    |
        <DEFAULT_> { clause = span(); }
        {
            DdlChecks.requireFirst(defaultValue == null, clause.pos(), "DEFAULT", name);
        }
        defaultValue = Expression(ExprContext.ACCEPT_NON_QUERY)
    |
        <PRIMARY> { clause = span(); } <KEY> {
            DdlChecks.requireFirst(!primaryKey, clause.end(this), "PRIMARY KEY", name);
            primaryKey = true;
        }
    |
        <UNIQUE> {
            DdlChecks.requireFirst(!unique, getPos(), "UNIQUE", name);
            unique = true;
        }
    )*
    {
        DdlChecks.rejectDefaultWithIdentity(defaultValue, identity, name);
        return new SqlColumnDeclaration(s.end(this), name, type, nullability, defaultValue,
            primaryKey, unique, identity);
    }
}

/**
 * [ CONSTRAINT name ] { PRIMARY KEY ( keyColumn, ... ) | UNIQUE ( col, ... ) }: one production, so
 * that the shared CONSTRAINT prefix needs no lookahead.
 */
SqlNode MeridianTableConstraint() :
{
    Span s = null;
    SqlIdentifier name = null;
    final SqlNodeList columns;
}
{
    [ <CONSTRAINT> { s = span(); } name = SimpleIdentifier() ]
    (
        <PRIMARY> { if (s == null) { s = span(); } } <KEY>
        columns = MeridianKeyColumnList()
        {
            return new SqlPrimaryKeyConstraint(s.end(this), name, columns);
        }
    |
        <UNIQUE> { if (s == null) { s = span(); } }
        columns = ParenthesizedSimpleIdentifierList()
        {
            return new SqlUniqueConstraint(s.end(this), name, columns);
        }
    )
}

SqlNode MeridianTableElement() :
{
    final SqlNode element;
}
{
    (
        element = MeridianTableConstraint()
    |
        element = MeridianColumnDeclaration()
    )
    { return element; }
}

/** CREATE TABLE [ IF NOT EXISTS ] name ( element [, element ]* ). */
SqlCreate SqlCreateTable(Span s, boolean replace) :
{
    final boolean ifNotExists;
    final SqlIdentifier name;
    final Span elementsSpan;
    final List<SqlNode> elements = new ArrayList<SqlNode>();
    SqlNode element;
}
{
    <TABLE> { DdlChecks.rejectOrReplace(replace, s.end(this), "TABLE"); }
    ifNotExists = MeridianIfNotExistsOpt()
    name = CompoundIdentifier()
    <LPAREN> { elementsSpan = span(); }
    element = MeridianTableElement() { elements.add(element); }
    (
        <COMMA> element = MeridianTableElement() { elements.add(element); }
    )*
    <RPAREN>
    {
        DdlChecks.requireAtMostOnePrimaryKey(name, elements);
        DdlChecks.requireUniqueColumnsDeclared(name, elements);
        return new SqlCreateTable(s.end(this), ifNotExists, name,
            new SqlNodeList(elements, elementsSpan.end(this)));
    }
}

/** CREATE [ UNIQUE ] INDEX [ IF NOT EXISTS ] name ON table ( keyColumn, ... ) [ STORING ( col, ... ) ]. */
SqlCreate SqlCreateIndex(Span s, boolean replace) :
{
    boolean unique = false;
    final boolean ifNotExists;
    final SqlIdentifier name;
    final SqlIdentifier table;
    final SqlNodeList columns;
    SqlNodeList storing = SqlNodeList.EMPTY;
}
{
    [ <UNIQUE> { unique = true; } ]
    <INDEX> { DdlChecks.rejectOrReplace(replace, s.end(this), "INDEX"); }
    ifNotExists = MeridianIfNotExistsOpt()
    name = CompoundIdentifier()
    <ON> table = CompoundIdentifier()
    columns = MeridianKeyColumnList()
    [ <STORING> storing = ParenthesizedSimpleIdentifierList() ]
    {
        return new SqlCreateIndex(s.end(this), unique, ifNotExists, name, table, columns, storing);
    }
}

/** CREATE [ OR REPLACE ] VIEW name [ ( col, ... ) ] AS query. */
SqlCreate SqlCreateView(Span s, boolean replace) :
{
    final SqlIdentifier name;
    SqlNodeList columns = null;
    final SqlNode query;
}
{
    <VIEW> name = CompoundIdentifier()
    [ columns = ParenthesizedSimpleIdentifierList() ]
    <AS> query = OrderedQueryOrExpr(ExprContext.ACCEPT_QUERY)
    {
        return new SqlCreateView(s.end(this), replace, name, columns, query);
    }
}

/** KEY = literal. */
SqlPolicyOption MeridianPolicyOption() :
{
    final SqlIdentifier key;
    final Span s;
    final SqlNode value;
}
{
    key = SimpleIdentifier() { s = span(); }
    <EQ> value = Literal()
    {
        return new SqlPolicyOption(s.end(this), key, value);
    }
}

/** CREATE PLACEMENT POLICY [ IF NOT EXISTS ] name WITH ( KEY = literal, ... ). */
SqlCreate SqlCreatePlacementPolicy(Span s, boolean replace) :
{
    final boolean ifNotExists;
    final SqlIdentifier name;
    final Span policyOptionsSpan;
    final List<SqlNode> policyOptions = new ArrayList<SqlNode>();
    SqlPolicyOption option;
}
{
    <PLACEMENT> <POLICY> { DdlChecks.rejectOrReplace(replace, s.end(this), "PLACEMENT POLICY"); }
    ifNotExists = MeridianIfNotExistsOpt()
    name = SimpleIdentifier()
    <WITH> <LPAREN> { policyOptionsSpan = span(); }
    option = MeridianPolicyOption() { policyOptions.add(option); }
    (
        <COMMA> option = MeridianPolicyOption() { policyOptions.add(option); }
    )*
    <RPAREN>
    {
        DdlChecks.requireDistinctOptionKeys(policyOptions);
        return new SqlCreatePlacementPolicy(s.end(this), ifNotExists, name,
            new SqlNodeList(policyOptions, policyOptionsSpan.end(this)));
    }
}

/** DROP TABLE [ IF EXISTS ] name [ CASCADE | RESTRICT ]. */
SqlDrop SqlDropTable(Span s, boolean replace) :
{
    final boolean ifExists;
    final SqlIdentifier name;
    boolean cascade = false;
}
{
    <TABLE> ifExists = MeridianIfExistsOpt() name = CompoundIdentifier()
    [ <CASCADE> { cascade = true; } | <RESTRICT> ]
    {
        return new SqlDropTable(s.end(this), ifExists, name, cascade);
    }
}

/** DROP SEQUENCE [ IF EXISTS ] name. */
SqlDrop SqlDropSequence(Span s, boolean replace) :
{
    final boolean ifExists;
    final SqlIdentifier name;
}
{
    <SEQUENCE> ifExists = MeridianIfExistsOpt() name = CompoundIdentifier()
    {
        return new SqlDropSequence(s.end(this), ifExists, name);
    }
}

/** DROP INDEX [ IF EXISTS ] name [ ON table ]. */
SqlDrop SqlDropIndex(Span s, boolean replace) :
{
    final boolean ifExists;
    final SqlIdentifier name;
    SqlIdentifier table = null;
}
{
    <INDEX> ifExists = MeridianIfExistsOpt() name = CompoundIdentifier()
    [ <ON> table = CompoundIdentifier() ]
    {
        return new SqlDropIndex(s.end(this), ifExists, name, table);
    }
}

/** DROP VIEW [ IF EXISTS ] name. */
SqlDrop SqlDropView(Span s, boolean replace) :
{
    final boolean ifExists;
    final SqlIdentifier name;
}
{
    <VIEW> ifExists = MeridianIfExistsOpt() name = CompoundIdentifier()
    {
        return new SqlDropView(s.end(this), ifExists, name);
    }
}

/** DROP PLACEMENT POLICY [ IF EXISTS ] name. */
SqlDrop SqlDropPlacementPolicy(Span s, boolean replace) :
{
    final boolean ifExists;
    final SqlIdentifier name;
}
{
    <PLACEMENT> <POLICY> ifExists = MeridianIfExistsOpt() name = SimpleIdentifier()
    {
        return new SqlDropPlacementPolicy(s.end(this), ifExists, name);
    }
}

/** ( expr [, expr ]* ): one split point. */
SqlNodeList MeridianSplitPoint() :
{
    final Span s;
    final List<SqlNode> values = new ArrayList<SqlNode>();
    SqlNode value;
}
{
    <LPAREN> { s = span(); }
    value = Expression(ExprContext.ACCEPT_NON_QUERY) { values.add(value); }
    (
        <COMMA> value = Expression(ExprContext.ACCEPT_NON_QUERY) { values.add(value); }
    )*
    <RPAREN>
    {
        return new SqlNodeList(values, s.end(this));
    }
}

/**
 * ALTER TABLE name { ADD [ COLUMN ] [ IF NOT EXISTS ] columnDeclaration
 *                  | SPLIT AT VALUES ( expr, ... ) [, ( expr, ... ) ]*
 *                  | SET PLACEMENT POLICY name }.
 * A whole statement (not an "ALTER scope" extension): Calcite's ALTER requires SYSTEM or SESSION.
 */
SqlNode SqlAlterTable() :
{
    final Span s;
    final SqlIdentifier table;
    final boolean ifNotExists;
    final SqlColumnDeclaration column;
    final Span pointsSpan;
    final List<SqlNode> points = new ArrayList<SqlNode>();
    SqlNodeList point;
    final SqlIdentifier policy;
}
{
    <ALTER> { s = span(); } <TABLE> table = CompoundIdentifier()
    (
        <ADD> [ <COLUMN> ]
        ifNotExists = MeridianIfNotExistsOpt()
        column = MeridianColumnDeclaration()
        {
            return new SqlAlterTableAddColumn(s.end(this), table, ifNotExists, column);
        }
    |
        <SPLIT> <AT> <VALUES> { pointsSpan = span(); }
        point = MeridianSplitPoint() { points.add(point); }
        (
            <COMMA> point = MeridianSplitPoint() { points.add(point); }
        )*
        {
            return new SqlAlterTableSplitAt(s.end(this), table,
                new SqlNodeList(points, pointsSpan.end(this)));
        }
    |
        <SET> <PLACEMENT> <POLICY> policy = SimpleIdentifier()
        {
            return new SqlAlterTableSetPlacementPolicy(s.end(this), table, policy);
        }
    )
}

/** SHOW TABLES | SHOW RANGES [ FROM TABLE name ] | SHOW REGIONS. */
SqlNode SqlShow() :
{
    final Span s;
    SqlIdentifier table = null;
}
{
    <SHOW> { s = span(); }
    (
        <TABLES> { return new SqlShowTables(s.end(this)); }
    |
        <RANGES> [ <FROM> <TABLE> table = CompoundIdentifier() ]
        {
            return new SqlShowRanges(s.end(this), table);
        }
    |
        <REGIONS> { return new SqlShowRegions(s.end(this)); }
    )
}

/** [ - ] unsigned integer, as a long; a value outside BIGINT is an error at its position. */
long MeridianSignedLong() :
{
    boolean negative = false;
    final Span s;
}
{
    [ <MINUS> { negative = true; } ]
    <UNSIGNED_INTEGER_LITERAL> { s = span(); }
    {
        return DdlChecks.signedLong(negative, token.image, s.pos());
    }
}

/**
 * { START [ WITH ] n | INCREMENT [ BY ] n | MINVALUE n | NO MINVALUE | MAXVALUE n | NO MAXVALUE
 *   | CACHE n | CYCLE | NO CYCLE }*, each at most once (PostgreSQL's CREATE SEQUENCE options).
 */
SqlSequenceOptions MeridianSequenceOptions() :
{
    final Span s;
    Span clause;
    Long start = null;
    Long increment = null;
    Long minValue = null;
    Long maxValue = null;
    Long cache = null;
    Boolean cycle = null;
    boolean noMin = false;
    boolean noMax = false;
    long value;
}
{
    { s = span(); }
    (
        <START> { clause = span(); } [ <WITH> ] value = MeridianSignedLong()
        { DdlChecks.requireFirstOption(start == null, clause.pos(), "START"); start = value; }
    |
        <INCREMENT> { clause = span(); } [ <BY> ] value = MeridianSignedLong()
        { DdlChecks.requireFirstOption(increment == null, clause.pos(), "INCREMENT"); increment = value; }
    |
        <MINVALUE> { clause = span(); } value = MeridianSignedLong()
        { DdlChecks.requireFirstOption(minValue == null && !noMin, clause.pos(), "MINVALUE"); minValue = value; }
    |
        <MAXVALUE> { clause = span(); } value = MeridianSignedLong()
        { DdlChecks.requireFirstOption(maxValue == null && !noMax, clause.pos(), "MAXVALUE"); maxValue = value; }
    |
        <CACHE> { clause = span(); } value = MeridianSignedLong()
        { DdlChecks.requireFirstOption(cache == null, clause.pos(), "CACHE"); cache = value; }
    |
        <CYCLE> { DdlChecks.requireFirstOption(cycle == null, getPos(), "CYCLE"); cycle = true; }
    |
        <NO> { clause = span(); }
        (
            <MINVALUE> { DdlChecks.requireFirstOption(minValue == null && !noMin, clause.pos(), "MINVALUE"); noMin = true; }
        |
            <MAXVALUE> { DdlChecks.requireFirstOption(maxValue == null && !noMax, clause.pos(), "MAXVALUE"); noMax = true; }
        |
            <CYCLE> { DdlChecks.requireFirstOption(cycle == null, clause.pos(), "CYCLE"); cycle = false; }
        )
    )*
    {
        return new SqlSequenceOptions(s.end(this), start, increment, minValue, maxValue, cache,
            cycle != null && cycle);
    }
}

/** GENERATED { ALWAYS | BY DEFAULT } AS IDENTITY [ ( sequence options ) ], after GENERATED. */
SqlIdentitySpec MeridianIdentity(Span s) :
{
    boolean always;
    SqlSequenceOptions sequenceOptions = SqlSequenceOptions.NONE;
}
{
    (
        <ALWAYS> { always = true; }
    |
        <BY> <DEFAULT_> { always = false; }
    )
    <AS> <IDENTITY>
    [ <LPAREN> sequenceOptions = MeridianSequenceOptions() <RPAREN> ]
    {
        return new SqlIdentitySpec(s.end(this), always, sequenceOptions);
    }
}

/** CREATE SEQUENCE [ IF NOT EXISTS ] name [ option ]*. */
SqlCreate SqlCreateSequence(Span s, boolean replace) :
{
    final boolean ifNotExists;
    final SqlIdentifier name;
    final SqlSequenceOptions sequenceOptions;
}
{
    <SEQUENCE> { DdlChecks.rejectOrReplace(replace, s.end(this), "SEQUENCE"); }
    ifNotExists = MeridianIfNotExistsOpt()
    name = CompoundIdentifier()
    sequenceOptions = MeridianSequenceOptions()
    {
        return new SqlCreateSequence(s.end(this), ifNotExists, name, sequenceOptions);
    }
}

/**
 * query [ FOR UPDATE ]: every query of a statement goes through here (its first two tokens are a
 * query's), so that FOR UPDATE may follow it; without the clause the query itself is returned.
 */
SqlNode MeridianQueryForUpdate() :
{
    final SqlNode query;
    final Span s;
}
{
    query = OrderedQueryOrExpr(ExprContext.ACCEPT_QUERY) { s = span(); }
    (
        <FOR_UPDATE>
        {
            return new SqlSelectForUpdate(s.end(this), query);
        }
    |
        { return query; }
    )
}
