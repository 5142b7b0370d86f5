// The talker of one LiveKit room in Passerelle's load harness (./passerelle bench load --platform livekit).
//
// Joins a room with a token, subscribes to nothing, and publishes a microphone track carrying a
// loud 1 kHz burst during the first --burst-ms of every second and digital silence otherwise
// (the SIP talker's pattern in GeneratorAudio.java). For each burst it prints when its first
// sample is due to leave, on the monotonic clock that Java's System.nanoTime() also reads on
// Linux (CLOCK_MONOTONIC), so the generator can time the burst's arrival at the SIP callers:
//   {"event":"connected", room, identity}
//   {"event":"published", sid}
//   {"event":"burst", monoNs:"<nanoseconds>"}     (a string: BigInt)
//   {"event":"disconnected", reason}
// It leaves on "quit" or when stdin closes, or after --seconds.
//
// Options: --url ws://... --token JWT [--seconds N] [--burst-ms 200] [--amplitude 0.37] [--queue-ms 40]
import { AudioFrame, AudioSource, LocalAudioTrack, Room, TrackPublishOptions, TrackSource, dispose } from '@livekit/rtc-node';
import { createInterface } from 'node:readline';
import { emit, leave, parseArgs, run } from './cli.mjs';

const RATE = 48000;
const FRAME_MS = 10;
const TONE_HZ = 1000;

const OPTIONS = {
  '--seconds': ['seconds', Number],
  '--burst-ms': ['burstMs', Number],
  '--amplitude': ['amplitude', Number],
  '--queue-ms': ['queueMs', Number],
};

async function main() {
  const opts = parseArgs(process.argv.slice(2), { seconds: 0, burstMs: 200, amplitude: 0.37, queueMs: 40 }, OPTIONS);
  const state = { stopping: false, reason: '' };
  let resolveStopped;
  const stopped = new Promise((r) => (resolveStopped = r));
  const stop = (reason) => {
    if (!state.stopping) {
      state.stopping = true;
      state.reason = reason;
      resolveStopped();
    }
  };
  const room = new Room();
  room.on('disconnected', (reason) => stop('disconnected: ' + reason));
  await room.connect(opts.url, opts.token, { autoSubscribe: false, dynacast: false });
  emit({ event: 'connected', room: room.name, identity: room.localParticipant.identity });

  // A short queue: captureFrame paces the loop, and a frame captured now leaves after what is queued.
  const source = new AudioSource(RATE, 1, opts.queueMs);
  const track = LocalAudioTrack.createAudioTrack('bench-talker', source);
  const options = new TrackPublishOptions();
  options.source = TrackSource.SOURCE_MICROPHONE;
  options.dtx = false;
  const publication = await room.localParticipant.publishTrack(track, options);
  emit({ event: 'published', sid: publication.sid });

  const stdin = createInterface({ input: process.stdin });
  stdin.on('line', (line) => { if (line.trim() === 'quit') stop('quit'); });
  stdin.on('close', () => stop('stdin closed'));
  if (opts.seconds > 0) setTimeout(() => stop('time is up'), opts.seconds * 1000);

  const perFrame = (RATE * FRAME_MS) / 1000;
  const framesPerSecond = 1000 / FRAME_MS;
  const burstFrames = Math.round(opts.burstMs / FRAME_MS);
  const step = (2 * Math.PI * TONE_HZ) / RATE;
  const gain = opts.amplitude * 32767;
  let n = 0;
  let phase = 0;
  while (!state.stopping) {
    const k = n % framesPerSecond;
    const frame = AudioFrame.create(RATE, 1, perFrame);
    if (k < burstFrames) {
      for (let i = 0; i < perFrame; i++) {
        frame.data[i] = Math.round(gain * Math.sin(phase));
        phase += step;
      }
      phase %= 2 * Math.PI;
    }
    if (k === 0) {
      // This frame plays after what is already queued in the source.
      const due = process.hrtime.bigint() + BigInt(Math.round(source.queuedDuration * 1e6));
      emit({ event: 'burst', monoNs: due.toString() });
    }
    await source.captureFrame(frame);
    n++;
  }
  stdin.close();
  await source.close();
  await leave(room, state.reason, dispose);
}

run(main);
