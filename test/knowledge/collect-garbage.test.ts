import { describe, expect, it } from 'vitest';
import { collectGarbage } from '../../src/knowledge/collect-garbage.js';

describe('collectGarbage', () => {
  it('runs a full collection: an object nothing refers to is gone afterwards', async () => {
    let ref: WeakRef<object> | undefined;
    (() => {
      ref = new WeakRef({ payload: new Array(1000).fill(1) });
    })();
    // A WeakRef target stays alive until the end of the job that created it.
    await new Promise((r) => setTimeout(r, 0));
    collectGarbage();
    await new Promise((r) => setTimeout(r, 0));
    expect(ref!.deref()).toBeUndefined();
  });
});
