package org.passerelle.transcoder.prompt;

/** A prompt that cannot be used: missing, unreadable, or in a format we do not play. */
public final class PromptException extends RuntimeException {
    public PromptException(String message) {
        super(message);
    }

    public PromptException(String message, Throwable cause) {
        super(message, cause);
    }
}
