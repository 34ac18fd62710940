// Preloaded with `node --require` by the benchmarks: reports the process's peak RSS on exit.
process.on("exit", () => {
  process.stderr.write(`\n__bench_max_rss_kb__=${process.resourceUsage().maxRSS}\n`);
});
