package org.passerelle.gateway.ivr;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Answers "which room does this PIN open?". Static in the config, or asked of the platform over
 * HTTP. Implementations never log the PIN.
 */
public interface PinDirectory {

    /** The room the PIN opens, or empty when the PIN is unknown. Fails when the directory cannot answer. */
    CompletableFuture<Optional<String>> lookup(String pin);

    /** For logs and {@code dialplan explain}: what this directory is, without secrets. */
    String describe();
}
