package org.passerelle.tests.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the harness reads about another process: CPU time from {@code /proc/<pid>/stat} (utime +
 * stime, fields 14 and 15, in clock ticks), RSS from {@code /proc/<pid>/status} (VmRSS), and the
 * live Java heap by {@code jcmd <pid> GC.run} then {@code GC.heap_info} (used, after a full GC).
 */
public final class ProcessSampler {
    /** USER_HZ: 100 on every Linux this runs on (getconf CLK_TCK). */
    private static final double TICKS_PER_SECOND = 100.0;
    private static final Pattern USED = Pattern.compile("used (\\d+)K");

    private final long pid;
    private final Path jcmd;

    public ProcessSampler(long pid) {
        this.pid = pid;
        // jcmd from the JDK we run on.
        Path java = Path.of(ProcessHandle.current().info().command().orElse("java"));
        this.jcmd = java.resolveSibling("jcmd");
    }

    long pid() {
        return pid;
    }

    /** CPU seconds used so far, user + system. */
    public double cpuSeconds() {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** Resident set in bytes (VmRSS), or -1 when the process is gone. */
    public long rssBytes() {
        return bytes(statusKb("VmRSS:"));
    }

    /** Peak resident set in bytes (VmHWM). */
    long peakRssBytes() {
        return bytes(statusKb("VmHWM:"));
    }

    private static long bytes(long kb) {
        return kb < 0 ? -1 : kb * 1024;
    }

    private long statusKb(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith(key)) return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]);
            }
        } catch (IOException | RuntimeException e) {
            // gone
        }
        return -1;
    }

    /** Live heap in bytes after a full GC (jcmd), or -1 when jcmd fails. */
    long liveHeapBytes() {
        if (!jcmdRun("GC.run").isEmpty()) {
            Matcher m = USED.matcher(jcmdRun("GC.heap_info"));
            if (m.find()) return Long.parseLong(m.group(1)) * 1024;
        }
        return -1;
    }

    private String jcmdRun(String command) {
        try {
            Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(30, TimeUnit.SECONDS)) p.destroyForcibly();
            return p.exitValue() == 0 ? out : "";
        } catch (IOException | InterruptedException | IllegalThreadStateException e) {
            return "";
        }
    }
}
