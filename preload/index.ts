// The preload exposes exactly one thing to the page: a pipe to the contract (strings both ways,
// console output frames as bytes from main). No Node,
// no ipcRenderer, no generic channel names — the page cannot reach anything else in main.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { IPC_CHANNEL, MAX_IPC_MESSAGE, type PreloadBridge } from '../shared/ipc';

const bridge: PreloadBridge = {
  send(message) {
    if (typeof message !== 'string' || message.length > MAX_IPC_MESSAGE) throw new TypeError('invalid message');
    ipcRenderer.send(IPC_CHANNEL, message);
  },
  onMessage(listener) {
    const wrapped = (_event: IpcRendererEvent, message: unknown) => {
      if (typeof message === 'string' || message instanceof Uint8Array) listener(message);
    };
    ipcRenderer.on(IPC_CHANNEL, wrapped);
    return () => ipcRenderer.off(IPC_CHANNEL, wrapped);
  },
};

contextBridge.exposeInMainWorld('clusterdeck', bridge);
