import { useEffect, useRef } from 'react';
import { Terminal } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import '@xterm/xterm/css/xterm.css';
import { theme } from 'antd';
import { ConsoleStream } from './streamClient';

export interface PaneHandle {
  write(text: string): void;
}

interface Props {
  kind: string;
  target: string;
  /** Keystrokes and pastes typed here; the page decides where they go (broadcast). */
  onInput(text: string): void;
  register(handle: PaneHandle | null): void;
  fontSize: number;
}

/** One xterm.js terminal bound to one console stream from main. */
export function TerminalPane({ kind, target, onInput, register, fontSize }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const termRef = useRef<Terminal | null>(null);
  const inputRef = useRef(onInput);
  inputRef.current = onInput;
  const { token } = theme.useToken();

  useEffect(() => {
    const term = new Terminal({ fontSize, scrollback: 10_000, cursorBlink: true, allowProposedApi: false, theme: { background: '#141414' } });
    const fit = new FitAddon();
    term.loadAddon(fit);
    term.open(host.current!);
    fit.fit();
    termRef.current = term;
    // Reachable from the page for tests and bench/terminal.mjs (same page, no extra privilege).
    (host.current as HTMLDivElement & { xterm?: Terminal }).xterm = term;
    const stream = new ConsoleStream(kind, target, term.cols, term.rows, {
      onData: (bytes, done) => term.write(bytes, done),
      onExit: (code, reason) => term.write(`\r\n\x1b[33m[${target}: ${reason}${code !== null ? `, exit ${code}` : ''}]\x1b[0m\r\n`),
      onError: (message) => term.write(`\r\n\x1b[31m[${target}: ${message}]\x1b[0m\r\n`),
    });
    const input = term.onData((d) => inputRef.current(d));
    const resize = term.onResize(({ cols, rows }) => stream.resize(cols, rows));
    const observer = new ResizeObserver(() => fit.fit());
    observer.observe(host.current!);
    register({ write: (text) => stream.write(text) });
    return () => {
      register(null);
      observer.disconnect();
      input.dispose();
      resize.dispose();
      stream.close();
      term.dispose();
    };
    // A new stream only for a new target; font changes are applied below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [kind, target]);

  useEffect(() => {
    if (termRef.current) termRef.current.options.fontSize = fontSize;
  }, [fontSize]);

  return <div ref={host} data-testid={`terminal-${target}`} style={{ height: '100%', width: '100%', background: '#141414', border: `1px solid ${token.colorBorderSecondary}` }} />;
}
