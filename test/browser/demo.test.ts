// The web demo (examples/web/), used as a visitor would: built with Vite into a
// temp folder, served from 127.0.0.1, opened in Debian's Chromium (headless,
// playwright-core, never a browser download; GL through SwiftShader). Each
// panel is started, runs a few seconds and is paused; the test checks that its
// canvases are not blank, its numbers move, the text streams, the audio is not
// silent, a drag on the latent pad changes the decoded digit, and nothing is
// logged as an error. One screenshot per panel goes to test/output/screenshots/
// (git-ignored; CI keeps it as an artifact).
//
// Without /usr/bin/chromium the suite is skipped, with a message; under CI
// (`process.env.CI`) it fails instead.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveFolder, type FolderServer } from '../../examples/web/serveStatic.js';
import { root } from '../_dist.js';
import { CHROMIUM, FLAGS, hasChromium, inCI } from './chromium.js';

const SCREENSHOTS = join(root, 'test', 'output', 'screenshots');
// Web Audio plays without a click on the page (headless has no speakers; playing must still not fail).
const DEMO_FLAGS = [...FLAGS, '--autoplay-policy=no-user-gesture-required'];

if (!hasChromium && !inCI) {
  console.warn(`web demo test skipped: ${CHROMIUM} not found (install Debian's chromium: apt-get install -y chromium). Under CI this fails.`);
}

describe.runIf(!hasChromium && inCI)('the web demo under CI', () => {
  it(`finds ${CHROMIUM}`, () => {
    expect.fail(`${CHROMIUM} is missing: .ci/run installs it with apt-get install -y chromium`);
  });
});

/** How many distinct RGBA values a canvas holds (1 for a blank one), and a digest of its pixels. */
async function canvasInfo(page: Page, id: string): Promise<{ distinct: number; digest: string }> {
  return page.evaluate((canvasId) => {
    const canvas = document.getElementById(canvasId) as HTMLCanvasElement;
    const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
    const seen = new Set<number>();
    let hash = 2166136261;
    for (let i = 0; i < data.length; i += 4) {
      const value = ((data[i]! << 24) | (data[i + 1]! << 16) | (data[i + 2]! << 8) | data[i + 3]!) >>> 0;
      seen.add(value);
      hash = Math.imul(hash ^ value, 16777619) >>> 0;
    }
    return { distinct: seen.size, digest: hash.toString(16) };
  }, id);
}

const text = (page: Page, id: string): Promise<string> => page.locator(`#${id}`).innerText();

/** Lets a panel run until its status line shows `steps` different step counts (or `ms` pass); returns what it showed. */
async function watch(page: Page, id: string, steps: number, ms: number): Promise<string[]> {
  const seen: string[] = [];
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const line = await text(page, id);
    if (/^step \d+/.test(line) && seen.at(-1) !== line) seen.push(line);
    if (new Set(seen.map((l) => l.match(/^step (\d+)/)![1])).size >= steps) break;
    await page.waitForTimeout(100);
  }
  return seen;
}

/**
 * Clicks a button from inside the page. Playwright's `page.click` sends real
 * mouse input, which the page handles only between training steps; on a
 * machine shared with other test files a step can hold the main thread long
 * enough that the input times out. `button.click()` runs at the next turn of the
 * page's event loop (the loops yield between steps), and fires the same handler.
 */
async function press(page: Page, id: string): Promise<void> {
  await page.locator(`#${id}`).waitFor({ state: 'visible' });
  await page.evaluate((target) => (document.getElementById(target) as HTMLButtonElement).click(), id);
}

/** The numbers of a status line, as written. */
const numbers = (line: string): number[] => [...line.matchAll(/-?\d+(\.\d+)?/g)].map((m) => Number(m[0]));

describe.skipIf(!hasChromium)('the web demo in headless Chromium', () => {
  let out = '';
  let server: FolderServer | undefined;
  let browser: Browser | undefined;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 'tfjs-generative-web-'));
    await build({ configFile: join(root, 'examples', 'web', 'vite.config.ts'), logLevel: 'warn', build: { outDir: out, emptyOutDir: true } });
    server = await serveFolder(out);
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: DEMO_FLAGS });
    page = await browser.newPage({ viewport: { width: 1240, height: 1400 } });
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
    await page.goto(`${server.origin}/`);
    await page.waitForFunction(() => document.body.dataset.ready !== undefined || /failed/.test(document.getElementById('backend')?.textContent ?? ''), undefined, { timeout: 60_000 });
    mkdirSync(SCREENSHOTS, { recursive: true });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (out) rmSync(out, { recursive: true, force: true });
  });

  it('starts the best backend it has and says which: wasm, as WebGL is SwiftShader here and there is no WebGPU adapter', async () => {
    expect(await page.evaluate(() => document.body.dataset.ready)).toBe('wasm');
    expect(await text(page, 'backend')).toBe('wasm (1 thread)');
    expect(await text(page, 'backend-note')).toBe('(no WebGPU adapter; WebGL is a software renderer here)');
    expect(errors).toEqual([]);
  });

  it('(a) trains the DCGAN: the losses move, the sample grid and the chart are drawn, pause stops it', async () => {
    const before = await canvasInfo(page, 'gan-grid');
    await press(page, 'gan-start');
    const lines = await watch(page, 'gan-stats', 6, 40_000);
    expect(lines.length, lines.join('\n')).toBeGreaterThanOrEqual(4);
    const losses = new Set(lines.map((l) => l.match(/D loss (\S+)/)?.[1]));
    expect(losses.size).toBeGreaterThanOrEqual(3);
    expect(lines.flatMap(numbers).every(Number.isFinite)).toBe(true);
    await press(page, 'gan-start'); // pause
    expect(await text(page, 'gan-start')).toBe('Resume');
    await page.waitForTimeout(500);
    const paused = await text(page, 'gan-stats');
    await page.waitForTimeout(1000);
    expect(await text(page, 'gan-stats')).toBe(paused);
    const grid = await canvasInfo(page, 'gan-grid');
    expect(grid.distinct).toBeGreaterThan(5); // a blank grid has 2 (padding and one gray)
    expect(grid.digest).not.toBe(before.digest);
    expect((await canvasInfo(page, 'gan-chart')).distinct).toBeGreaterThan(10);
    expect(await page.locator('#gan-progress').evaluate((p) => (p as HTMLProgressElement).value)).toBeGreaterThan(0);
    await page.locator('#panel-gan').screenshot({ path: join(SCREENSHOTS, 'demo-gan.png') });
    expect(errors).toEqual([]);
  });

  it('(b) trains the character transformer and streams sampled text token by token', async () => {
    await page.fill('#text-temperature', '0.7');
    await press(page, 'text-start');
    await page.waitForFunction(() => Number(document.getElementById('text-output')!.dataset.tokens) >= 5, undefined, { timeout: 90_000 });
    const early = Number(await page.locator('#text-output').getAttribute('data-tokens'));
    await page.waitForFunction((n) => Number(document.getElementById('text-output')!.dataset.tokens) > n + 5, early, { timeout: 45_000 });
    await press(page, 'text-start'); // pause
    const stats = await text(page, 'text-stats');
    expect(stats).toMatch(/^step \d+\/\d+ · \d+\.\d+ bits\/char/);
    const written = await text(page, 'text-output');
    expect(written).toMatch(/^after \d+ steps: /);
    expect(written.length).toBeGreaterThan(20);
    expect((await canvasInfo(page, 'text-chart')).distinct).toBeGreaterThan(10);
    await page.locator('#panel-text').screenshot({ path: join(SCREENSHOTS, 'demo-text.png') });
    expect(errors).toEqual([]);
  });

  it('(c) trains the WaveNet, then synthesizes audio that is not silent, draws it and plays it', async () => {
    await press(page, 'audio-start');
    const lines = await watch(page, 'audio-stats', 4, 40_000);
    expect(lines.length, lines.join('\n')).toBeGreaterThanOrEqual(3);
    expect(new Set(lines.map((l) => l.match(/loss (\S+)/)?.[1])).size).toBeGreaterThanOrEqual(2);
    await press(page, 'audio-start'); // pause
    const blank = await canvasInfo(page, 'audio-generated-wave');
    await page.selectOption('#audio-length', '0.25');
    await press(page, 'audio-generate');
    await page.waitForFunction(() => document.getElementById('audio-generated-stats')!.dataset.rms !== undefined, undefined, { timeout: 60_000 });
    const rms = Number(await page.locator('#audio-generated-stats').getAttribute('data-rms'));
    expect(rms).toBeGreaterThan(0.01);
    await page.waitForFunction(() => /playing|could not play/.test(document.getElementById('audio-generated-stats')!.textContent ?? ''));
    expect(await text(page, 'audio-generated-stats')).toMatch(/2000 samples .* playing$/);
    const wave = await canvasInfo(page, 'audio-generated-wave');
    expect(wave.digest).not.toBe(blank.digest);
    expect((await canvasInfo(page, 'audio-training-wave')).distinct).toBeGreaterThan(2);
    await page.locator('#panel-audio').screenshot({ path: join(SCREENSHOTS, 'demo-audio.png') });
    expect(errors).toEqual([]);
  });

  it('(d) trains the 2-D VAE; dragging the point on the latent pad changes the decoded digit', async () => {
    await press(page, 'vae-start');
    const lines = await watch(page, 'vae-stats', 30, 30_000);
    expect(new Set(lines.map((l) => l.match(/loss (\S+)/)?.[1])).size).toBeGreaterThanOrEqual(3);
    await page.waitForTimeout(1500); // a refresh of the encoded digits on the pad
    await press(page, 'vae-start'); // pause
    const pad = await page.locator('#vae-pad').boundingBox();
    expect(pad).not.toBeNull();
    const decodedAt = async (u: number, v: number): Promise<{ z: string; image: string; distinct: number }> => {
      await page.mouse.move(pad!.x + 40, pad!.y + 40);
      await page.mouse.down();
      await page.mouse.move(pad!.x + u * pad!.width, pad!.y + v * pad!.height, { steps: 8 });
      await page.mouse.up();
      const expected = `z = (${((2 * u - 1) * 3).toFixed(2)}, ${((1 - 2 * v) * 3).toFixed(2)})`;
      await page.waitForFunction((z) => document.getElementById('vae-z')!.textContent === z, expected, { timeout: 10_000 });
      const { digest, distinct } = await canvasInfo(page, 'vae-decoded');
      return { z: expected, image: digest, distinct };
    };
    const a = await decodedAt(0.25, 0.25);
    const b = await decodedAt(0.75, 0.7);
    expect(a.z).not.toBe(b.z);
    expect(b.image).not.toBe(a.image);
    expect(b.distinct).toBeGreaterThan(5);
    expect((await canvasInfo(page, 'vae-pad')).distinct).toBeGreaterThan(5); // the class colours of the encoded digits
    await page.locator('#panel-vae').screenshot({ path: join(SCREENSHOTS, 'demo-vae.png') });
    expect(errors).toEqual([]);
  });

  it('runs on webgl when asked (?backend=webgl): the latent pad decodes a digit there too', async () => {
    const webgl = await browser!.newPage();
    const webglErrors: string[] = [];
    webgl.on('console', (message) => {
      if (message.type() === 'error') webglErrors.push(message.text());
    });
    webgl.on('pageerror', (error) => webglErrors.push(`pageerror: ${error.message}`));
    await webgl.goto(`${server!.origin}/?backend=webgl`);
    await webgl.waitForFunction(() => document.body.dataset.ready !== undefined, undefined, { timeout: 60_000 });
    expect(await webgl.evaluate(() => document.body.dataset.ready)).toBe('webgl');
    expect(await text(webgl, 'backend')).toBe('webgl');
    await webgl.waitForFunction(() => document.getElementById('vae-z')!.textContent !== '', undefined, { timeout: 60_000 });
    expect((await canvasInfo(webgl, 'vae-decoded')).distinct).toBeGreaterThan(5);
    await webgl.close();
    expect(webglErrors).toEqual([]);
  });
});
