package org.vnicteam.appliance.http.internal;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A small streaming JSON writer (RFC 8259): objects, arrays, strings, numbers, booleans, null.
 * Strings are escaped completely: quote, backslash and every control character, plus {@code <},
 * {@code >}, {@code &}, U+2028/U+2029 and lone surrogates as {@code \}{@code uXXXX}, so that the
 * text stays valid JSON and safe to embed in HTML. Misuse (a value where a name is due, unbalanced
 * ends) throws {@link IllegalStateException}.
 */
final class JsonWriter {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final StringBuilder out = new StringBuilder(1024);
    /** Per open container: 'o' object awaiting a name, 'v' object awaiting a value, 'a' array. */
    private final Deque<Character> stack = new ArrayDeque<>();
    /** Whether the current container already holds an element (a comma is due). */
    private final Deque<Boolean> nonEmpty = new ArrayDeque<>();
    private boolean done;

    JsonWriter beginObject() {
        beforeValue();
        out.append('{');
        stack.push('o');
        nonEmpty.push(false);
        return this;
    }

    JsonWriter endObject() {
        if (stack.isEmpty() || stack.peek() != 'o') {
            throw new IllegalStateException("endObject outside an object or after a name");
        }
        stack.pop();
        nonEmpty.pop();
        out.append('}');
        afterValue();
        return this;
    }

    JsonWriter beginArray() {
        beforeValue();
        out.append('[');
        stack.push('a');
        nonEmpty.push(false);
        return this;
    }

    JsonWriter endArray() {
        if (stack.isEmpty() || stack.peek() != 'a') {
            throw new IllegalStateException("endArray outside an array");
        }
        stack.pop();
        nonEmpty.pop();
        out.append(']');
        afterValue();
        return this;
    }

    JsonWriter name(String name) {
        if (stack.isEmpty() || stack.peek() != 'o') {
            throw new IllegalStateException("a name outside an object, or two names in a row");
        }
        if (nonEmpty.peek()) {
            out.append(',');
        }
        string(name);
        out.append(':');
        stack.pop();
        stack.push('v');
        return this;
    }

    JsonWriter value(String s) {
        beforeValue();
        if (s == null) {
            out.append("null");
        } else {
            string(s);
        }
        afterValue();
        return this;
    }

    JsonWriter value(long n) {
        beforeValue();
        out.append(n);
        afterValue();
        return this;
    }

    JsonWriter value(boolean b) {
        beforeValue();
        out.append(b);
        afterValue();
        return this;
    }

    JsonWriter nullValue() {
        return value((String) null);
    }

    /** Shorthands for {@code name(n).value(v)}. */
    JsonWriter field(String n, String v) {
        return name(n).value(v);
    }

    JsonWriter field(String n, long v) {
        return name(n).value(v);
    }

    JsonWriter field(String n, boolean v) {
        return name(n).value(v);
    }

    /** The document; throws while a container is still open. */
    @Override
    public String toString() {
        if (!stack.isEmpty() || !done) {
            throw new IllegalStateException("incomplete JSON document");
        }
        return out.toString();
    }

    private void beforeValue() {
        if (stack.isEmpty()) {
            if (done) {
                throw new IllegalStateException("a second top-level value");
            }
            return;
        }
        char c = stack.peek();
        if (c == 'o') {
            throw new IllegalStateException("a value in an object needs a name first");
        }
        if (c == 'a' && nonEmpty.peek()) {
            out.append(',');
        }
    }

    private void afterValue() {
        if (stack.isEmpty()) {
            done = true;
            return;
        }
        if (stack.peek() == 'v') {
            stack.pop();
            stack.push('o');
        }
        nonEmpty.pop();
        nonEmpty.push(true);
    }

    private void string(String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == '\u2028' || c == '\u2029'
                            || c == 0x7f) {
                        unicode(c);
                    } else if (Character.isHighSurrogate(c) && i + 1 < s.length()
                            && Character.isLowSurrogate(s.charAt(i + 1))) {
                        out.append(c).append(s.charAt(++i));
                    } else if (Character.isSurrogate(c)) {
                        unicode(c); // a lone surrogate: keep it visible instead of a '?' in UTF-8
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    private void unicode(char c) {
        out.append("\\u").append(HEX[c >> 12 & 0xf]).append(HEX[c >> 8 & 0xf]).append(HEX[c >> 4 & 0xf])
                .append(HEX[c & 0xf]);
    }
}
