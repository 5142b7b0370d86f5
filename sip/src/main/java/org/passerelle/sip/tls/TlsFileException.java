package org.passerelle.sip.tls;

import java.nio.file.Path;

/**
 * A certificate or key file that cannot serve: {@link #setting()} names the config key
 * ({@code certificate} or {@code privateKey}), {@link #file()} the file, the message says why.
 * Never carries key material.
 */
public final class TlsFileException extends Exception {
    private final String setting;
    private final Path file;
    private final String reason;

    public TlsFileException(String setting, Path file, String reason) {
        super(setting + ": " + file + ": " + reason);
        this.setting = setting;
        this.file = file;
        this.reason = reason;
    }

    public String setting() {
        return setting;
    }

    public Path file() {
        return file;
    }

    public String reason() {
        return reason;
    }
}
