package org.passerelle.tests;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.List;

/**
 * Measures tones in the remote audio a page plays, independently of the page's own analysis: an
 * AnalyserNode (fftSize 8192, 5.9 Hz bins) of the test's own, fed by the page's media elements.
 */
public final class RemoteAudioProbe {
    /** Below this (AnalyserNode dB; a half-scale sine reads about -10 to -20) a tone is absent. */
    public static final double SILENCE_DB = -100;

    private RemoteAudioProbe() {}

    /**
     * Levels (dB, relative) of the given tones in the remote audio, measured over about 2 s by an
     * AnalyserNode of this test's own on the page's media elements that play a remote stream (Chromium
     * feeds remote WebRTC audio to WebAudio only through such an element). Null when the page plays
     * no stream through a media element.
     */
    public static double[] levelsDb(Browser browser, double... hz) {
        Object r = browser.asyncScript("""
                const done = arguments[arguments.length - 1];
                const freqs = arguments[0];
                (async () => {
                  const els = [...document.querySelectorAll('audio, video')].filter(e => e.srcObject
                      && e.srcObject.getAudioTracks().some(t => t.readyState === 'live'));
                  if (els.length === 0) return null;
                  const ctx = new AudioContext();
                  await ctx.resume();
                  const an = ctx.createAnalyser();
                  an.fftSize = 8192;
                  an.smoothingTimeConstant = 0;
                  for (const e of els) ctx.createMediaStreamSource(e.srcObject).connect(an);
                  const bins = new Float32Array(an.frequencyBinCount);
                  const power = new Float64Array(bins.length);
                  for (let n = 0; n < 20; n++) {
                    await new Promise(r => setTimeout(r, 100));
                    an.getFloatFrequencyData(bins);
                    for (let i = 0; i < bins.length; i++) power[i] += Math.pow(10, bins[i] / 10) / 20;
                  }
                  const binHz = ctx.sampleRate / an.fftSize;
                  await ctx.close();
                  return freqs.map(f => {
                    const c = Math.round(f / binHz);
                    let p = 0;
                    for (let i = c - 2; i <= c + 2; i++) p = Math.max(p, power[i] || 0);
                    return p > 0 ? 10 * Math.log10(p) : -400;
                  });
                })().then(done, e => done('error: ' + e));
                """, Arrays.stream(hz).boxed().toList());
        if (r == null) {
            return null;
        }
        if (!(r instanceof List<?> l)) {
            return fail("browser '" + browser.name() + "': tone probe gave " + r + browser.console());
        }
        return l.stream().mapToDouble(o -> ((Number) o).doubleValue()).toArray();
    }

}
