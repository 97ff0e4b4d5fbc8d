import { useCallback, useEffect, useRef, useState } from 'react';
import { api, appErrorOf } from '../../api/client';
import type { AppErrorData } from '../../../../shared/errors';
import type { PowerAction, PowerEvent, RunOptions } from '../../../../shared/contract/schemas/power';
import type { PowerRow } from './rows';

export interface RunRequest {
  nodeset: string;
  action: PowerAction;
  options: RunOptions;
  /** Keep the table and update only these nodes (retry failed). */
  merge?: boolean;
}

/**
 * One power batch at a time, streamed into a row table. Events change rows in place and mark the
 * table dirty; the React state is refreshed once per animation frame, so 1,000 nodes answering
 * at once cost a few renders, not a thousand.
 */
export function usePowerBatch() {
  const byName = useRef(new Map<string, PowerRow>());
  const order = useRef<string[]>([]);
  const sub = useRef<{ unsubscribe(): void } | null>(null);
  const frame = useRef<number | null>(null);
  const [rows, setRows] = useState<PowerRow[]>([]);
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<AppErrorData | null>(null);
  const [auditId, setAuditId] = useState<number | null>(null);

  const flush = useCallback(() => {
    if (frame.current !== null) cancelAnimationFrame(frame.current);
    frame.current = null;
    setRows(order.current.map((n) => byName.current.get(n)!));
  }, []);
  const schedule = useCallback(() => {
    frame.current ??= requestAnimationFrame(() => {
      frame.current = null;
      setRows(order.current.map((n) => byName.current.get(n)!));
    });
  }, []);
  const update = (name: string, patch: Partial<PowerRow>) => {
    const row = byName.current.get(name);
    if (!row) return;
    byName.current.set(name, { ...row, ...patch }); // a new object: the table re-renders this row only
    schedule();
  };

  const onEvent = (e: PowerEvent, req: RunRequest) => {
    switch (e.type) {
      case 'plan': {
        setAuditId(e.auditId);
        if (!req.merge) {
          byName.current = new Map();
          order.current = [];
        }
        for (const n of e.nodes) {
          if (!byName.current.has(n.name)) order.current.push(n.name);
          byName.current.set(n.name, { name: n.name, protocol: n.protocol, state: 'pending', action: req.action, power: null, startedAt: null, elapsedMs: null, attempts: 0, error: null });
        }
        flush();
        break;
      }
      case 'started':
        update(e.name, { state: 'running', startedAt: performance.now(), attempts: e.attempt });
        break;
      case 'result':
        update(e.name, { state: e.status, power: e.power, elapsedMs: e.elapsedMs, attempts: e.attempts, error: e.error });
        break;
      case 'done':
        flush();
        setRunning(false);
        sub.current = null;
        break;
    }
  };

  const start = useCallback((req: RunRequest) => {
    sub.current?.unsubscribe();
    setError(null);
    setRunning(true);
    sub.current = api.power.run.subscribe({ nodeset: req.nodeset, action: req.action, options: req.options }, {
      onData: (e) => onEvent(e as PowerEvent, req),
      onError: (err) => {
        setError(appErrorOf(err));
        setRunning(false);
        sub.current = null;
      },
    });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  /** Unsubscribing cancels the batch in main; what had not finished is cancelled there too. */
  const cancel = useCallback(() => {
    sub.current?.unsubscribe();
    sub.current = null;
    for (const [name, row] of byName.current) {
      if (row.state === 'pending' || row.state === 'running') {
        byName.current.set(name, { ...row, state: 'cancelled', elapsedMs: row.startedAt === null ? 0 : performance.now() - row.startedAt, error: null });
      }
    }
    flush();
    setRunning(false);
  }, [flush]);

  useEffect(() => () => {
    sub.current?.unsubscribe();
    if (frame.current !== null) cancelAnimationFrame(frame.current);
  }, []);

  return { rows, running, error, auditId, start, cancel };
}
