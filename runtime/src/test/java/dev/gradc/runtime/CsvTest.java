package dev.gradc.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvTest {
    @TempDir
    Path dir;

    Path file(String text) throws IOException {
        return Files.writeString(dir.resolve("data.csv"), text);
    }

    String error(String text) throws IOException {
        Path f = file(text);
        DataException e = assertThrows(DataException.class, () -> Csv.read(f));
        assertTrue(e.getMessage().startsWith(f + ":"), e.getMessage());
        return e.getMessage().substring(f.toString().length() + 1);
    }

    @Test
    void headerCommentsAndBlankLines() throws IOException {
        Dataset d = Csv.read(file("# two moons\nx1,x2,label\n\n0.5, -1.25 ,1\n  # mid comment\n3,4e-1,0\n\n"));
        assertEquals("data", d.name());
        assertEquals(2, d.size());
        assertEquals(2, d.features());
        assertArrayEquals(new double[] {0.5, -1.25, 3, 0.4}, d.x());
        assertArrayEquals(new double[] {1, 0}, d.y());
    }

    @Test
    void noHeader() throws IOException {
        Dataset d = Csv.read(file("1,2,3\n4,5,6\n"));
        assertArrayEquals(new double[] {1, 2, 4, 5}, d.x());
        assertArrayEquals(new double[] {3, 6}, d.y());
    }

    @Test
    void labelByIndexOrName() throws IOException {
        Path f = file("\"label\",\"a\",\"b\"\r\n1,2,3\r\n0,5,6\r\n");
        Dataset byName = Csv.read(f, "label");
        assertArrayEquals(new double[] {2, 3, 5, 6}, byName.x());
        assertArrayEquals(new double[] {1, 0}, byName.y());
        assertEquals(byName, Csv.read(f, 0));
        assertEquals(byName, Csv.read(f, -3));
        assertArrayEquals(new double[] {3, 6}, Csv.read(f, -1).y());
        assertArrayEquals(new double[] {2, 5}, Csv.read(f, 1).y());
    }

    @Test
    void byteOrderMarkAndQuotedNumbers() throws IOException {
        Path f = dir.resolve("bom.csv");
        Files.write(f, "\uFEFFx,y\n\"1.5\",2\n".getBytes(StandardCharsets.UTF_8));
        Dataset d = Csv.read(f);
        assertArrayEquals(new double[] {1.5}, d.x());
    }

    @Test
    void errors() throws IOException {
        assertEquals("3:3: error: not a number: 'abc'", error("a,b,c\n1,2,3\n4,abc,6\n"));
        assertEquals("2:4: error: expected 3 columns, found 2", error("a,b,c\n1,2\n"));
        assertEquals("3:7: error: expected 3 columns, found 4", error("1,2,3\n\n4,5,6,7\n"));
        assertEquals("1:1: error: empty file", error(""));
        assertEquals("1:1: error: empty file", error("# only a comment\n\n   \n"));
        assertEquals("2:1: error: no data rows after the header", error("\nx,y\n"));
        assertEquals("1:3: error: not a number: 'b' (the first row mixes numbers and names, so it is neither a header nor data)",
                error("1,b,3\n4,5,6\n"));
        assertEquals("2:3: error: empty field, expected a number", error("1,2,3\n4,,6\n"));
        assertEquals("1:5: error: empty field, expected a number", error("1,2,\n"));
        assertEquals("1:3: error: not a number: 'b' (the first row mixes numbers and names, so it is neither a header nor data)",
                error("1,b,,3\n"));
        assertEquals("1:1: error: no data rows after the header", error(",x,y\n"));
        assertEquals("2:1: error: not a number: 'NaN'", error("1,2\nNaN,3\n"));
        assertEquals("2:3: error: not a number: '0x10'", error("1,2\n1,0x10\n"));
        assertEquals("2:3: error: number out of range: '1e999'", error("1,2\n1,1e999\n"));
        assertEquals("1:3: error: unterminated quoted field", error("a,\"b\n1,2\n"));
        assertEquals("1:6: error: expected ',' after a quoted field", error("a,\"b\"c\n1,2\n"));
        assertEquals("1:1: error: need at least 2 columns (features and a label), found 1", error("y\n1\n"));
    }

    @Test
    void labelColumnErrors() throws IOException {
        Path f = file("# c\nx,y\n1,2\n");
        assertEquals(f + ":2:1: error: no column named 'z' (columns: x, y)",
                assertThrows(DataException.class, () -> Csv.read(f, "z")).getMessage());
        assertEquals(f + ":2:1: error: label column 2 is out of range for 2 columns",
                assertThrows(DataException.class, () -> Csv.read(f, 2)).getMessage());
        assertEquals(f + ":2:1: error: label column -3 is out of range for 2 columns",
                assertThrows(DataException.class, () -> Csv.read(f, -3)).getMessage());
        Path g = file("1,2\n");
        DataException e = assertThrows(DataException.class, () -> Csv.read(g, "y"));
        assertEquals(g + ":1:1: error: no header row, so there is no column named 'y'", e.getMessage());
        assertEquals(1, e.line());
        assertEquals(1, e.column());
        assertEquals(g.toString(), e.file());
    }

    @Test
    void notUtf8() throws IOException {
        Path f = dir.resolve("latin1.csv");
        Files.write(f, new byte[] {'x', ',', 'y', '\n', '1', ',', '2', '\n', '3', ',', (byte) 0xE9, '\n'});
        assertEquals(f + ":3:3: error: not UTF-8 text", assertThrows(DataException.class, () -> Csv.read(f)).getMessage());
    }

    @Test
    void randomDamageIsAlwaysADataException() throws IOException {
        String good = "# data\nx1,x2,label\n0.5,-1.25,1\n3,4e-1,0\n\"7\", 8 ,1\n";
        String alphabet = ",\"#\n\r .-+eE0123456789xyz\t\u00e9";
        Random random = new Random(3);
        Path f = dir.resolve("fuzz.csv");
        for (int trial = 0; trial < 5000; trial++) {
            StringBuilder sb = new StringBuilder(good.substring(0, random.nextInt(good.length() + 1)));
            for (int k = random.nextInt(4); k >= 0 && sb.length() > 0; k--) {
                sb.setCharAt(random.nextInt(sb.length()), alphabet.charAt(random.nextInt(alphabet.length())));
            }
            Files.writeString(f, sb);
            try {
                Dataset d = Csv.read(f);
                assertEquals(d.size() * d.features(), d.x().length);
            } catch (DataException e) {
                assertTrue(e.getMessage().matches("(?s)\\Q" + f + "\\E:\\d+:\\d+: error: .*"), e.getMessage());
            }
        }
    }

    @Test
    void labelsCheckedWhileReadingAreRefusedAtTheirPosition() throws IOException {
        Path f = Files.writeString(dir.resolve("d.csv"), "a,b,label\n1,2,0\n3,4, 7\n");
        DataException e = assertThrows(DataException.class, () -> Csv.read(f, v -> v == 0 || v == 1 || v == 2, "the 3 classes (0 to 2)"));
        assertEquals(f + ":3:6: error: label 7 is outside the 3 classes (0 to 2)", e.getMessage());
        assertEquals(2, Csv.read(f, v -> v >= 0, "non-negative labels").size());
    }
}
