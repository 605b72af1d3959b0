// The calibration variant's preload: a fixed amount of pure CPU work (BENCH_BUSY_US µs, a spin
// on the monotonic clock, nothing allocated or written) at the start of every request, through
// the same diagnostics channel Faultline listens on. What it adds to the app's measured CPU per
// request, against the work it does, is how this machine scales any per-request cost: the bench
// reports that factor beside the overheads.
const diagnosticsChannel = require('node:diagnostics_channel');

const busyMs = Number(process.env.BENCH_BUSY_US ?? 10) / 1000;

diagnosticsChannel.subscribe('http.server.request.start', () => {
  const until = performance.now() + busyMs;
  while (performance.now() < until);
});
