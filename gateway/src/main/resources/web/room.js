/*
 * Passerelle room page: a browser joins an embedded room with its microphone.
 * Protocol: docs/signalling.md (JSON over one WebSocket at /ws; the browser offers, the gateway answers).
 *
 * URL: /rooms/{room}[?name=Alice&autojoin=1]  (autojoin joins at once with that name: kiosks, tests)
 *
 * Test hooks (for automated browser tests), all read-only:
 *   window.passerelle.state          'idle' | 'connecting' | 'connected' | 'failed' | 'left'
 *   window.passerelle.id             our participant id from `joined`, or null
 *   window.passerelle.participants   last `participants` list [{id, name, kind, muted}]
 *   window.passerelle.lastError      {code, message} of the last failure, or null; code is the
 *                                    server's error code or one of the LOCAL_ERRORS codes below
 *   window.passerelle.dominantFrequency()  Hz of the strongest peak in 100..4000 Hz of the REMOTE
 *                                    audio (AnalyserNode, fftSize 8192, interpolated), 0 if silent
 *   window.passerelle.audioLevel()   RMS of the remote audio, 0..1
 *   window.passerelle.inboundStats() Promise of {packetsReceived, bytesReceived, audioLevel,
 *                                    totalSamplesReceived} of the inbound-rtp audio (zeros if none)
 * Headless Chromium: --use-fake-ui-for-media-stream --use-fake-device-for-media-stream
 * --autoplay-policy=no-user-gesture-required (else WebAudio stays suspended without a click).
 */
(() => {
  'use strict';

  // ---- Strings: one table per language ---------------------------------------------------------

  const MESSAGES = {
    en: {
      roomLabel: 'Room',
      pageTitle: 'Room {room} – Passerelle',
      nameLabel: 'Your name',
      nameHint: 'Shown to the others in the room.',
      nameRequired: 'Enter a name of 1 to 64 characters.',
      join: 'Join with microphone',
      rejoin: 'Rejoin',
      mute: 'Mute',
      unmute: 'Unmute',
      leave: 'Leave',
      playSound: 'Play sound',
      participantsHeading: 'Participants ({count})',
      nobody: 'Nobody else yet.',
      you: '(you)',
      phone: 'Phone',
      browser: 'Browser',
      muted: 'muted',
      idle: 'Not connected. Enter your name, then join.',
      connecting: 'Connecting…',
      connected: 'Connected',
      connectedMuted: 'Connected, your microphone is muted',
      unstable: 'Connection unstable, trying to recover…',
      left: 'You left the room.',
      soundBlocked: 'The browser blocked the sound: press “Play sound”.',
      // Local failures (codes in LOCAL_ERRORS)
      'mic-blocked': 'Microphone blocked: allow it in the browser\'s address bar',
      'mic-missing': 'No microphone found: plug one in, then rejoin.',
      'mic-busy': 'The microphone is used by another application.',
      'insecure-page': 'The microphone needs a secure page: open this address with https.',
      'no-webrtc': 'This browser cannot make audio calls (no WebRTC).',
      unreachable: 'Cannot reach the gateway: its signalling server does not answer.',
      'connection-lost': 'Connection lost',
      timeout: 'The gateway did not answer in time.',
      'answer-rejected': 'The browser refused the gateway\'s answer.',
      // Server error codes (docs/signalling.md)
      'bad-message': 'The gateway did not understand this page (bad message).',
      'invalid-room': 'Invalid room name: use letters, digits, -, _ and . (64 at most).',
      'room-full': 'This room is full.',
      'gateway-full': 'The gateway is full: too many rooms are open. Try again later.',
      'media-failed': 'The audio connection failed (ICE or DTLS did not complete).',
      'not-joined': 'The gateway says this page has not joined the room.',
      unknownError: 'Error from the gateway: {message}',
    },
    fr: {
      roomLabel: 'Salle',
      pageTitle: 'Salle {room} – Passerelle',
      nameLabel: 'Votre nom',
      nameHint: 'Visible par les autres participants.',
      nameRequired: 'Saisissez un nom de 1 à 64 caractères.',
      join: 'Rejoindre avec le micro',
      rejoin: 'Rejoindre à nouveau',
      mute: 'Couper le micro',
      unmute: 'Réactiver le micro',
      leave: 'Quitter',
      playSound: 'Activer le son',
      participantsHeading: 'Participants ({count})',
      nobody: 'Personne d\u2019autre pour l\u2019instant.',
      you: '(vous)',
      phone: 'Téléphone',
      browser: 'Navigateur',
      muted: 'micro coupé',
      idle: 'Non connecté. Saisissez votre nom, puis rejoignez la salle.',
      connecting: 'Connexion…',
      connected: 'Connecté',
      connectedMuted: 'Connecté, votre micro est coupé',
      unstable: 'Connexion instable, tentative de reprise…',
      left: 'Vous avez quitté la salle.',
      soundBlocked: 'Le navigateur a bloqué le son : appuyez sur « Activer le son ».',
      'mic-blocked': 'Micro bloqué : autorisez-le dans la barre d\u2019adresse du navigateur',
      'mic-missing': 'Aucun micro trouvé : branchez-en un, puis rejoignez la salle.',
      'mic-busy': 'Le micro est utilisé par une autre application.',
      'insecure-page': 'Le micro exige une page sécurisée : ouvrez cette adresse en https.',
      'no-webrtc': 'Ce navigateur ne permet pas les appels audio (pas de WebRTC).',
      unreachable: 'Impossible de joindre la passerelle : son serveur de signalisation ne répond pas.',
      'connection-lost': 'Connexion perdue',
      timeout: 'La passerelle n\u2019a pas répondu à temps.',
      'answer-rejected': 'Le navigateur a refusé la réponse de la passerelle.',
      'bad-message': 'La passerelle n\u2019a pas compris cette page (message invalide).',
      'invalid-room': 'Nom de salle invalide : lettres, chiffres, -, _ et . (64 au plus).',
      'room-full': 'Cette salle est pleine.',
      'gateway-full': 'La passerelle est saturée : trop de salles ouvertes. Réessayez plus tard.',
      'media-failed': 'La connexion audio a échoué (ICE ou DTLS n\u2019a pas abouti).',
      'not-joined': 'La passerelle indique que cette page n\u2019a pas rejoint la salle.',
      unknownError: 'Erreur de la passerelle : {message}',
    },
  };

  const LANG = /^fr\b/i.test(navigator.language || '') ? 'fr' : 'en';

  /** The string for key in the page's language, with {placeholders} filled from vars. */
  function t(key, vars = {}) {
    const text = MESSAGES[LANG][key] ?? MESSAGES.en[key] ?? key;
    return text.replace(/\{(\w+)\}/g, (_, name) => String(vars[name] ?? ''));
  }

  // Error codes of the gateway (docs/signalling.md), shown in the page's language.
  const SERVER_ERRORS = ['bad-message', 'invalid-room', 'room-full', 'gateway-full', 'media-failed',
    'not-joined'];
  // Failures the page detects itself ('media-failed' too, when the pc fails first).
  const LOCAL_ERRORS = ['mic-blocked', 'mic-missing', 'mic-busy', 'insecure-page', 'no-webrtc',
    'unreachable', 'connection-lost', 'timeout', 'answer-rejected', 'media-failed'];

  // ---- Constants ---------------------------------------------------------------------------------

  const ROOM_NAME = /^[A-Za-z0-9._-]{1,64}$/;   // same rule as the gateway (docs/signalling.md)
  const NAME_MAX = 64;
  const NAME_KEY = 'passerelle.name';
  const JOIN_TIMEOUT_MS = 15000;                 // socket open + `joined` answer
  const MEDIA_TIMEOUT_MS = 20000;                // `joined` to ICE + DTLS connected
  const FFT_SIZE = 8192;
  const PEAK_MIN_HZ = 100;
  const PEAK_MAX_HZ = 4000;
  const SILENCE_DB = -100;                       // below this the spectrum has no peak worth naming

  // ---- Page state machine ------------------------------------------------------------------------

  const State = Object.freeze({
    IDLE: 'idle', CONNECTING: 'connecting', CONNECTED: 'connected', FAILED: 'failed', LEFT: 'left',
  });
  const TRANSITIONS = Object.freeze({
    idle: ['connecting'],
    connecting: ['connected', 'failed', 'left'],
    connected: ['failed', 'left'],
    failed: ['connecting'],
    left: ['connecting'],
  });

  let state = State.IDLE;
  let session = null;          // the current join attempt (see newSession)
  let participants = [];
  let lastError = null;

  function setState(next) {
    if (next === state) return true;
    if (!TRANSITIONS[state].includes(next)) {
      console.warn(`passerelle: illegal state change ${state} -> ${next}`);
      return false;
    }
    state = next;
    ui.statusBox.dataset.state = next;
    return true;
  }

  // ---- DOM ---------------------------------------------------------------------------------------

  const $ = (id) => document.getElementById(id);
  const ui = {
    roomName: $('room-name'),
    statusBox: document.querySelector('.status'),
    status: $('status'),
    form: $('join-form'),
    name: $('name'),
    nameError: $('name-error'),
    join: $('join'),
    room: $('room'),
    mute: $('mute'),
    leave: $('leave'),
    playSound: $('play-sound'),
    heading: $('participants-heading'),
    list: $('participants'),
    audio: $('remote-audio'),
  };

  function say(text) {
    ui.status.textContent = text;
  }

  function translatePage(room) {
    document.documentElement.lang = LANG;
    for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
    document.title = room ? t('pageTitle', { room }) : 'Passerelle';
  }

  /** The room name from /rooms/{room}, or null if the path has none. */
  function roomFromPath() {
    const match = /^\/rooms\/([^/]+)\/?$/.exec(location.pathname);
    if (!match) return null;
    try {
      return decodeURIComponent(match[1]);
    } catch {
      return match[1];
    }
  }

  function showJoinForm(buttonKey) {
    ui.join.textContent = t(buttonKey);
    ui.join.dataset.i18n = buttonKey;
    ui.form.hidden = false;
    ui.room.hidden = true;
    ui.playSound.hidden = true;
  }

  function showRoom() {
    ui.form.hidden = true;
    ui.room.hidden = false;
    renderMute(false);
    renderParticipants();
  }

  function renderMute(muted) {
    ui.mute.textContent = t(muted ? 'unmute' : 'mute');
    ui.mute.dataset.i18n = muted ? 'unmute' : 'mute';
    ui.mute.classList.toggle('is-muted', muted);
  }

  function icon(name) {
    const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    svg.setAttribute('class', 'icon');
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('focusable', 'false');
    const use = document.createElementNS('http://www.w3.org/2000/svg', 'use');
    use.setAttribute('href', `#icon-${name}`);
    svg.append(use);
    return svg;
  }

  function span(className, text) {
    const el = document.createElement('span');
    el.className = className;
    el.textContent = text;
    return el;
  }

  function renderParticipants() {
    const selfId = session?.id;
    ui.heading.textContent = t('participantsHeading', { count: participants.length });
    const items = participants.map((p) => {
      const li = document.createElement('li');
      li.className = 'participant';
      li.dataset.kind = p.kind;
      li.dataset.id = String(p.id);
      const phone = p.kind === 'phone';
      const who = span('who', '');
      // A phone shows its kind in words next to its caller ID; a browser's kind is for screen readers.
      who.append(span(phone ? 'kind' : 'kind visually-hidden', t(phone ? 'phone' : 'browser')), ' ');
      who.append(span('name', String(p.name ?? '')));
      const self = selfId != null && String(p.id) === String(selfId);
      if (self) who.append(' ', span('you', t('you')));
      li.append(icon(phone ? 'phone' : 'browser'), who);
      // Our own mute shows at once, before the gateway's next list confirms it.
      if (self ? session.muted : p.muted) {
        const badge = span('muted', '');
        badge.append(icon('mic-off'), document.createTextNode(t('muted')));
        li.append(badge);
      }
      return li;
    });
    if (items.length === 0) {
      const li = document.createElement('li');
      li.className = 'empty';
      li.textContent = t('nobody');
      items.push(li);
    }
    ui.list.replaceChildren(...items);
  }

  // ---- Remote audio analysis (test hooks) ---------------------------------------------------------

  const analysis = { ctx: null, source: null, analyser: null, sink: null, freq: null, time: null };

  function audioContext() {
    if (!analysis.ctx) {
      const Ctx = window.AudioContext || window.webkitAudioContext;
      if (!Ctx) return null;
      analysis.ctx = new Ctx();
    }
    if (analysis.ctx.state === 'suspended') analysis.ctx.resume().catch(() => {});
    return analysis.ctx;
  }

  function attachAnalyser(stream) {
    detachAnalyser();
    const ctx = audioContext();
    if (!ctx) return;
    analysis.source = ctx.createMediaStreamSource(stream);
    analysis.analyser = ctx.createAnalyser();
    analysis.analyser.fftSize = FFT_SIZE;
    analysis.analyser.smoothingTimeConstant = 0.5;
    // Silent sink so the graph is pulled in every browser; the <audio> element does the playing.
    analysis.sink = ctx.createGain();
    analysis.sink.gain.value = 0;
    analysis.source.connect(analysis.analyser).connect(analysis.sink).connect(ctx.destination);
    analysis.freq = new Float32Array(analysis.analyser.frequencyBinCount);
    analysis.time = new Float32Array(analysis.analyser.fftSize);
  }

  function detachAnalyser() {
    for (const node of [analysis.source, analysis.analyser, analysis.sink]) node?.disconnect();
    analysis.source = analysis.analyser = analysis.sink = null;
  }

  function dominantFrequency() {
    const analyser = analysis.analyser;
    if (!analyser) return 0;
    audioContext();
    const db = analysis.freq;
    analyser.getFloatFrequencyData(db);
    const binHz = analysis.ctx.sampleRate / analyser.fftSize;
    const lo = Math.max(1, Math.ceil(PEAK_MIN_HZ / binHz));
    const hi = Math.min(db.length - 2, Math.floor(PEAK_MAX_HZ / binHz));
    let peak = -1;
    for (let k = lo; k <= hi; k++) if (peak < 0 || db[k] > db[peak]) peak = k;
    if (peak < 0 || !(db[peak] > SILENCE_DB)) return 0;
    // Parabola through the peak bin and its neighbours (in dB) puts the peak between bins.
    const [a, b, c] = [db[peak - 1], db[peak], db[peak + 1]];
    const denominator = a - 2 * b + c;
    let offset = 0.5 * (a - c) / denominator;
    if (!Number.isFinite(offset)) offset = 0;
    offset = Math.max(-0.5, Math.min(0.5, offset));
    return (peak + offset) * binHz;
  }

  function audioLevel() {
    const analyser = analysis.analyser;
    if (!analyser) return 0;
    audioContext();
    const samples = analysis.time;
    analyser.getFloatTimeDomainData(samples);
    let sum = 0;
    for (let i = 0; i < samples.length; i++) sum += samples[i] * samples[i];
    return Math.min(1, Math.sqrt(sum / samples.length));
  }

  async function inboundStats() {
    const result = { packetsReceived: 0, bytesReceived: 0, audioLevel: 0, totalSamplesReceived: 0 };
    const pc = session?.pc;
    if (!pc || pc.signalingState === 'closed') return result;
    const report = await pc.getStats();
    for (const r of report.values()) {
      if (r.type === 'inbound-rtp' && (r.kind ?? r.mediaType) === 'audio') {
        for (const key of Object.keys(result)) result[key] = r[key] ?? 0;
        break;
      }
    }
    return result;
  }

  // ---- Joining, signalling, WebRTC ---------------------------------------------------------------

  /** One join attempt; handlers of an old attempt see `s !== session` and do nothing. */
  function newSession(room, name) {
    return {
      room, name,
      id: null,
      ws: null, wsOpened: false,
      pc: null, stream: null, transceiver: null,
      joined: false, muted: false, ended: false,
      pendingCandidates: [], endOfCandidatesSent: false,
      joinTimer: 0, mediaTimer: 0,
    };
  }

  function fail(s, code, message = t(code)) {
    if (s !== session || s.ended) return;
    teardown(s);
    lastError = { code, message };
    setState(State.FAILED);
    say(message);
    showJoinForm('rejoin');
    ui.join.focus();
  }

  function teardown(s) {
    s.ended = true;
    clearTimeout(s.joinTimer);
    clearTimeout(s.mediaTimer);
    if (s.ws) {
      s.ws.onopen = s.ws.onmessage = s.ws.onclose = s.ws.onerror = null;
      if (s.ws.readyState <= WebSocket.OPEN) s.ws.close(1000);
    }
    if (s.pc) {
      s.pc.onicecandidate = s.pc.ontrack = s.pc.onconnectionstatechange = null;
      s.pc.oniceconnectionstatechange = null;
      s.pc.close();
    }
    s.stream?.getTracks().forEach((track) => track.stop());
    detachAnalyser();
    ui.audio.srcObject = null;
    participants = [];
  }

  function send(s, message) {
    if (s.ws?.readyState === WebSocket.OPEN) s.ws.send(JSON.stringify(message));
  }

  function micErrorCode(error) {
    switch (error?.name) {
      case 'NotAllowedError':
      case 'SecurityError':
      case 'PermissionDeniedError': return 'mic-blocked';
      case 'NotFoundError':
      case 'OverconstrainedError': return 'mic-missing';
      case 'NotReadableError':
      case 'AbortError': return 'mic-busy';
      default: return 'mic-blocked';
    }
  }

  async function join(room, name) {
    if (session && !session.ended) return;
    const s = newSession(room, name);
    session = s;
    lastError = null;
    participants = [];
    setState(State.CONNECTING);
    say(t('connecting'));
    showRoom();
    ui.mute.focus();
    audioContext();   // created inside the click, so autoplay rules let it run

    if (!window.RTCPeerConnection) return fail(s, 'no-webrtc');
    if (!navigator.mediaDevices?.getUserMedia) {
      return fail(s, window.isSecureContext ? 'no-webrtc' : 'insecure-page');
    }
    try {
      s.stream = await navigator.mediaDevices.getUserMedia({
        audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true },
      });
    } catch (error) {
      if (s !== session || s.ended) return;
      return fail(s, micErrorCode(error));
    }
    if (s !== session || s.ended) {   // left while the browser asked for the microphone
      s.stream.getTracks().forEach((track) => track.stop());
      return;
    }
    // Mute may have been pressed while the browser asked for the microphone.
    for (const track of s.stream.getAudioTracks()) track.enabled = !s.muted;

    // Microphone granted before the offer: Chromium then gives real host addresses, not mDNS names.
    try {
      s.pc = new RTCPeerConnection({ iceServers: [] });
      s.pc.onicecandidate = (event) => onLocalCandidate(s, event.candidate);
      s.pc.ontrack = (event) => onRemoteTrack(s, event);
      s.pc.onconnectionstatechange = () => onConnectionState(s);
      s.pc.oniceconnectionstatechange = () => onConnectionState(s);
      const [track] = s.stream.getAudioTracks();
      s.transceiver = s.pc.addTransceiver(track, { direction: 'sendrecv', streams: [s.stream] });
      await s.pc.setLocalDescription(await s.pc.createOffer());
    } catch (error) {
      console.error('passerelle: cannot make the offer', error);
      return fail(s, 'no-webrtc');
    }
    if (s !== session || s.ended) return;
    openSocket(s);
  }

  function openSocket(s) {
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    try {
      s.ws = new WebSocket(`${scheme}//${location.host}/ws`);
    } catch (error) {
      return fail(s, 'unreachable');
    }
    s.joinTimer = setTimeout(() => fail(s, s.wsOpened ? 'timeout' : 'unreachable'), JOIN_TIMEOUT_MS);
    s.ws.onopen = () => {
      s.wsOpened = true;
      send(s, { type: 'join', room: s.room, name: s.name, sdp: s.pc.localDescription.sdp });
    };
    s.ws.onmessage = (event) => onSignal(s, event.data);
    s.ws.onclose = () => fail(s, s.wsOpened ? 'connection-lost' : 'unreachable');
  }

  function onSignal(s, data) {
    if (s !== session || s.ended) return;
    let message;
    try {
      message = JSON.parse(data);
    } catch {
      console.warn('passerelle: ignoring a frame that is not JSON');
      return;
    }
    switch (message?.type) {
      case 'joined': onJoined(s, message); break;
      case 'participants':
        if (Array.isArray(message.participants)) {
          participants = message.participants;
          renderParticipants();
        }
        break;
      case 'error': {
        // Every server error ends this attempt; a code we do not know shows the server's words.
        const code = String(message.code ?? 'unknown');
        const text = SERVER_ERRORS.includes(code)
          ? t(code) : t('unknownError', { message: message.message ?? code });
        fail(s, code, text);
        break;
      }
      default:
        // Unknown types are ignored so a newer gateway does not break an open page.
        break;
    }
  }

  async function onJoined(s, message) {
    clearTimeout(s.joinTimer);
    s.id = message.id ?? null;
    renderParticipants();
    try {
      await s.pc.setRemoteDescription({ type: 'answer', sdp: message.sdp });
    } catch (error) {
      console.error('passerelle: the answer was refused', error);
      send(s, { type: 'leave' });
      return fail(s, 'answer-rejected');
    }
    if (s !== session || s.ended) return;
    s.joined = true;
    // A browser may wait forever for trickled candidates; the gateway sends all of its in the answer.
    s.mediaTimer = setTimeout(() => {
      send(s, { type: 'leave' });
      fail(s, 'media-failed');
    }, MEDIA_TIMEOUT_MS);
    for (const candidate of s.pendingCandidates) send(s, candidate);
    s.pendingCandidates = [];
    if (s.muted) send(s, { type: 'mute', muted: true });
  }

  function onLocalCandidate(s, candidate) {
    if (s !== session || s.ended) return;
    // null (or an empty candidate string) is the end of candidates; send it once, as ''.
    const text = candidate?.candidate ?? '';
    if (text === '') {
      if (s.endOfCandidatesSent) return;
      s.endOfCandidatesSent = true;
    }
    const message = {
      type: 'candidate',
      candidate: text,
      sdpMid: candidate?.sdpMid ?? s.transceiver?.mid ?? '0',
    };
    // Candidates wait for `joined`: before it the gateway has no session for them (not-joined).
    if (s.joined) send(s, message);
    else s.pendingCandidates.push(message);
  }

  function onRemoteTrack(s, event) {
    if (s !== session || s.ended) return;
    const stream = event.streams[0] ?? new MediaStream([event.track]);
    // Chromium feeds a remote stream to WebAudio reliably only if a media element plays it too.
    ui.audio.srcObject = stream;
    ui.audio.play().then(() => {
      ui.playSound.hidden = true;
    }, (error) => {
      if (error?.name !== 'NotAllowedError') return;
      ui.playSound.hidden = false;
      say(t('soundBlocked'));
    });
    attachAnalyser(stream);
  }

  function onConnectionState(s) {
    if (s !== session || s.ended) return;
    const pcState = s.pc.connectionState ?? s.pc.iceConnectionState;
    switch (pcState) {
      case 'connected':
      case 'completed':
        clearTimeout(s.mediaTimer);
        if (state !== State.CONNECTED) {
          setState(State.CONNECTED);
          say(t(s.muted ? 'connectedMuted' : 'connected'));
        } else if (ui.status.textContent === t('unstable')) {
          say(t(s.muted ? 'connectedMuted' : 'connected'));
        }
        break;
      case 'disconnected':
        if (state === State.CONNECTED) say(t('unstable'));
        break;
      case 'failed':
        send(s, { type: 'leave' });
        fail(s, 'media-failed');
        break;
      default:
        break;
    }
  }

  function toggleMute() {
    const s = session;
    if (!s || s.ended) return;
    s.muted = !s.muted;
    for (const track of s.stream?.getAudioTracks() ?? []) track.enabled = !s.muted;
    renderMute(s.muted);
    renderParticipants();
    if (s.joined) send(s, { type: 'mute', muted: s.muted });
    if (state === State.CONNECTED) say(t(s.muted ? 'connectedMuted' : 'connected'));
  }

  function leave() {
    const s = session;
    if (!s || s.ended) return;
    send(s, { type: 'leave' });   // queued frames go out before the close frame
    teardown(s);
    setState(State.LEFT);
    say(t('left'));
    showJoinForm('rejoin');
    ui.join.focus();
  }

  // ---- Start ------------------------------------------------------------------------------------

  function validName(name) {
    return name.length >= 1 && name.length <= NAME_MAX;
  }

  function showNameError(show) {
    ui.nameError.hidden = !show;
    ui.nameError.textContent = show ? t('nameRequired') : '';
    if (show) ui.name.setAttribute('aria-invalid', 'true');
    else ui.name.removeAttribute('aria-invalid');
  }

  function start() {
    const room = roomFromPath();
    ui.roomName.textContent = room ?? '';
    translatePage(room);
    renderParticipants();
    say(t('idle'));

    const params = new URLSearchParams(location.search);
    const urlName = params.get('name');
    let stored = null;
    try {
      stored = localStorage.getItem(NAME_KEY);
    } catch { /* storage disabled: nothing remembered */ }
    ui.name.value = (urlName ?? stored ?? '').slice(0, NAME_MAX);

    if (room === null || !ROOM_NAME.test(room)) {
      lastError = { code: 'invalid-room', message: t('invalid-room') };
      say(t('invalid-room'));
      ui.statusBox.dataset.state = 'failed';
      ui.join.disabled = true;
      ui.name.disabled = true;
      return;
    }

    ui.form.addEventListener('submit', (event) => {
      event.preventDefault();
      const name = ui.name.value.trim();
      if (!validName(name)) {
        showNameError(true);
        ui.name.focus();
        return;
      }
      showNameError(false);
      try {
        localStorage.setItem(NAME_KEY, name);
      } catch { /* storage disabled */ }
      join(room, name);
    });
    ui.mute.addEventListener('click', toggleMute);
    ui.leave.addEventListener('click', leave);
    ui.playSound.addEventListener('click', () => {
      audioContext();
      ui.audio.play().then(() => {
        ui.playSound.hidden = true;
        if (state === State.CONNECTED) say(t(session?.muted ? 'connectedMuted' : 'connected'));
      }, () => {});
    });
    // Closing the tab leaves the room at once instead of waiting for the gateway's timeout.
    window.addEventListener('pagehide', () => {
      if (session && !session.ended) send(session, { type: 'leave' });
    });

    const autojoin = params.get('autojoin');
    if (autojoin === '1' || autojoin === 'true') {
      const name = ui.name.value.trim();
      if (validName(name)) join(room, name);
      else showNameError(true);
    }
  }

  window.passerelle = Object.freeze({
    get state() { return state; },
    get id() { return session?.id ?? null; },
    get participants() { return participants.map((p) => ({ ...p })); },
    get lastError() { return lastError ? { ...lastError } : null; },
    dominantFrequency,
    audioLevel,
    inboundStats,
  });

  start();
})();
