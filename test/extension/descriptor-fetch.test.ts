import { describe, expect, it } from 'vitest';
import { fetchDescriptor, type FetchLike } from '../../src/extension/relays/descriptor-fetch.js';

const URL_A = 'http://relay-a.test/.well-known/workpass/descriptor.json';

describe('fetchDescriptor bounds', () => {
  it('gives up on a relay that accepts and never answers, as unreachable', async () => {
    // Resolves only when the fetch is aborted (as a real fetch rejects on its signal).
    const silent: FetchLike = (_url, init) => new Promise((_resolve, reject) => {
      init.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')), { once: true });
    });
    await expect(fetchDescriptor(silent, URL_A, undefined, 50)).rejects.toMatchObject({ kind: 'unreachable', message: expect.stringMatching(/no answer within/) });
  });

  it('gives up on a body that never ends, also when it stalls after the headers', async () => {
    const stalled: FetchLike = async (_url, init) => new Response(new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"version":'));
        init.signal?.addEventListener('abort', () => controller.error(new DOMException('aborted', 'AbortError')), { once: true });
      },
    }));
    await expect(fetchDescriptor(stalled, URL_A, undefined, 50)).rejects.toMatchObject({ kind: 'unreachable' });
  });

  it('stops reading an endless body past the size cap, as malformed', async () => {
    let pulled = 0;
    const endless: FetchLike = async () => new Response(new ReadableStream({
      pull(controller) {
        pulled++;
        controller.enqueue(new Uint8Array(16 * 1024).fill(0x20));
      },
    }));
    await expect(fetchDescriptor(endless, URL_A)).rejects.toMatchObject({ kind: 'malformed', message: 'descriptor too large' });
    expect(pulled).toBeLessThan(16);
  });

  it('an HTTP error stays an HTTP error', async () => {
    const notFound: FetchLike = async () => new Response('no', { status: 404 });
    await expect(fetchDescriptor(notFound, URL_A)).rejects.toMatchObject({ kind: 'unreachable', message: 'relay answered HTTP 404' });
  });
});
