package org.passerelle.transcoder;

/**
 * Monotonic time source, injected everywhere time matters so unit tests can advance a fake
 * clock instead of sleeping.
 */
@FunctionalInterface
public interface NanoClock {
    long nanoTime();

    NanoClock SYSTEM = System::nanoTime;
}
