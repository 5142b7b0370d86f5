// What the test clients share on their command line and stdout.

/**
 * Parses "--name value" pairs: `options` maps each option to [the field it sets, how to read the
 * value]; unknown options and a missing value are errors, and --url and --token are required.
 */
export function parseArgs(argv, defaults, options) {
  const opts = { ...defaults };
  const all = { '--url': ['url', String], '--token': ['token', String], ...options };
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i];
    const value = argv[++i];
    if (value === undefined) throw new Error(`missing value for ${key}`);
    const option = all[key];
    if (!option) throw new Error(`unknown option ${key}`);
    opts[option[0]] = option[1](value);
  }
  if (!opts.url || !opts.token) throw new Error('--url and --token are required');
  return opts;
}

/** One event, one JSON line on stdout: what the Java side reads. */
export function emit(obj) {
  process.stdout.write(JSON.stringify(obj) + '\n');
}

/**
 * How a client ends: leaves the room if still in it, says why, frees the native SDK, exits 0.
 * `dispose` is @livekit/rtc-node's, passed in so this file needs no SDK.
 */
export async function leave(room, reason, dispose) {
  if (room.isConnected) await room.disconnect();
  emit({ event: 'disconnected', reason });
  await dispose();
  process.exit(0);
}

/** Runs a client's main: an error is reported as an event and the exit code is 1. */
export function run(main) {
  main().catch((e) => {
    emit({ event: 'error', where: 'main', message: String(e?.stack ?? e) });
    process.exit(1);
  });
}
