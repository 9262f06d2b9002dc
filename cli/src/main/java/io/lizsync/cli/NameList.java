package io.lizsync.cli;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Comma-separated lists of database names as typed on the command line: {@code field,"my.schema"}
 * for schemas, {@code field.trees,"my.schema"."tab,le"} for tables.
 *
 * <p>A name is either bare or double-quoted. A bare name runs up to the next comma (or, for the
 * schema half of a table name, the next dot), with the blanks around it removed; it cannot hold a
 * double quote. A quoted name is taken verbatim (case, blanks, dots, commas) and {@code ""} inside
 * it stands for one {@code "}. A table name is split on its first dot outside quotes: {@code s.t.x}
 * is table {@code t.x} of schema {@code s}. Empty names and repeated names are refused.
 */
final class NameList {

    /** A table designated by schema and name, both verbatim. */
    record Table(String schema, String table) {
        @Override
        public String toString() {
            return format(schema, table);
        }
    }

    private NameList() {
    }

    /** Parses {@code a,b,"c,d"} into its names; {@code option} names the list in error messages. */
    static List<String> names(String option, String text) {
        List<String> names = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        Cursor c = new Cursor(option, text);
        do {
            String name = c.name(false);
            if (!seen.add(name)) {
                throw c.error(quote(name) + " is given twice");
            }
            names.add(name);
        } while (c.nextItem());
        return names;
    }

    /** Parses {@code s.t1,"my.schema"."tab,le"} into tables. */
    static List<Table> tables(String option, String text) {
        List<Table> tables = new ArrayList<>();
        Set<Table> seen = new HashSet<>();
        Cursor c = new Cursor(option, text);
        do {
            String schema = c.name(true);
            if (!c.dot()) {
                throw c.error("expected schema.table, got " + quote(schema) + " alone");
            }
            Table t = new Table(schema, c.name(false));
            if (!seen.add(t)) {
                throw c.error(t + " is given twice");
            }
            tables.add(t);
        } while (c.nextItem());
        return tables;
    }

    /** One name as it would be typed in a list: bare when that reads back the same, quoted otherwise. */
    static String quote(String name) {
        boolean bare = !name.isEmpty() && name.strip().equals(name);
        for (int i = 0; bare && i < name.length(); i++) {
            char ch = name.charAt(i);
            bare = ch != '"' && ch != ',' && ch != '.';
        }
        return bare ? name : '"' + name.replace("\"", "\"\"") + '"';
    }

    /** A table as it would be typed in a list ({@code schema.table}, quoted where needed). */
    static String format(String schema, String table) {
        return quote(schema) + "." + quote(table);
    }

    /** Walks the text; every error names the option and the position. */
    private static final class Cursor {
        private final String option;
        private final String text;
        private int pos;

        Cursor(String option, String text) {
            this.option = option;
            this.text = text == null ? "" : text;
            if (this.text.isBlank()) {
                throw error("the list is empty");
            }
        }

        /** Reads one name; a bare one stops at a comma, and also at a dot when {@code stopAtDot}. */
        String name(boolean stopAtDot) {
            skipBlanks();
            if (pos < text.length() && text.charAt(pos) == '"') {
                return quoted(stopAtDot);
            }
            int start = pos;
            while (pos < text.length()) {
                char ch = text.charAt(pos);
                if (ch == ',' || (stopAtDot && ch == '.')) {
                    break;
                }
                if (ch == '"') {
                    throw error("a double quote inside a bare name; quote the whole name and double the quotes in it");
                }
                pos++;
            }
            String name = text.substring(start, pos).strip();
            if (name.isEmpty()) {
                throw error("empty name");
            }
            return name;
        }

        private String quoted(boolean stopAtDot) {
            StringBuilder name = new StringBuilder();
            pos++;
            while (true) {
                if (pos >= text.length()) {
                    throw error("unterminated double quote");
                }
                char ch = text.charAt(pos++);
                if (ch != '"') {
                    name.append(ch);
                } else if (pos < text.length() && text.charAt(pos) == '"') {
                    name.append('"');
                    pos++;
                } else {
                    break;
                }
            }
            skipBlanks();
            if (pos < text.length()) {
                char ch = text.charAt(pos);
                if (ch != ',' && !(stopAtDot && ch == '.')) {
                    throw error("unexpected text after the quoted name \"" + name + "\"");
                }
            }
            if (name.isEmpty()) {
                throw error("empty name");
            }
            return name.toString();
        }

        /** Consumes the dot between schema and table; false when the item ends without one. */
        boolean dot() {
            if (pos < text.length() && text.charAt(pos) == '.') {
                pos++;
                return true;
            }
            return false;
        }

        /** Consumes the comma before the next item; false at the end of the text. */
        boolean nextItem() {
            if (pos >= text.length()) {
                return false;
            }
            // name() and quoted() only stop at a comma, a dot (handled by the caller) or the end.
            if (text.charAt(pos) != ',') {
                throw error("expected a comma");
            }
            pos++;
            return true;
        }

        private void skipBlanks() {
            while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
                pos++;
            }
        }

        UsageException error(String what) {
            return new UsageException("--" + option + ": " + what
                    + (text.isBlank() ? "" : " (at character " + (Math.min(pos, text.length()) + 1) + " of '" + text + "')"));
        }
    }
}
