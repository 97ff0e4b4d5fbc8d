import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { REPO } from './tmp';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SHOTS = path.join(REPO, 'test-results', 'screenshots');

/** Debian's Chromium, headless, with everything that would call out to the internet switched off. */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

/** Every URL the page asks for, to prove the UI loads nothing from outside `serve`. */
export function recordRequests(page: Page): string[] {
  const urls: string[] = [];
  page.on('request', (r) => urls.push(r.url()));
  page.on('websocket', (ws) => urls.push(ws.url()));
  return urls;
}

export async function shot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SHOTS, { recursive: true });
  const file = path.join(SHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: false });
  return file;
}

export async function setLanguage(page: Page, language: 'en' | 'zh-CN'): Promise<void> {
  await page.evaluate((lng) => {
    localStorage.setItem('clusterdeck-ui', JSON.stringify({ state: { language: lng, theme: 'light' }, version: 0 }));
  }, language);
  await page.reload();
}
