package org.passerelle.gateway.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Where each setting of a YAML file is: config paths such as {@code trunks[1].auth.password}
 * mapped to their line, so an error can say "(line 14)". A missing setting is reported at its
 * nearest parent that exists ({@code trunks[1].auth}).
 */
public final class YamlLines {
    private final Map<String, Integer> lines;

    private YamlLines(Map<String, Integer> lines) {
        this.lines = lines;
    }

    /** Indexes a document; of one that cannot be read, what came before the error. */
    public static YamlLines of(String yaml) {
        Map<String, Integer> lines = new HashMap<>();
        try (JsonParser p = new YAMLFactory().createParser(yaml)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) continue;
                String path = toPath(p.getParsingContext().pathAsPointer());
                if (!path.isEmpty()) lines.putIfAbsent(path, p.currentTokenLocation().getLineNr());
            }
        } catch (IOException e) {
            // Unreadable YAML is reported by the parser with its own line; no index needed.
        }
        return new YamlLines(lines);
    }

    /** The line of {@code path} or of its nearest parent in the file, or 0 when none is. */
    public int lineOf(String path) {
        String p = path;
        while (!p.isEmpty()) {
            Integer line = lines.get(p);
            if (line != null) return line;
            p = parent(p);
        }
        return 0;
    }

    /** {@code message} with " (line N)" appended when the line is known. */
    public String locate(String path, String message) {
        int line = lineOf(path);
        return path + ": " + message + (line > 0 ? " (line " + line + ")" : "");
    }

    private static String parent(String path) {
        int dot = path.lastIndexOf('.');
        int bracket = path.lastIndexOf('[');
        int cut = Math.max(dot, bracket);
        return cut <= 0 ? "" : path.substring(0, cut);
    }

    /** "/trunks/1/auth" → "trunks[1].auth". */
    private static String toPath(JsonPointer pointer) {
        StringBuilder b = new StringBuilder();
        for (JsonPointer ptr = pointer; ptr != null && !ptr.matches(); ptr = ptr.tail()) {
            String seg = ptr.getMatchingProperty();
            if (ptr.getMatchingIndex() >= 0 && seg.chars().allMatch(Character::isDigit)) {
                b.append('[').append(seg).append(']');
            } else {
                if (!b.isEmpty()) b.append('.');
                b.append(seg);
            }
        }
        return b.toString();
    }
}
