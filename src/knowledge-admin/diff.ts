/** Readable unified diffs between two states of a guide (the `diff` package), with a Vietnamese summary. */
import { createTwoFilesPatch } from 'diff';

const withNewline = (s: string) => (s === '' || s.endsWith('\n') ? s : `${s}\n`);

/** Unified diff of a guide's Markdown; '' stands for "no guide" (created or deleted). */
export function guideDiff(id: string, before: string, after: string, labels: { before: string; after: string }): string {
  return createTwoFilesPatch(`${id}.md`, `${id}.md`, withNewline(before), withNewline(after), labels.before, labels.after, {
    context: 3,
  });
}

/** Lines added and removed by a unified diff. */
export function diffStats(diff: string): { added: number; removed: number } {
  let added = 0;
  let removed = 0;
  for (const line of diff.split('\n')) {
    if (line.startsWith('+++') || line.startsWith('---')) continue;
    if (line.startsWith('+')) added++;
    else if (line.startsWith('-')) removed++;
  }
  return { added, removed };
}
