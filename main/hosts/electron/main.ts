// The desktop front door. Deliberately thin: Electron cannot run on the build machines, so all
// behaviour lives in services and the IPC adapter (tested under Node); this file only wires
// windows, hardening and the OS keychain. Built and type-checked in CI.
import path from 'node:path';
import { app, BrowserWindow, ipcMain, safeStorage, session, shell, type WebContents } from 'electron';
import type { IncomingMessage } from 'node:http';
import { createApp } from '../../app';
import { contractConnectionHandler } from '../contractConnection';
import { IpcSocket } from './ipcSocket';
import { contentSecurityPolicy } from '../serve/server';
import { IPC_CHANNEL, MAX_IPC_MESSAGE } from '../../../shared/ipc';

if (!app.requestSingleInstanceLock()) app.quit();

const core = createApp({
  dataDir: process.env.CLUSTERDECK_DATA_DIR ?? app.getPath('userData'),
  osKeychain: {
    isAvailable: () => safeStorage.isEncryptionAvailable(),
    encrypt: (plain) => safeStorage.encryptString(plain.toString('base64')),
    decrypt: (sealed) => Buffer.from(safeStorage.decryptString(sealed), 'base64'),
  },
});

const handleConnection = contractConnectionHandler(core.services, 'app');
const sockets = new Map<number, IpcSocket>();
const rendererIndex = path.join(__dirname, '../renderer/index.html');
const trustedUrl = (url: string) => url.startsWith(`file://${rendererIndex}`) || (!app.isPackaged && !!process.env.ELECTRON_RENDERER_URL && url.startsWith(process.env.ELECTRON_RENDERER_URL));

function socketFor(contents: WebContents): IpcSocket {
  let socket = sockets.get(contents.id);
  if (!socket) {
    const s = new IpcSocket((data) => { if (!contents.isDestroyed()) contents.send(IPC_CHANNEL, data); });
    socket = s;
    sockets.set(contents.id, s);
    handleConnection(s as never, { url: '/trpc', headers: {} } as IncomingMessage);
    contents.once('destroyed', () => { s.close(); sockets.delete(contents.id); });
    contents.on('did-start-navigation', (_e, _url, isInPlace, isMainFrame) => {
      // A reload starts a new renderer: drop its subscriptions.
      if (isMainFrame && !isInPlace) { s.close(); sockets.delete(contents.id); }
    });
  }
  return socket;
}

ipcMain.on(IPC_CHANNEL, (event, message: unknown) => {
  // Only our own page, only strings, never huge: anything else is dropped.
  if (!event.senderFrame || !trustedUrl(event.senderFrame.url)) return;
  if (typeof message !== 'string' || message.length > MAX_IPC_MESSAGE) return;
  socketFor(event.sender).receive(message);
});

function createWindow(): void {
  const win = new BrowserWindow({
    width: 1440,
    height: 900,
    title: 'ClusterDeck',
    show: false,
    webPreferences: {
      preload: path.join(__dirname, '../preload/index.js'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  win.once('ready-to-show', () => win.show());
  win.webContents.setWindowOpenHandler(({ url }) => {
    // Links to documentation open in the user's browser, never inside the app.
    if (/^https?:\/\//.test(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  win.webContents.on('will-navigate', (e, url) => { if (!trustedUrl(url)) e.preventDefault(); });
  win.webContents.on('will-attach-webview', (e) => e.preventDefault());
  if (!app.isPackaged && process.env.ELECTRON_RENDERER_URL) void win.loadURL(process.env.ELECTRON_RENDERER_URL);
  else void win.loadFile(rendererIndex);
}

app.on('second-instance', () => {
  const [win] = BrowserWindow.getAllWindows();
  if (win) { if (win.isMinimized()) win.restore(); win.focus(); }
});

void app.whenReady().then(() => {
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [contentSecurityPolicy("'self'")] } });
  });
  // No remote content: the renderer may load only its own files.
  session.defaultSession.webRequest.onBeforeRequest((details, callback) => {
    const allowed = details.url.startsWith('file://') || details.url.startsWith('devtools://') || (!!process.env.ELECTRON_RENDERER_URL && !app.isPackaged && details.url.startsWith(process.env.ELECTRON_RENDERER_URL));
    callback({ cancel: !allowed });
  });
  createWindow();
  app.on('activate', () => { if (BrowserWindow.getAllWindows().length === 0) createWindow(); });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
let quitting = false;
app.on('will-quit', (event) => {
  if (quitting) return;
  // Let consoles deactivate (SOL) and sessions close before the process goes away.
  event.preventDefault();
  quitting = true;
  void core.shutdown().finally(() => app.quit());
});
