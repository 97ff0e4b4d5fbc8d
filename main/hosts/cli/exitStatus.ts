// 0: everything worked. 1: some targets of a batch failed (or an unexpected fault).
// 2: the command line or its input was wrong — the user can fix it and run again.
// Apart from ./exitCodes.ts so the agent fast path (./agentRun.ts) gets them without tRPC.
export const EXIT_OK = 0;
export const EXIT_SOME_FAILED = 1;
export const EXIT_USAGE = 2;

/** The exit code of an error that ends a command: 1 for a fault of ClusterDeck's own, 2 for input the user can fix. */
export const exitOfErrorCode = (code: string): number => (code === 'INTERNAL' ? EXIT_SOME_FAILED : EXIT_USAGE);
