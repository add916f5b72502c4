package org.vnicteam.appliance.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class JsonWriterTest {

    @Test
    void givenNestedValues_whenWritten_thenCompactValidJson() {
        String json = new JsonWriter().beginObject().field("a", 1).field("b", true).name("c").nullValue()
                .name("d").beginArray().value("x").value(-2).beginObject().endObject().beginArray().endArray()
                .endArray().endObject().toString();
        assertEquals("{\"a\":1,\"b\":true,\"c\":null,\"d\":[\"x\",-2,{},[]]}", json);
        assertEquals(Map.of("a", 1L, "b", true, "d", List.of("x", -2L, Map.of(), List.of())),
                Map.copyOf(withoutNulls(MiniJson.object(MiniJson.parse(json)))));
    }

    @Test
    void givenEveryAwkwardCharacter_whenWrittenAsString_thenEscapedAndParsesBackToTheSameText() {
        StringBuilder all = new StringBuilder("quote\" backslash\\ slash/ tab\t nl\n cr\r bs\b ff\f del\u007f ");
        for (char c = 0; c < 0x20; c++) {
            all.append(c);
        }
        all.append(" </script> & 'single' \u2028\u2029 é 日本 \uD83D\uDE00 lone:\uD800 end");
        String text = all.toString();

        String json = new JsonWriter().beginObject().field("s", text).endObject().toString();

        for (char c : json.toCharArray()) {
            assertEquals(false, c < 0x20, "no raw control character in " + json);
        }
        assertEquals(false, json.contains("<") || json.contains(">") || json.contains("&"), json);
        assertEquals(false, json.contains("\u2028") || json.contains("\u2029"), json);
        assertEquals(text, MiniJson.object(MiniJson.parse(json)).get("s"));
        assertEquals(true, json.contains("\\u003c/script\\u003e"), json);
        assertEquals(true, json.contains("\uD83D\uDE00"), "a surrogate pair stays as it is");
        assertEquals(true, json.contains("\\ud800"), "a lone surrogate is escaped");
    }

    @Test
    void givenMisuse_whenWriting_thenIllegalState() {
        assertThrows(IllegalStateException.class, () -> new JsonWriter().beginObject().value(1));
        assertThrows(IllegalStateException.class, () -> new JsonWriter().beginArray().name("x"));
        assertThrows(IllegalStateException.class, () -> new JsonWriter().beginObject().endArray());
        assertThrows(IllegalStateException.class, () -> new JsonWriter().beginObject().toString());
        assertThrows(IllegalStateException.class, () -> new JsonWriter().value(1).value(2));
        assertThrows(IllegalStateException.class, () -> new JsonWriter().beginObject().name("a").name("b"));
    }

    private static Map<String, Object> withoutNulls(Map<String, Object> m) {
        m.values().removeIf(v -> v == null);
        return m;
    }
}
