package org.passerelle.gateway.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The room page's files (room.html, room.js, room.css, ...), read once from a source (the
 * classpath folder {@code web/} in production) and kept in memory with their content type and
 * ETag. Only plain file names of known types are served: no folders, so no way out of the folder.
 */
public final class StaticFiles {
    /** A plain file name: no separator, no leading dot (so neither "." nor ".."). */
    private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}");
    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"),
            Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("mjs", "text/javascript; charset=utf-8"),
            Map.entry("css", "text/css; charset=utf-8"),
            Map.entry("json", "application/json"),
            Map.entry("map", "application/json"),
            Map.entry("svg", "image/svg+xml"),
            Map.entry("png", "image/png"),
            Map.entry("ico", "image/x-icon"),
            Map.entry("woff2", "font/woff2"),
            Map.entry("txt", "text/plain; charset=utf-8"));

    /** Where file bytes come from; null when there is no such file. */
    @FunctionalInterface
    public interface Source {
        byte[] read(String name) throws IOException;
    }

    /** One servable file. */
    public record File(byte[] content, String contentType, String etag) {}

    private final Source source;
    private final Map<String, File> cache = new ConcurrentHashMap<>();

    public StaticFiles(Source source) {
        this.source = source;
    }

    /** Files under a classpath folder such as {@code "web/"}. */
    public static StaticFiles classpath(String folder) {
        ClassLoader loader = StaticFiles.class.getClassLoader();
        return new StaticFiles(name -> {
            try (InputStream in = loader.getResourceAsStream(folder + name)) {
                return in == null ? null : in.readAllBytes();
            }
        });
    }

    /** The file, or null when the name is not a plain file name of a known type or does not exist. */
    public File get(String name) {
        if (name == null || !FILE_NAME.matcher(name).matches()) return null;
        int dot = name.lastIndexOf('.');
        String type = dot < 0 ? null : TYPES.get(name.substring(dot + 1).toLowerCase(Locale.ROOT));
        if (type == null) return null;
        File f = cache.get(name);
        if (f == null) {
            // Misses are not cached: names asked for at random must not fill the memory.
            f = load(name, type);
            if (f != null) cache.put(name, f);
        }
        return f;
    }

    private File load(String name, String type) {
        try {
            byte[] bytes = source.read(name);
            if (bytes == null) return null;
            return new File(bytes, type, "\"" + HexFormat.of().formatHex(sha256(bytes), 0, 8) + "\"");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
