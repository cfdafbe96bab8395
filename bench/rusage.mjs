/**
 * Preloaded into a CLI child (`node --import bench/rusage.mjs bin/keywarden.js ...`): at exit, writes
 * the process's own peak RSS and CPU time as JSON to `$KEYWARDEN_BENCH_RUSAGE`, so the benchmark
 * measures the real CLI without wrapping it (`/usr/bin/time` is not on every machine).
 */
import { writeFileSync } from 'node:fs';

const file = process.env.KEYWARDEN_BENCH_RUSAGE;
if (file) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    writeFileSync(
      file,
      JSON.stringify({
        maxRssKiB: usage.maxRSS,
        cpuMs: Math.round((usage.userCPUTime + usage.systemCPUTime) / 1000),
        processMs: Math.round(performance.now()),
      }),
    );
  });
}
