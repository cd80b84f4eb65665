// A tiny static server for the browser suite, on 127.0.0.1 and an ephemeral
// port: `/` is a page that loads `/page.js`, `/page.js` is the bundle, and
// `/wasm/<name>.wasm` are tfjs-backend-wasm's binaries (for `setWasmPaths`).
// With `isolated`, every response carries the COOP/COEP headers that make the
// page cross-origin isolated (SharedArrayBuffer, hence wasm threads).
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

/** A started server: its origin, and `close()`. */
export interface StaticServer {
  origin: string;
  close(): Promise<void>;
}

const PAGE = '<!doctype html><meta charset="utf-8"><title>tfjs-generative browser suite</title><script type="module" src="/page.js"></script>\n';

/** Serves `bundle` and the `.wasm` files of `wasmDir`. */
export async function serve(options: { bundle: string; wasmDir: string; isolated: boolean }): Promise<StaticServer> {
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    const headers: Record<string, string> = { 'Cache-Control': 'no-store' };
    if (options.isolated) {
      headers['Cross-Origin-Opener-Policy'] = 'same-origin';
      headers['Cross-Origin-Embedder-Policy'] = 'require-corp';
    }
    let body: string | Buffer | undefined;
    if (path === '/') {
      headers['Content-Type'] = 'text/html; charset=utf-8';
      body = PAGE;
    } else if (path === '/page.js') {
      headers['Content-Type'] = 'text/javascript; charset=utf-8';
      body = options.bundle;
    } else if (/^\/wasm\/[\w-]+\.wasm$/.test(path)) {
      try {
        body = readFileSync(join(options.wasmDir, path.slice('/wasm/'.length)));
        headers['Content-Type'] = 'application/wasm';
      } catch {
        body = undefined;
      }
    } else if (path === '/favicon.ico') {
      response.writeHead(204, headers).end();
      return;
    }
    if (body === undefined) {
      response.writeHead(404, { ...headers, 'Content-Type': 'text/plain' }).end(`not found: ${path}`);
      return;
    }
    response.writeHead(200, headers).end(body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
