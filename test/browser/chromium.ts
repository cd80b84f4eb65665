// Debian's Chromium as the browser tests launch it: where it is, the flags
// that work on this project's machines (SwiftShader for GL and Vulkan), and
// whether the tests run, skip or fail without it.
import { existsSync } from 'node:fs';

/** The browser: Debian's `chromium` (TFJS_GENERATIVE_CHROMIUM points elsewhere; a missing path shows the skip, and with CI set the failure). */
export const CHROMIUM = process.env.TFJS_GENERATIVE_CHROMIUM ?? '/usr/bin/chromium';

/** Whether `CHROMIUM` exists. */
export const hasChromium = existsSync(CHROMIUM);

/** Under CI (`process.env.CI`), a missing browser fails the suites instead of skipping them. */
export const inCI = Boolean(process.env.CI);

/** Headless Chromium with GL through SwiftShader, no network chatter. */
export const FLAGS = [
  '--no-sandbox',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--ignore-gpu-blocklist',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

/** Added to `FLAGS` for a WebGPU adapter (SwiftShader's Vulkan). */
export const WEBGPU_FLAGS = ['--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-vulkan=swiftshader', '--use-webgpu-adapter=swiftshader'];
