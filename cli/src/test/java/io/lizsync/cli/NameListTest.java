package io.lizsync.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lizsync.cli.NameList.Table;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Comma-separated, possibly double-quoted name lists of --schemas and --tables. */
class NameListTest {

    @Test
    void bareNamesAreTrimmedAndKeepTheirCaseAndInnerBlanks() {
        assertEquals(List.of("field", "Other Schema", "été"), NameList.names("schemas", " field , Other Schema,été"));
        assertEquals(List.of("a.b"), NameList.names("schemas", "a.b"), "a dot means nothing in a schema list");
    }

    @Test
    void quotedNamesAreVerbatim() {
        assertEquals(List.of("a,b", " padded ", "say \"hi\"", "x"),
                NameList.names("schemas", "\"a,b\", \" padded \" ,\"say \"\"hi\"\"\",x"));
        assertEquals(List.of("\""), NameList.names("schemas", "\"\"\"\""));
    }

    @Test
    void tablesSplitOnTheFirstDotOutsideQuotes() {
        assertEquals(List.of(new Table("field", "trees"), new Table("s", "t.x")),
                NameList.tables("tables", "field.trees, s.t.x"));
        assertEquals(List.of(new Table("my.schema", "tab,le"), new Table("s", "t.u"), new Table("a\"b", "c")),
                NameList.tables("tables", "\"my.schema\".\"tab,le\",s.\"t.u\",\"a\"\"b\".c"));
        assertEquals(List.of(new Table("My Schema", "Trees")), NameList.tables("tables", " \"My Schema\" . Trees "));
    }

    @Test
    void malformedListsAreUsageErrors() {
        for (String bad : List.of("", "  ", "a,,b", "a,", ",a", "\"a", "\"a\"b", "a\"b\"", "\"\"", "a,a")) {
            assertThrows(UsageException.class, () -> NameList.names("schemas", bad), bad);
        }
        for (String bad : List.of("trees", "\"s.t\"", "s.", ".t", "s.t,", "s.\"t\"x", "s.t,s.t", "s.t.\"x\"",
                "\"s\"\"t\"")) {
            assertThrows(UsageException.class, () -> NameList.tables("tables", bad), bad);
        }
    }

    @Test
    void errorsNameTheOption() {
        var e = assertThrows(UsageException.class, () -> NameList.tables("tables", "field"));
        assertTrue(e.getMessage().startsWith("--tables: expected schema.table"), e.getMessage());
    }

    @Test
    void formattedNamesReadBackTheSame() {
        List<Table> tables = List.of(new Table("field", "trees"), new Table("my.schema", "tab,le"),
                new Table(" lead", "q\"uote"), new Table("Mixed Case", "x"));
        String text = String.join(",", tables.stream().map(Table::toString).toList());
        assertEquals("field.trees,\"my.schema\".\"tab,le\",\" lead\".\"q\"\"uote\",Mixed Case.x", text);
        assertEquals(tables, NameList.tables("tables", text));
    }
}
