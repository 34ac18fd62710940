// Preloaded with `node --require` by the benchmarks: reports the process's peak RSS and CPU time (user + system) on exit.
process.on("exit", () => {
  const u = process.resourceUsage();
  process.stderr.write(`\n__bench_max_rss_kb__=${u.maxRSS} __bench_cpu_ms__=${Math.round((u.userCPUTime + u.systemCPUTime) / 1000)}\n`);
});
