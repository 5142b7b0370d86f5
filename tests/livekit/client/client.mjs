// A real LiveKit participant for Passerelle's end-to-end tests (@livekit/rtc-node).
//
// Joins a room with a token, publishes a sine tone as a microphone track, subscribes to every
// audio track, and prints one JSON object per line on stdout:
//   {"event":"connected", room, identity}
//   {"event":"participant", action:"joined"|"left", identity, name, kind, attributes}
//   {"event":"track", action:"subscribed"|"unsubscribed", participant, sid, source}
//   {"event":"report", t, tracks:[{participant, sid, dominantHz, rmsDb, levels}], mixed:{...}}
//       once per --report-ms: what was received in that period, per remote track and summed
//   {"event":"dtmf", participant, code, digit}        (LiveKit SIP DTMF packets)
//   {"event":"data", participant, topic, text}        (other data packets, as UTF-8)
//   {"event":"reconnecting"}, {"event":"reconnected"}  (the SDK's own reconnection)
//   {"event":"disconnected", reason} then exit; reason "quit", "stdin closed", "time is up", or
//       "disconnected: <DisconnectReason>" when the server ended it (e.g. SERVER_SHUTDOWN)
// stdin, one command a line: "dtmf <digits>", "data <topic> <text>", "mute", "unmute", "quit".
// It leaves the room on "quit", when stdin closes, or after --seconds.
//
// Options: --url ws://... --token JWT [--tone HZ (0: publish nothing)] [--seconds N]
//          [--probe HZ,HZ,...] (tone levels to report) [--report-ms 1000]
import {
  AudioFrame,
  AudioSource,
  AudioStream,
  DisconnectReason,
  LocalAudioTrack,
  Room,
  RoomEvent,
  TrackKind,
  TrackPublishOptions,
  TrackSource,
  dispose,
} from '@livekit/rtc-node';
import { createInterface } from 'node:readline';
import { emit, leave, parseArgs, run } from './cli.mjs';

const PUBLISH_RATE = 48000;
const FRAME_MS = 10;
// Received audio is analysed at 16 kHz mono: enough for test tones up to 3.8 kHz, and cheap.
const ANALYSIS_RATE = 16000;
const SCAN_MIN_HZ = 100;
const SCAN_MAX_HZ = 3800;
const SCAN_STEP_HZ = 5;
const BLOCK = ANALYSIS_RATE / 10; // 100 ms Goertzel blocks: ~10 Hz resolution, like Spectrum.java

const OPTIONS = {
  '--tone': ['tone', Number],
  '--amplitude': ['amplitude', Number],
  '--seconds': ['seconds', Number],
  '--report-ms': ['reportMs', Number],
  '--probe': ['probe', (v) => v.split(',').filter((s) => s).map(Number)],
};

function round1(x) {
  return Math.round(x * 10) / 10;
}

function toDb(amplitude) {
  return amplitude <= 1e-10 ? -200 : 20 * Math.log10(amplitude);
}

const HANN = Float64Array.from({ length: BLOCK }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (BLOCK - 1)));

/** Amplitude (0..1 of full scale) of a sine at hz, power-averaged over Hann-windowed blocks. */
function amplitude(samples, length, hz) {
  const blocks = Math.floor(length / BLOCK);
  if (blocks === 0) return 0;
  const coeff = 2 * Math.cos((2 * Math.PI * hz) / ANALYSIS_RATE);
  let power = 0;
  for (let b = 0; b < blocks; b++) {
    const off = b * BLOCK;
    let s1 = 0;
    let s2 = 0;
    for (let i = 0; i < BLOCK; i++) {
      const s0 = samples[off + i] * HANN[i] + coeff * s1 - s2;
      s2 = s1;
      s1 = s0;
    }
    power += s1 * s1 + s2 * s2 - coeff * s1 * s2;
  }
  // |X| of a sine of amplitude A under a Hann window is A * N / 4.
  return (Math.sqrt(power / blocks) * 4) / BLOCK;
}

function analyse(samples, length, probe) {
  let sum = 0;
  for (let i = 0; i < length; i++) sum += samples[i] * samples[i];
  const rmsDb = toDb(Math.sqrt(sum / Math.max(1, length)));
  let best = SCAN_MIN_HZ;
  let bestAmp = -1;
  for (let f = SCAN_MIN_HZ; f <= SCAN_MAX_HZ; f += SCAN_STEP_HZ) {
    const a = amplitude(samples, length, f);
    if (a > bestAmp) [best, bestAmp] = [f, a];
  }
  const coarse = best;
  for (let f = coarse - SCAN_STEP_HZ; f <= coarse + SCAN_STEP_HZ; f += 0.5) {
    const a = amplitude(samples, length, f);
    if (a > bestAmp) [best, bestAmp] = [f, a];
  }
  const levels = {};
  for (const hz of probe) levels[hz] = round1(toDb(amplitude(samples, length, hz)));
  return {
    seconds: round1(length / ANALYSIS_RATE),
    rmsDb: round1(rmsDb),
    dominantHz: length >= BLOCK ? best : 0,
    dominantDb: round1(toDb(bestAmp)),
    levels,
  };
}

/** What one remote audio track delivered since the last report, as floats at ANALYSIS_RATE. */
class Received {
  constructor(participant, sid) {
    this.participant = participant;
    this.sid = sid;
    this.samples = new Float64Array(ANALYSIS_RATE * 4);
    this.length = 0;
  }

  add(frame) {
    const n = Math.min(frame.samplesPerChannel, this.samples.length - this.length);
    for (let i = 0; i < n; i++) this.samples[this.length + i] = frame.data[i] / 32768;
    this.length += n;
  }
}

async function receive(track, publication, participant, received) {
  const entry = new Received(participant.identity, publication.sid);
  received.set(publication.sid, entry);
  const stream = new AudioStream(track, ANALYSIS_RATE, 1);
  try {
    for await (const frame of stream) {
      entry.add(frame);
    }
  } catch (e) {
    emit({ event: 'error', where: 'receive', sid: publication.sid, message: String(e) });
  } finally {
    received.delete(publication.sid);
  }
}

function report(received, probe, started) {
  const tracks = [];
  let mixLength = 0;
  for (const r of received.values()) mixLength = Math.max(mixLength, r.length);
  const mix = new Float64Array(mixLength);
  for (const r of received.values()) {
    tracks.push({ participant: r.participant, sid: r.sid, ...analyse(r.samples, r.length, probe) });
    for (let i = 0; i < r.length; i++) mix[i] += r.samples[i];
    r.length = 0;
  }
  emit({ event: 'report', t: round1((Date.now() - started) / 1000), tracks, mixed: analyse(mix, mixLength, probe) });
}

async function publishTone(room, opts, state) {
  const source = new AudioSource(PUBLISH_RATE, 1, 200);
  const track = LocalAudioTrack.createAudioTrack('tone-' + opts.tone, source);
  const options = new TrackPublishOptions();
  options.source = TrackSource.SOURCE_MICROPHONE;
  options.dtx = false;
  const publication = await room.localParticipant.publishTrack(track, options);
  emit({ event: 'published', sid: publication.sid, toneHz: opts.tone });
  const perFrame = (PUBLISH_RATE * FRAME_MS) / 1000;
  const step = (2 * Math.PI * opts.tone) / PUBLISH_RATE;
  let phase = 0;
  // captureFrame waits while the source's queue is full: it paces this loop in real time.
  while (!state.stopping) {
    const frame = AudioFrame.create(PUBLISH_RATE, 1, perFrame);
    const gain = state.muted ? 0 : opts.amplitude * 32767;
    for (let i = 0; i < perFrame; i++) {
      frame.data[i] = Math.round(gain * Math.sin(phase));
      phase += step;
    }
    phase %= 2 * Math.PI;
    await source.captureFrame(frame);
  }
  await source.close();
}

async function command(room, line, state) {
  const [verb, ...rest] = line.trim().split(/\s+/);
  const lp = room.localParticipant;
  switch (verb) {
    case '':
      return;
    case 'dtmf':
      // LiveKit SIP DTMF packets: RFC 4733 event codes 0-9, * = 10, # = 11, A-D = 12-15.
      for (const digit of rest.join('')) {
        const code = '0123456789*#ABCD'.indexOf(digit.toUpperCase());
        if (code < 0) throw new Error(`not a DTMF digit: ${digit}`);
        await lp.publishDtmf(code, digit);
      }
      break;
    case 'data':
      await lp.publishData(new TextEncoder().encode(rest.slice(1).join(' ')), { reliable: true, topic: rest[0] });
      break;
    case 'mute':
      state.muted = true;
      break;
    case 'unmute':
      state.muted = false;
      break;
    case 'quit':
      state.stop('quit');
      return;
    default:
      throw new Error(`unknown command: ${verb}`);
  }
  emit({ event: 'done', command: line.trim() });
}

async function main() {
  const opts = parseArgs(process.argv.slice(2), { tone: 440, seconds: 0, probe: [], reportMs: 1000, amplitude: 0.3 }, OPTIONS);
  const room = new Room();
  const received = new Map();
  const started = Date.now();
  let resolveStopped;
  const stopped = new Promise((r) => (resolveStopped = r));
  const state = {
    stopping: false,
    muted: false,
    reason: '',
    stop(reason) {
      if (!this.stopping) {
        this.stopping = true;
        this.reason = reason;
        resolveStopped();
      }
    },
  };

  // kind: ParticipantKind (0 standard, 1 ingress, 2 egress, 3 SIP, 4 agent)
  const describe = (p) => ({ identity: p.identity, name: p.name, kind: p.kind, attributes: p.attributes ?? {} });
  room
    .on(RoomEvent.ParticipantConnected, (p) => emit({ event: 'participant', action: 'joined', ...describe(p) }))
    .on(RoomEvent.ParticipantDisconnected, (p) => emit({ event: 'participant', action: 'left', ...describe(p) }))
    .on(RoomEvent.ParticipantAttributesChanged, (changed, p) =>
      emit({ event: 'participant', action: 'attributes', ...describe(p), changed }))
    .on(RoomEvent.TrackSubscribed, (track, publication, participant) => {
      emit({ event: 'track', action: 'subscribed', participant: participant.identity, sid: publication.sid,
        kind: track.kind, source: publication.source });
      if (track.kind === TrackKind.KIND_AUDIO) receive(track, publication, participant, received);
    })
    .on(RoomEvent.TrackUnsubscribed, (track, publication, participant) =>
      emit({ event: 'track', action: 'unsubscribed', participant: participant.identity, sid: publication.sid }))
    .on(RoomEvent.DtmfReceived, (code, digit, participant) =>
      emit({ event: 'dtmf', participant: participant?.identity ?? '', code, digit }))
    .on(RoomEvent.DataReceived, (payload, participant, kind, topic) =>
      emit({ event: 'data', participant: participant?.identity ?? '', topic: topic ?? '',
        text: new TextDecoder().decode(payload) }))
    .on(RoomEvent.Reconnecting, () => emit({ event: 'reconnecting' }))
    .on(RoomEvent.Reconnected, () => emit({ event: 'reconnected' }))
    .on(RoomEvent.Disconnected, (reason) => state.stop('disconnected: ' + (DisconnectReason[reason] ?? reason)));

  await room.connect(opts.url, opts.token, { autoSubscribe: true, dynacast: false });
  emit({ event: 'connected', room: room.name, identity: room.localParticipant.identity,
    participants: [...room.remoteParticipants.values()].map(describe) });

  const publishing = opts.tone > 0 ? publishTone(room, opts, state) : Promise.resolve();
  const ticker = setInterval(() => report(received, opts.probe, started), opts.reportMs);
  const stdin = createInterface({ input: process.stdin });
  stdin.on('line', (line) => command(room, line, state).catch((e) =>
    emit({ event: 'error', where: 'command', command: line, message: String(e) })));
  stdin.on('close', () => state.stop('stdin closed'));
  if (opts.seconds > 0) setTimeout(() => state.stop('time is up'), opts.seconds * 1000);

  await stopped;
  clearInterval(ticker);
  await publishing.catch(() => {});
  stdin.close();
  await leave(room, state.reason, dispose);
}

run(main);
