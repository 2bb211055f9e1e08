/**
 * A full garbage collection on demand, for the one place it pays: between building the lexical index of a
 * large base and filling its vector index. The lexical build leaves some 20 MB of collected postings and
 * analyses behind; the vector index is native memory V8 does not see, so without a collection here the
 * garbage and the vectors add up in the peak (about 300 MB instead of 280 MB for 2,000 guides).
 *
 * Node exposes `gc` only with --expose-gc; setting the flag at run time and taking `gc` from a fresh
 * context is the way test runners do it for leak checks. If that ever fails, nothing happens.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let collect: (() => void) | null | undefined;

export function collectGarbage(): void {
  if (collect === undefined) {
    collect = (globalThis as { gc?: () => void }).gc ?? null;
    if (!collect) {
      try {
        setFlagsFromString('--expose-gc');
        collect = (runInNewContext('gc') as (() => void) | undefined) ?? null;
      } catch {
        collect = null;
      }
    }
  }
  collect?.();
}
