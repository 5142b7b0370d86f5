package org.passerelle.gateway.call;

import java.time.Duration;
import org.passerelle.gateway.livekit.LiveKitRooms;
import org.passerelle.gateway.media.MediaClock;
import org.passerelle.gateway.room.RoomRegistry;
import org.passerelle.sip.auth.AttemptLimiter;
import org.passerelle.transcoder.prompt.PromptLibrary;

/**
 * What calls share: the rooms, the media clock, the prompts and the PIN lockout.
 *
 * @param digitTimeout silence while typing a PIN before it is taken as typed
 * @param livekit      the LiveKit connector when rooms are LiveKit's, else null (embedded rooms)
 */
public record CallServices(RoomRegistry rooms, MediaClock clock, PromptLibrary prompts, AttemptLimiter pinLockout,
                           Duration digitTimeout, LiveKitRooms livekit) {

    /** Embedded rooms only. */
    public CallServices(RoomRegistry rooms, MediaClock clock, PromptLibrary prompts, AttemptLimiter pinLockout,
                        Duration digitTimeout) {
        this(rooms, clock, prompts, pinLockout, digitTimeout, null);
    }
}
