package io.profilebridge.job;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A store's schema as JDBC's metadata describes it, Flyway's history aside: each column (table, position, name, type,
 * size, nullability, default) and each index (table, unique or not, its columns in order). Index names are left
 * out: a database names the ones of primary keys and constraints itself, by the order they were made in.
 */
record StoreSchema(List<String> columns, List<String> indexes, List<String> history) {

    static StoreSchema of(String url, String login) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, login, login)) {
            DatabaseMetaData meta = c.getMetaData();
            List<String> tables = tables(meta);
            List<String> columns = new ArrayList<>();
            List<String> indexes = new ArrayList<>();
            for (String table : tables) {
                try (ResultSet rs = meta.getColumns(null, null, table, null)) {
                    while (rs.next()) {
                        columns.add(lower(table) + " " + rs.getInt("ORDINAL_POSITION") + " "
                                + lower(rs.getString("COLUMN_NAME")) + " " + rs.getString("TYPE_NAME") + "("
                                + rs.getInt("COLUMN_SIZE") + ") nullable=" + rs.getString("IS_NULLABLE")
                                + " default=" + rs.getString("COLUMN_DEF"));
                    }
                }
                Map<String, Map<Short, String>> byIndex = new TreeMap<>();
                Map<String, Boolean> unique = new TreeMap<>();
                try (ResultSet rs = meta.getIndexInfo(null, null, table, false, false)) {
                    while (rs.next()) {
                        String name = rs.getString("INDEX_NAME");
                        if (name == null) {
                            continue; // table statistics
                        }
                        byIndex.computeIfAbsent(name, n -> new TreeMap<>())
                                .put(rs.getShort("ORDINAL_POSITION"), lower(rs.getString("COLUMN_NAME")));
                        unique.put(name, !rs.getBoolean("NON_UNIQUE"));
                    }
                }
                byIndex.forEach((name, indexColumns) ->
                        indexes.add(lower(table) + (unique.get(name) ? " unique " : " ") + indexColumns.values()));
            }
            return new StoreSchema(columns, indexes, history(c));
        }
    }

    private static List<String> tables(DatabaseMetaData meta) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (ResultSet rs = meta.getTables(null, null, "%", new String[] {"TABLE"})) {
            while (rs.next()) {
                String schema = rs.getString("TABLE_SCHEM");
                String name = rs.getString("TABLE_NAME");
                if (lower(name).startsWith("bridge_")
                        && !"information_schema".equalsIgnoreCase(schema)
                        && !"pg_catalog".equalsIgnoreCase(schema)) {
                    tables.add(name);
                }
            }
        }
        tables.sort(String.CASE_INSENSITIVE_ORDER);
        return tables;
    }

    /**
     * The versions in Flyway's history, in the order they were applied: a baseline counts as its version, the row
     * that says Flyway created the schema has none.
     */
    static List<String> history(Connection c) throws SQLException {
        List<String> versions = new ArrayList<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT \"version\" FROM \"" + JobStoreSchema.FLYWAY_HISTORY
                        + "\" WHERE \"success\" AND \"version\" IS NOT NULL ORDER BY \"installed_rank\"")) {
            while (rs.next()) {
                versions.add(rs.getString(1));
            }
        }
        return versions;
    }

    private static String lower(String name) {
        return name.toLowerCase(Locale.ROOT);
    }
}
