package dev.meridian.shell;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;

/**
 * {@code bin/meridian load --url URL --table T FILE.csv [--header] [--batch N] [--delimiter ,]}:
 * loads a CSV file ({@link CsvReader}, RFC 4180) into a table through the JDBC driver, as a DBA
 * would with PostgreSQL's {@code \copy}.
 *
 * <ul>
 *   <li>Columns: with {@code --header}, the first record names them (as stored, or matching one
 *       column regardless of case) and the table's other columns get their defaults; without, every
 *       record holds every column in the table's order.
 *   <li>Values are typed by the table's metadata ({@link CsvColumn}) and checked before they are
 *       sent: a bad one stops the load with its line and column named.
 *   <li>Rows go in batches of {@code --batch} (default 1,000) by {@code executeBatch} of one
 *       prepared INSERT, in autocommit: each batch is one transaction. So a failure leaves every
 *       earlier batch loaded and nothing of the failing one; the error names the line of the row
 *       that failed (the server says which), and the summary how many rows were loaded and from
 *       which line to resume (or, for a load that may be repeated, to truncate and load again).
 *   <li>Progress on standard error ({@link LoadProgress}), a summary line on standard output.
 * </ul>
 * Exit status: 0 loaded, 1 stopped by a bad value or an error of the database, 64 bad usage, 66
 * no such file.
 */
public final class LoadCommand {

  static final String USAGE =
      "usage: meridian load --url jdbc:meridian://HOST:PORT --table T FILE.csv [--header] [--batch N] [--delimiter ,]";

  /** Rows per batch at most: a batch is one transaction, whose write buffer is bounded on the node. */
  static final int MAX_BATCH = 100_000;

  private LoadCommand() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err, Boolean.getBoolean("meridian.terminal"), System::nanoTime));
  }

  /** The options, checked. */
  record Options(String url, String table, Path file, boolean header, int batch, char delimiter) {

    static Options parse(String[] args) {
      String url = null;
      String table = null;
      Path file = null;
      boolean header = false;
      int batch = 1_000;
      char delimiter = ',';
      for (int i = 0; i < args.length; i++) {
        String arg = args[i];
        switch (arg) {
          case "--url" -> url = value(args, ++i, arg);
          case "--table" -> table = value(args, ++i, arg);
          case "--header" -> header = true;
          case "--batch" -> {
            String text = value(args, ++i, arg);
            try {
              batch = Integer.parseInt(text);
            } catch (NumberFormatException e) {
              batch = 0;
            }
            if (batch < 1 || batch > MAX_BATCH) {
              throw new IllegalArgumentException("--batch must be a number from 1 to " + MAX_BATCH + ", not " + text);
            }
          }
          case "--delimiter" -> delimiter = delimiter(value(args, ++i, arg));
          default -> {
            if (arg.startsWith("--")) {
              throw new IllegalArgumentException("unknown option " + arg);
            }
            if (file != null) {
              throw new IllegalArgumentException("one file at a time: " + file + " and " + arg);
            }
            file = Path.of(arg);
          }
        }
      }
      if (url == null || table == null || file == null) {
        throw new IllegalArgumentException("--url, --table and a file are required");
      }
      return new Options(url, table, file, header, batch, delimiter);
    }

    private static String value(String[] args, int i, String option) {
      if (i >= args.length) {
        throw new IllegalArgumentException(option + " needs a value");
      }
      return args[i];
    }

    private static char delimiter(String text) {
      String value = switch (text) {
        case "\\t", "tab", "TAB" -> "\t";
        default -> text;
      };
      if (value.length() != 1 || value.charAt(0) == '"' || value.charAt(0) == '\r' || value.charAt(0) == '\n') {
        throw new IllegalArgumentException("--delimiter must be one character (not a quote or line break); "
            + "\\t or tab for a tab");
      }
      return value.charAt(0);
    }
  }

  /** The load stopped; the message says where and why. */
  private static final class Stop extends Exception {
    Stop(String message) {
      super(message);
    }
  }

  static int run(String[] args, PrintStream out, PrintStream err, boolean terminal, LongSupplier nanos) {
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      err.println("load: " + e.getMessage());
      err.println(USAGE);
      return 64;
    }
    long totalBytes;
    try {
      totalBytes = Files.size(options.file());
    } catch (NoSuchFileException e) {
      err.println("load: no such file: " + options.file());
      return 66;
    } catch (IOException e) {
      err.println("load: cannot read " + options.file() + ": " + e.getMessage());
      return 66;
    }
    Load load = new Load(options, new LoadProgress(err, terminal, totalBytes, nanos));
    try {
      load.run();
    } catch (Stop | SQLException | IOException e) {
      load.progress.finish(load.loaded, load.bytes());
      err.println("load: " + (e instanceof Stop ? "" : "error: ") + e.getMessage());
      out.println(load.summary(false));
      return 1;
    }
    load.progress.finish(load.loaded, load.bytes());
    out.println(load.summary(true));
    return 0;
  }

  /** One run of the loader. */
  private static final class Load {
    final Options options;
    final LoadProgress progress;
    CountingInputStream counting;
    String tableName;
    long loaded;
    /** The line the first row not yet loaded starts on. */
    long resumeLine = 1;
    long batches;

    Load(Options options, LoadProgress progress) {
      this.options = options;
      this.progress = progress;
    }

    long bytes() {
      return counting == null ? 0 : counting.count();
    }

    void run() throws Stop, SQLException, IOException {
      try (Connection connection = DriverManager.getConnection(options.url())) {
        List<CsvColumn> tableColumns = columns(connection.getMetaData());
        counting = new CountingInputStream(Files.newInputStream(options.file()));
        Reader reader = new InputStreamReader(counting, StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT));
        try (reader) {
          CsvReader csv = new CsvReader(reader, options.delimiter());
          List<CsvColumn> columns = tableColumns;
          if (options.header()) {
            CsvReader.Record header = csv.next();
            if (header == null) {
              throw new Stop("the file is empty: no header");
            }
            columns = byHeader(header, tableColumns);
            resumeLine = header.line() + 1;
          }
          load(connection, csv, columns);
        } catch (CharacterCodingException e) {
          throw new Stop("the file is not UTF-8 (near byte " + counting.count() + "): " + e.getMessage());
        } catch (CsvFormatException e) {
          throw new Stop(e.getMessage());
        }
      }
    }

    /** The table's columns in order, from the driver's metadata. */
    List<CsvColumn> columns(DatabaseMetaData metadata) throws SQLException, Stop {
      for (String name : List.of(options.table(), options.table().toUpperCase(Locale.ROOT))) {
        List<CsvColumn> columns = new ArrayList<>();
        try (ResultSet rows = metadata.getColumns(null, null, name, null)) {
          while (rows.next()) {
            tableName = rows.getString("TABLE_NAME");
            columns.add(new CsvColumn(rows.getString("COLUMN_NAME"), rows.getInt("DATA_TYPE"),
                rows.getString("TYPE_NAME"), rows.getInt("NULLABLE") != DatabaseMetaData.columnNoNulls));
          }
        }
        if (!columns.isEmpty()) {
          return columns;
        }
      }
      throw new Stop("no table " + options.table() + " (names are matched as stored, then in upper case)");
    }

    List<CsvColumn> byHeader(CsvReader.Record header, List<CsvColumn> tableColumns) throws Stop {
      List<CsvColumn> columns = new ArrayList<>();
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < header.fields().size(); i++) {
        String name = header.fields().get(i).strip();
        CsvColumn column = match(name, tableColumns);
        if (column == null) {
          throw new Stop("line " + header.line() + ", column " + (i + 1) + ": the header names '" + name
              + "', which is no column of " + tableName + " (its columns: "
              + tableColumns.stream().map(CsvColumn::name).collect(Collectors.joining(", ")) + ")");
        }
        if (!seen.add(column.name())) {
          throw new Stop("line " + header.line() + ", column " + (i + 1) + ": the header names " + column.name()
              + " twice");
        }
        columns.add(column);
      }
      return columns;
    }

    private static CsvColumn match(String name, List<CsvColumn> columns) {
      for (CsvColumn column : columns) {
        if (column.name().equals(name)) {
          return column;
        }
      }
      List<CsvColumn> alike = columns.stream().filter(column -> column.name().equalsIgnoreCase(name)).toList();
      return alike.size() == 1 ? alike.get(0) : null;
    }

    void load(Connection connection, CsvReader csv, List<CsvColumn> columns) throws Stop, SQLException, IOException {
      String sql = "INSERT INTO " + quoted(tableName) + " ("
          + columns.stream().map(column -> quoted(column.name())).collect(Collectors.joining(", "))
          + ") VALUES (" + "?, ".repeat(columns.size() - 1) + "?)";
      connection.setAutoCommit(true);
      try (PreparedStatement insert = connection.prepareStatement(sql)) {
        long[] lines = new long[options.batch()];
        int pending = 0;
        CsvReader.Record record;
        while ((record = csv.next()) != null) {
          if (record.fields().size() != columns.size()) {
            throw new Stop("line " + record.line() + ": " + record.fields().size() + " fields, but "
                + (options.header() ? "the header names " : "the table has ") + columns.size() + " columns");
          }
          for (int i = 0; i < columns.size(); i++) {
            CsvColumn column = columns.get(i);
            try {
              column.bind(insert, i + 1, record.fields().get(i), record.quoted().get(i));
            } catch (CsvColumn.BadValue e) {
              throw new Stop("line " + record.fieldLines().get(i) + ", column " + (i + 1) + " (" + column.name()
                  + " " + column.typeName() + "): " + e.getMessage());
            }
          }
          insert.addBatch();
          lines[pending++] = record.line();
          if (pending == lines.length) {
            execute(insert, lines, pending, record.line() + 1);
            pending = 0;
          }
          progress.update(loaded, bytes());
        }
        if (pending > 0) {
          execute(insert, lines, pending, Long.MAX_VALUE);
        }
      }
    }

    /** Sends the batch of rows from {@code lines}; {@code nextLine} is where the next row starts. */
    private void execute(PreparedStatement insert, long[] lines, int rows, long nextLine) throws Stop, SQLException {
      try {
        insert.executeBatch();
      } catch (BatchUpdateException e) {
        int failed = e.getUpdateCounts() == null ? -1 : e.getUpdateCounts().length;
        String where = failed >= 0 && failed < rows ? "line " + lines[failed] : "lines " + lines[0] + "-" + lines[rows - 1];
        throw new Stop(where + ": " + e.getMessage() + " (SQLSTATE " + e.getSQLState() + ")");
      } catch (SQLException e) {
        throw new SQLException("loading lines " + lines[0] + "-" + lines[rows - 1] + ": " + e.getMessage()
            + " (SQLSTATE " + e.getSQLState() + ")", e.getSQLState(), e);
      }
      loaded += rows;
      batches++;
      resumeLine = nextLine;
    }

    String summary(boolean complete) {
      double seconds = progress.elapsedNanos() / 1e9;
      String rate = String.format(Locale.ROOT, "%.1f s (%.0f rows/s)", seconds, loaded / Math.max(seconds, 1e-9));
      String into = tableName == null ? options.table() : tableName;
      if (complete) {
        return "load: " + loaded + " rows into " + into + " from " + options.file() + " in " + rate + ", "
            + batches + " batches";
      }
      return "load: stopped; " + loaded + " rows loaded into " + into + " in " + rate + " (every batch before "
          + "the failure committed, nothing after it); to resume, load from line " + resumeLine;
    }

    private static String quoted(String identifier) {
      return '"' + identifier.replace("\"", "\"\"") + '"';
    }
  }
}
