// Preloaded with `node --expose-gc --require` by tests: forces a full garbage collection every
// few milliseconds, so a request, signal or timer that is only weakly held gets collected
// while it is still pending (how an abort that never fires was once reproduced).
const gc = globalThis.gc;
if (typeof gc !== "function") throw new Error("gc-pressure.cjs needs node --expose-gc");
setInterval(() => gc(), 5).unref();
