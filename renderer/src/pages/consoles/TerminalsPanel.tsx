import { useCallback, useEffect, useRef, useState } from 'react';
import { Alert, App, Button, Checkbox, Descriptions, Empty, Modal, Segmented, Space, Switch, Tabs, Tooltip, Typography } from 'antd';
import { CloseOutlined, InsertRowBelowOutlined, InsertRowRightOutlined, MinusOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { NodeSetInput } from '../../components/NodeSetInput';
import { useErrorNotice } from '../../components/errors';
import { TerminalPane, type PaneHandle, type UnknownHostKey } from './TerminalPane';
import { SshConfigImport } from './SshConfigImport';
import { SplitView } from './SplitView';
import { gridLayout, panesOf, removePane, restoreLayout, saveLayout, splitPane, updatePane as patchPane, type Layout, type Pane, type SavedLayout, type SplitDirection } from './paneLayout';

interface Tab { key: string; title: string; layout: Layout }
const KINDS = ['ssh', 'sol'];
/** Split the focused pane right / down, close it (Tabby's split keys; Ctrl+Shift+W is the browser's). */
export const SPLIT_KEYS = { right: 'Ctrl+Shift+D', down: 'Ctrl+Shift+Alt+D', close: 'Ctrl+Shift+X' };

const MAX_PANES_PER_OPEN = 16;
/** This browser's (or window's) last set of open terminals: node and kind per pane, never secrets. */
const SESSION_KEY = 'clusterdeck-consoles-session';
/** `layout` is the split tree; `panes` (a grid) is what versions without splits saved. */
interface SavedSession { reopen: boolean; tabs: { title: string; layout?: SavedLayout; panes?: { kind: string; target: string }[] }[] }

function loadSession(): SavedSession {
  try {
    const s = JSON.parse(localStorage.getItem(SESSION_KEY) ?? 'null') as SavedSession | null;
    if (s && typeof s.reopen === 'boolean' && Array.isArray(s.tabs)) return s;
  } catch { /* unreadable: start empty */ }
  return { reopen: true, tabs: [] };
}

function restoreTab(tab: SavedSession['tabs'][number]): Layout | null {
  const layout = restoreLayout(tab.layout ?? { orientation: 'horizontal', children: tab.panes ?? [] }, () => `p${++counter}`, KINDS, MAX_PANES_PER_OPEN);
  return layout && !tab.layout ? gridLayout(panesOf(layout)) : layout;
}

/** One first-contact question; panes waiting on the same host:port and key share it. */
interface HostKeyQuestion { id: string; target: string; key: UnknownHostKey; waiters: ((accepted: boolean) => void)[] }
let counter = 0;

/**
 * Terminal tabs, each a grid of panes (one per node). Broadcast input is decided here: keys typed
 * in any pane of the tab go to every pane marked as receiving, and the banner names them.
 */
export function TerminalsPanel() {
  const { t } = useTranslation('consoles');
  const { message } = App.useApp();
  const notifyError = useErrorNotice();
  const [expr, setExpr] = useState('');
  const [kind, setKind] = useState<'ssh' | 'sol'>('ssh');
  const [saved] = useState(loadSession);
  const [reopen, setReopen] = useState(saved.reopen);
  const [tabs, setTabs] = useState<Tab[]>(() => !saved.reopen ? [] : saved.tabs
    .map((tab) => ({ key: `t${++counter}`, title: String(tab.title), layout: restoreTab(tab) }))
    .filter((tab): tab is Tab => tab.layout !== null));
  const [active, setActive] = useState<string | undefined>(() => tabs[0]?.key);
  const [broadcast, setBroadcast] = useState(false);
  const [fontSize, setFontSize] = useState(13);
  /** The pane that last had the keyboard: splits and Ctrl+Shift+X act on it. */
  const [focused, setFocused] = useState<string | null>(null);
  const handles = useRef(new Map<string, PaneHandle>());
  useEffect(() => {
    const session: SavedSession = { reopen, tabs: tabs.map((tab) => ({ title: tab.title, layout: saveLayout(tab.layout) })) };
    localStorage.setItem(SESSION_KEY, JSON.stringify(session));
  }, [reopen, tabs]);
  const [questions, setQuestions] = useState<HostKeyQuestion[]>([]);
  const questionsRef = useRef<HostKeyQuestion[]>([]);
  const [accepting, setAccepting] = useState(false);

  const askHostKey = useCallback((target: string, key: UnknownHostKey) => new Promise<boolean>((resolve) => {
    const id = `${key.host}:${key.port} ${key.fingerprint}`;
    const same = questionsRef.current.find((q) => q.id === id);
    if (same) same.waiters.push(resolve);
    else questionsRef.current = [...questionsRef.current, { id, target, key, waiters: [resolve] }];
    setQuestions(questionsRef.current);
  }), []);

  const answer = async (q: HostKeyQuestion, accept: boolean) => {
    let ok = false;
    if (accept) {
      setAccepting(true);
      try {
        await api.hostkeys.accept.mutate({ target: q.target, host: q.key.host, port: q.key.port, fingerprint: q.key.fingerprint });
        ok = true;
      } catch (e) {
        notifyError(e);
      } finally {
        setAccepting(false);
      }
    }
    questionsRef.current = questionsRef.current.filter((x) => x !== q);
    setQuestions(questionsRef.current);
    for (const w of q.waiters) w(ok);
  };
  const question = questions[0];

  const open = async () => {
    try {
      const names = (await api.inventory.previewNodeSet.query({ expr })).count ? await api.inventory.listNodes.query({ nodeset: expr, offset: 0, limit: MAX_PANES_PER_OPEN + 1 }) : null;
      if (!names || names.total === 0) return;
      if (names.total > MAX_PANES_PER_OPEN) message.warning(t('tooMany', { max: MAX_PANES_PER_OPEN, count: names.total }));
      const panes = names.items.slice(0, MAX_PANES_PER_OPEN).map((n) => ({ key: `p${++counter}`, kind, target: n.name, receives: true }));
      const tab = { key: `t${++counter}`, title: panes.length === 1 ? panes[0].target : `${panes[0].target} +${panes.length - 1}`, layout: gridLayout(panes) };
      setTabs((ts) => [...ts, tab]);
      setActive(tab.key);
    } catch (e) {
      notifyError(e);
    }
  };

  const current = tabs.find((x) => x.key === active);
  const currentPanes = current ? panesOf(current.layout) : [];
  const receivers = currentPanes.filter((p) => p.receives);

  const input = useCallback((from: Pane, text: string) => {
    const panes = current ? panesOf(current.layout) : [];
    if (!broadcast || !panes.some((p) => p.key === from.key)) {
      handles.current.get(from.key)?.write(text);
      return;
    }
    for (const p of panes) if (p.receives) handles.current.get(p.key)?.write(text);
    if (!from.receives) handles.current.get(from.key)?.write(text);
  }, [broadcast, current]);

  const updatePane = (tabKey: string, paneKey: string, patch: Partial<Pane> | null) =>
    setTabs((ts) => ts.map((tab) => {
      if (tab.key !== tabKey) return tab;
      const layout = patch === null ? removePane(tab.layout, paneKey) : patchPane(tab.layout, paneKey, patch);
      return layout ? { ...tab, layout } : null;
    }).filter((tab): tab is Tab => tab !== null));

  /** A new session on the same node beside or below the pane, which keeps its own session. */
  const split = (tabKey: string, paneKey: string, direction: SplitDirection) => {
    const fresh = `p${++counter}`;
    setTabs((ts) => ts.map((tab) => {
      const from = tab.key === tabKey ? panesOf(tab.layout).find((p) => p.key === paneKey) : undefined;
      return from ? { ...tab, layout: splitPane(tab.layout, paneKey, direction, { key: fresh, kind: from.kind, target: from.target, receives: true }) } : tab;
    }));
    setFocused(fresh);
  };

  // The split keys act, while a terminal has the keyboard, on the focused pane of the tab on screen.
  const splitKeysRef = useRef<(e: KeyboardEvent) => void>(() => {});
  splitKeysRef.current = (e) => {
    if (!current || !e.ctrlKey || !e.shiftKey || !(e.target instanceof Element) || !e.target.closest('[data-testid=console-pane]')) return;
    const key = e.code === 'KeyD' ? 'd' : e.code === 'KeyX' ? 'x' : null;
    if (!key) return;
    const target = currentPanes.find((p) => p.key === focused) ?? currentPanes[0];
    if (!target) return;
    e.preventDefault();
    e.stopPropagation();
    if (key === 'x') updatePane(current.key, target.key, null);
    else split(current.key, target.key, e.altKey ? 'down' : 'right');
  };

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey && e.shiftKey && e.key.toLowerCase() === 'b') { e.preventDefault(); setBroadcast((b) => !b); }
      splitKeysRef.current(e);
      // Font size: Ctrl + / Ctrl - / Ctrl 0 while a terminal has the focus (instead of zooming the page).
      const inTerminal = e.target instanceof Element && !!e.target.closest('.xterm');
      if (inTerminal && e.ctrlKey && !e.altKey) {
        if (e.key === '=' || e.key === '+') { e.preventDefault(); e.stopPropagation(); setFontSize((f) => Math.min(28, f + 1)); }
        else if (e.key === '-') { e.preventDefault(); e.stopPropagation(); setFontSize((f) => Math.max(8, f - 1)); }
        else if (e.key === '0') { e.preventDefault(); e.stopPropagation(); setFontSize(13); }
      }
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, []);


  return (
    <Space direction="vertical" style={{ width: '100%', height: '100%' }}>
      <Modal
        open={!!question}
        title={t('hostKey.title')}
        closable={false}
        maskClosable={false}
        keyboard={false}
        destroyOnHidden
        footer={question && [
          <Button key="reject" danger onClick={() => void answer(question, false)} disabled={accepting} data-testid="hostkey-reject">{t('hostKey.reject')}</Button>,
          <Button key="accept" type="primary" onClick={() => void answer(question, true)} loading={accepting} data-testid="hostkey-accept">{t('hostKey.accept')}</Button>,
        ]}
      >
        {question && (
          <div data-testid="hostkey-dialog">
            <Typography.Paragraph>{t('hostKey.intro', { where: `${question.key.host}:${question.key.port}`, target: question.target })}</Typography.Paragraph>
            <Descriptions column={1} size="small" bordered items={[
              { key: 'host', label: t('hostKey.host'), children: `${question.key.host}:${question.key.port}` },
              { key: 'type', label: t('hostKey.keyType'), children: <span data-testid="hostkey-type">{question.key.keyType}</span> },
              { key: 'fp', label: t('hostKey.fingerprint'), children: <Typography.Text code copyable data-testid="hostkey-fingerprint">{question.key.fingerprint}</Typography.Text> },
            ]} />
            <Typography.Paragraph type="secondary" style={{ marginTop: 12 }}>{t('hostKey.howToCheck')}</Typography.Paragraph>
          </div>
        )}
      </Modal>
      <Space wrap align="start">
        <div style={{ width: 380 }}><NodeSetInput value={expr} onChange={setExpr} onPressEnter={open} testId="console-nodes" /></div>
        <Segmented value={kind} onChange={(v) => setKind(v as 'ssh' | 'sol')} options={[{ value: 'ssh', label: 'SSH' }, { value: 'sol', label: t('sol') }]} />
        <Button type="primary" onClick={open} disabled={!expr.trim()} data-testid="console-open">{t('open')}</Button>
        <Tooltip title="Ctrl+Shift+B"><Space><Switch checked={broadcast} onChange={setBroadcast} data-testid="broadcast-toggle" />{t('broadcast')}</Space></Tooltip>
        <Space.Compact>
          <Button icon={<MinusOutlined />} onClick={() => setFontSize((f) => Math.max(8, f - 1))} aria-label={t('smaller')} />
          <Button disabled data-testid="font-size">{fontSize}px</Button>
          <Button icon={<PlusOutlined />} onClick={() => setFontSize((f) => Math.min(28, f + 1))} aria-label={t('larger')} />
        </Space.Compact>
        <Tooltip title={t('reopenHint')}><Space><Switch size="small" checked={reopen} onChange={setReopen} data-testid="reopen-toggle" />{t('reopen')}</Space></Tooltip>
        <SshConfigImport />
      </Space>
      {broadcast && current && (
        <Alert type="warning" showIcon data-testid="broadcast-banner"
          message={t('broadcasting', { count: receivers.length, targets: receivers.map((p) => p.target).join(', ') })} />
      )}
      {tabs.length === 0 ? (
        <Empty style={{ marginTop: 60 }} description={<Typography.Text type="secondary">{t('empty')}</Typography.Text>} />
      ) : (
        <Tabs
          type="editable-card"
          hideAdd
          activeKey={active}
          onChange={setActive}
          onEdit={(key, action) => { if (action === 'remove') setTabs((ts) => ts.filter((x) => x.key !== key)); }}
          items={tabs.map((tab) => ({
            key: tab.key,
            label: tab.title,
            children: (
              <div style={{ height: 'calc(100vh - 280px)' }}>
                <SplitView layout={tab.layout} renderPane={(p) => (
                  <div onFocus={() => setFocused(p.key)} data-focused={focused === p.key || undefined}
                    style={{ display: 'flex', flexDirection: 'column', height: '100%', outline: broadcast && p.receives ? '2px solid #faad14' : undefined, outlineOffset: -2 }}>
                    <Space style={{ justifyContent: 'space-between', width: '100%', padding: '2px 4px' }}>
                      <Typography.Text strong type={focused === p.key && panesOf(tab.layout).length > 1 ? undefined : 'secondary'}>{p.target}</Typography.Text>
                      <Space size={0}>
                        {broadcast && <Checkbox checked={p.receives} onChange={(e) => updatePane(tab.key, p.key, { receives: e.target.checked })}>{t('receives')}</Checkbox>}
                        <Tooltip title={`${t('splitRight')} (${SPLIT_KEYS.right})`}><Button size="small" type="text" icon={<InsertRowRightOutlined />} onClick={() => split(tab.key, p.key, 'right')} aria-label={t('splitRight')} data-testid="pane-split-right" /></Tooltip>
                        <Tooltip title={`${t('splitDown')} (${SPLIT_KEYS.down})`}><Button size="small" type="text" icon={<InsertRowBelowOutlined />} onClick={() => split(tab.key, p.key, 'down')} aria-label={t('splitDown')} data-testid="pane-split-down" /></Tooltip>
                        <Tooltip title={`${t('close')} (${SPLIT_KEYS.close})`}><Button size="small" type="text" icon={<CloseOutlined />} onClick={() => updatePane(tab.key, p.key, null)} aria-label={t('close')} data-testid="pane-close" /></Tooltip>
                      </Space>
                    </Space>
                    <div style={{ flex: 1, minHeight: 0 }}>
                      <TerminalPane kind={p.kind} target={p.target} fontSize={fontSize} onHostKeyUnknown={askHostKey}
                        onInput={(text) => input(p, text)}
                        register={(h) => { if (h) handles.current.set(p.key, h); else handles.current.delete(p.key); }} />
                    </div>
                  </div>
                )} />
              </div>
            ),
          }))}
        />
      )}
    </Space>
  );
}
