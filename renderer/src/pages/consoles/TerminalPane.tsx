import { useEffect, useRef, useState } from 'react';
import { Terminal } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import { SearchAddon } from '@xterm/addon-search';
import '@xterm/xterm/css/xterm.css';
import { Input, theme } from 'antd';
import { useTranslation } from 'react-i18next';
import type { AppErrorData } from '../../../../shared/errors';
import { ConsoleStream } from './streamClient';

export interface PaneHandle {
  write(text: string): void;
}

/** What the page needs to show the first-contact dialog (the params of SSH_HOSTKEY_UNKNOWN). */
export interface UnknownHostKey {
  host: string;
  port: number;
  keyType: string;
  fingerprint: string;
}

interface Props {
  kind: string;
  target: string;
  /** Keystrokes and pastes typed here; the page decides where they go (broadcast). */
  onInput(text: string): void;
  register(handle: PaneHandle | null): void;
  /** The host key is not known yet: ask the user; resolves true once it is accepted and stored. */
  onHostKeyUnknown(target: string, key: UnknownHostKey): Promise<boolean>;
  fontSize: number;
}

/** Keys that reconnect a pane whose session ended. */
export function isReconnectKey(data: string): boolean {
  return data === 'r' || data === 'R' || data === '\r';
}

/**
 * One xterm.js terminal bound to one console stream from main. When the session ends (the node
 * dropped it, the shell exited, or it never opened) the same terminal stays, with its scrollback,
 * and R or Enter opens a new stream into it.
 */
export function TerminalPane({ kind, target, onInput, register, onHostKeyUnknown, fontSize }: Props) {
  const { t } = useTranslation('consoles');
  const host = useRef<HTMLDivElement>(null);
  const termRef = useRef<Terminal | null>(null);
  const fitRef = useRef<FitAddon | null>(null);
  const searchRef = useRef<SearchAddon | null>(null);
  const [searching, setSearching] = useState(false);
  const [query, setQuery] = useState('');
  const inputRef = useRef(onInput);
  inputRef.current = onInput;
  const askRef = useRef(onHostKeyUnknown);
  askRef.current = onHostKeyUnknown;
  const tRef = useRef(t);
  tRef.current = t;
  const { token } = theme.useToken();

  useEffect(() => {
    const term = new Terminal({ fontSize, scrollback: 10_000, cursorBlink: true, allowProposedApi: false, theme: { background: '#141414' } });
    const fit = new FitAddon();
    term.loadAddon(fit);
    const search = new SearchAddon();
    term.loadAddon(search);
    searchRef.current = search;
    // Ctrl+Shift+F searches the scrollback (the key never reaches the node).
    term.attachCustomKeyEventHandler((e) => {
      if (e.type === 'keydown' && e.ctrlKey && e.shiftKey && e.key.toLowerCase() === 'f') { e.preventDefault(); setSearching(true); return false; }
      return true;
    });
    term.open(host.current!);
    fit.fit();
    termRef.current = term;
    fitRef.current = fit;
    const el = host.current as HTMLDivElement & { xterm?: Terminal };
    // Reachable from the page for tests and bench/terminal.mjs (same page, no extra privilege).
    el.xterm = term;
    let stream: ConsoleStream | null = null;
    /** 'live': keys go to the stream; 'ended': R/Enter reconnects; 'waiting': connecting or asking. */
    let state: 'live' | 'ended' | 'waiting' = 'waiting';
    let disposed = false;
    const setState = (s: typeof state) => { state = s; el.dataset.state = s; };

    const ended = (line: string) => {
      stream?.close();
      stream = null;
      if (disposed) return;
      term.write(`${line}\r\n\x1b[2m${tRef.current('terminal.reconnectHint')}\x1b[0m\r\n`);
      setState('ended');
    };

    const connect = () => {
      setState('waiting');
      const s: ConsoleStream = new ConsoleStream(kind, target, term.cols, term.rows, {
        onOpened: () => { if (stream === s) setState('live'); },
        onData: (bytes, done) => term.write(bytes, done),
        onExit: (code, reason) => { if (stream === s) ended(`\r\n\x1b[33m[${target}: ${reason}${code !== null ? `, exit ${code}` : ''}]\x1b[0m`); },
        onError: (error) => { if (stream === s) void failed(error); },
      });
      stream = s;
    };

    const failed = async (error: AppErrorData) => {
      if (error.code === 'SSH_HOSTKEY_UNKNOWN' && typeof error.params.fingerprint === 'string') {
        stream?.close();
        stream = null;
        const p = error.params as unknown as UnknownHostKey;
        term.write(`\r\n\x1b[33m[${tRef.current('hostKey.asking', { where: `${p.host}:${p.port}`, fingerprint: p.fingerprint })}]\x1b[0m\r\n`);
        const accepted = await askRef.current(target, { host: p.host, port: Number(p.port), keyType: String(p.keyType), fingerprint: p.fingerprint });
        if (disposed) return;
        if (accepted) return connect();
        return ended(`\x1b[31m[${tRef.current('hostKey.rejected', { where: `${p.host}:${p.port}` })}]\x1b[0m`);
      }
      ended(`\r\n\x1b[31m[${target}: ${error.message}]\x1b[0m`);
    };

    connect();
    const input = term.onData((d) => {
      if (state === 'live' || (state === 'waiting' && stream)) inputRef.current(d);
      else if (state === 'ended' && isReconnectKey(d)) {
        term.write(`\x1b[2m[${tRef.current('terminal.reconnecting', { target })}]\x1b[0m\r\n`);
        connect();
      }
    });
    const resize = term.onResize(({ cols, rows }) => stream?.resize(cols, rows));
    const observer = new ResizeObserver(() => fit.fit());
    observer.observe(host.current!);
    // Broadcast input reaches only live sessions; an ended pane waits for its own R/Enter.
    register({ write: (text) => { if (state !== 'ended') stream?.write(text); } });
    return () => {
      disposed = true;
      register(null);
      observer.disconnect();
      input.dispose();
      resize.dispose();
      stream?.close();
      term.dispose();
    };
    // A new terminal only for a new target; font changes are applied below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [kind, target]);

  useEffect(() => {
    if (!termRef.current) return;
    termRef.current.options.fontSize = fontSize;
    fitRef.current?.fit();
  }, [fontSize]);

  const find = (backwards: boolean) => {
    // The match is selected (decorations would need xterm's proposed API).
    if (query) (backwards ? searchRef.current?.findPrevious(query) : searchRef.current?.findNext(query));
  };
  return (
    <div style={{ position: 'relative', height: '100%', width: '100%' }}>
      {searching && (
        <Input size="small" autoFocus allowClear placeholder={t('search.placeholder')} value={query} data-testid={`search-${target}`}
          style={{ position: 'absolute', top: 4, right: 18, width: 260, zIndex: 5 }}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') { e.preventDefault(); find(e.shiftKey); }
            if (e.key === 'Escape') { searchRef.current?.clearDecorations(); setSearching(false); termRef.current?.focus(); }
          }} />
      )}
      <div ref={host} data-testid={`terminal-${target}`} style={{ height: '100%', width: '100%', background: '#141414', border: `1px solid ${token.colorBorderSecondary}` }} />
    </div>
  );
}
