package org.passerelle.gateway.call;

import java.time.Duration;
import org.passerelle.gateway.media.MediaClock;
import org.passerelle.gateway.room.RoomRegistry;
import org.passerelle.sip.auth.AttemptLimiter;
import org.passerelle.transcoder.prompt.PromptLibrary;

/**
 * What calls share: the rooms, the media clock, the prompts and the PIN lockout.
 *
 * @param digitTimeout silence while typing a PIN before it is taken as typed
 */
public record CallServices(RoomRegistry rooms, MediaClock clock, PromptLibrary prompts, AttemptLimiter pinLockout,
                           Duration digitTimeout) {
}
