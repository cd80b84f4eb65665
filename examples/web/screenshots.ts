/**
 * Screenshots of the web demo's four panels after some training, as in
 * docs/demo.md: builds the demo, serves it from 127.0.0.1, opens it in
 * Debian's Chromium (headless, playwright-core), runs each panel in turn for
 * `SECONDS` (default 180), pauses it and saves `OUT/demo-{gan,text,audio,vae}.png`
 * (default `test/output/screenshots/`); `PANELS` (comma-separated) picks some.
 *
 *   npx tsx examples/web/screenshots.ts [SECONDS] [OUT] [PANELS]
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { build } from 'vite';
import { CHROMIUM, FLAGS } from '../../test/browser/chromium.js';
import { serveFolder } from './serveStatic.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const seconds = Number(process.argv[2] ?? 180);
const out = process.argv[3] ?? join(root, 'test', 'output', 'screenshots');
const panels = (process.argv[4] ?? 'gan,text,audio,vae').split(',');

const site = mkdtempSync(join(tmpdir(), 'tfjs-generative-web-'));
await build({ configFile: join(root, 'examples', 'web', 'vite.config.ts'), logLevel: 'warn', build: { outDir: site, emptyOutDir: true } });
const server = await serveFolder(site);
const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...FLAGS, '--autoplay-policy=no-user-gesture-required'] });
try {
  const page = await browser.newPage({ viewport: { width: 1240, height: 1600 } });
  page.on('console', (message) => {
    if (message.type() === 'error') console.error(`page: ${message.text()}`);
  });
  await page.goto(`${server.origin}/`);
  await page.waitForFunction(() => document.body.dataset.ready !== undefined, undefined, { timeout: 120_000 });
  console.log(`backend: ${await page.locator('#backend').innerText()}`);
  mkdirSync(out, { recursive: true });
  for (const panel of panels) {
    await page.click(`#${panel}-start`);
    const deadline = Date.now() + seconds * 1000;
    while (Date.now() < deadline && /^(Pause|Resume)$/.test(await page.locator(`#${panel}-start`).innerText())) await page.waitForTimeout(1000);
    if ((await page.locator(`#${panel}-start`).innerText()) === 'Pause') await page.click(`#${panel}-start`);
    if (panel === 'audio') {
      if ((await page.locator('#audio-generated-stats').getAttribute('data-rms')) === null) await page.click('#audio-generate');
      await page.waitForFunction(() => document.getElementById('audio-generated-stats')!.dataset.rms !== undefined, undefined, { timeout: 600_000 });
    }
    if (panel === 'vae') {
      const pad = (await page.locator('#vae-pad').boundingBox())!;
      await page.mouse.move(pad.x + pad.width / 2, pad.y + pad.height / 2);
      await page.mouse.down();
      await page.mouse.move(pad.x + pad.width * 0.55, pad.y + pad.height * 0.45, { steps: 4 });
      await page.mouse.up();
      await page.waitForTimeout(1000);
    }
    await page.locator(`#panel-${panel}`).screenshot({ path: join(out, `demo-${panel}.png`) });
    console.log(`${panel}: ${await page.locator(`#${panel}-stats`).innerText()}`);
  }
} finally {
  await browser.close();
  await server.close();
  rmSync(site, { recursive: true, force: true });
}
