/**
 * Runs `work` with a signal the first Ctrl-C aborts (saying `cancelling` on stderr when given, so the
 * user knows the cancel is under way); a second Ctrl-C quits at once with 130, as shells expect.
 */
export async function withCtrlC<T>(work: (signal: AbortSignal) => Promise<T>, cancelling?: string): Promise<T> {
  const ctrl = new AbortController();
  const onSigint = (): void => {
    if (ctrl.signal.aborted) process.exit(130);
    if (cancelling) process.stderr.write(`\nclusterdeck: ${cancelling} (Ctrl-C again to quit at once)\n`);
    ctrl.abort();
  };
  process.on('SIGINT', onSigint);
  try {
    return await work(ctrl.signal);
  } finally {
    process.off('SIGINT', onSigint);
  }
}
