// Preloaded into every subgraph process the e2e harness spawns. When the harness's process
// ends, however it ends (a timed-out hook, a worker killed by the test runner), the IPC channel
// closes: the subgraph shuts down instead of living on as an orphan that loads the next run.
if (process.send) {
  process.once("disconnect", () => {
    process.kill(process.pid, "SIGTERM");
    // A graceful stop that hangs must not keep the orphan alive either.
    setTimeout(() => process.exit(1), 5_000).unref();
  });
}
