import path from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, setLanguage } from './browser';
import { cli } from './cli';
import { startServe, type ServeProcess } from './serveProcess';
import { tempDir } from './tmp';

export interface UiSessionOptions {
  /** Arguments of `clusterdeck lab up` (the lab is taken down after the suite); none: no lab. */
  lab?: string[];
  /** Work to do on the data folder before `serve` starts (imports, files). */
  prepare?: (s: UiSession) => void | Promise<void>;
  /** Work after `serve` stopped, before the temp folder goes (stop peers `prepare` started). */
  teardown?: () => void | Promise<void>;
  /** The sidebar entry to open first, e.g. 'consoles' for `nav-consoles`. */
  nav?: string;
  tempPrefix?: string;
}

export interface UiSession {
  /** The suite's temp folder (removed after it) and the data folder inside it. */
  dir: string;
  data: string;
  serve: ServeProcess;
  browser: Browser;
  page: Page;
}

/**
 * The set-up every browser suite shares: a temp data folder, an optional lab, `clusterdeck serve`, Chromium on the
 * served page in English, and the teardown of all of it. Call inside `describe`; the fields are filled in beforeAll.
 */
export function useUiSession(options: UiSessionOptions = {}): UiSession {
  const t = tempDir(options.tempPrefix);
  const s = { dir: t.dir, data: path.join(t.dir, 'data') } as UiSession;
  beforeAll(async () => {
    if (options.lab) {
      const up = cli(s.data, ['lab', 'up', ...options.lab]);
      expect(up.stderr).toBe('');
    }
    await options.prepare?.(s);
    s.serve = await startServe(s.data);
    s.browser = await launchBrowser();
    s.page = await s.browser.newPage({ viewport: { width: 1440, height: 900 } });
    await s.page.goto(s.serve.url);
    await setLanguage(s.page, 'en');
    if (options.nav) await s.page.getByTestId(`nav-${options.nav}`).click();
  });
  afterAll(async () => {
    await s.browser?.close();
    await s.serve?.stop();
    if (options.lab) cli(s.data, ['lab', 'down']);
    await options.teardown?.();
    t.cleanup();
  });
  return s;
}
