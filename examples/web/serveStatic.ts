// A static file server on 127.0.0.1 and an ephemeral port, for a built demo
// (`vite build`): used by test/browser/demo.test.ts and screenshots.ts.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
};

/** A started server: its origin, and `close()`. */
export interface FolderServer {
  origin: string;
  close(): Promise<void>;
}

/** Serves the files under `dir` (`/` is `index.html`); anything else is a 404. */
export async function serveFolder(dir: string): Promise<FolderServer> {
  const base = normalize(dir + sep);
  const server: Server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://127.0.0.1').pathname);
    const file = normalize(join(base, path.endsWith('/') ? `${path}index.html` : path));
    const headers = { 'Cache-Control': 'no-store' };
    if (!file.startsWith(base) || !existsSync(file) || !statSync(file).isFile()) {
      response.writeHead(404, { ...headers, 'Content-Type': 'text/plain' }).end(`not found: ${path}`);
      return;
    }
    response.writeHead(200, { ...headers, 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return { origin: `http://127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
