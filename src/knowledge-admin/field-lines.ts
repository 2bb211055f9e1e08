/**
 * Finds the line of a guide's Markdown that a validation problem is about ("questions.3", "sources.0.url",
 * "body" + the heading it names), so the editor can show the message next to that line.
 */
import YAML from 'yaml';

const FRONT_MATTER = /^(---[ \t]*\r?\n)([\s\S]*?\r?\n)?(---[ \t]*(?:\r?\n|$))/;

const linesBefore = (text: string, offset: number) => text.slice(0, offset).split('\n').length - 1;

function pathOf(field: string): Array<string | number> {
  return field.split('.').map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

/** The 0-based line inside the YAML of the deepest existing node on `path` (a key's own line for top-level fields). */
function yamlLine(yamlText: string, path: Array<string | number>): number | undefined {
  const lineCounter = new YAML.LineCounter();
  const doc = YAML.parseDocument(yamlText, { lineCounter, keepSourceTokens: false });
  if (!YAML.isMap(doc.contents)) return undefined;
  const top = doc.contents.items.find((pair) => YAML.isScalar(pair.key) && pair.key.value === path[0]);
  if (!top) return undefined;
  for (let depth = path.length; depth > 1; depth--) {
    const node = doc.getIn(path.slice(0, depth), true);
    if (YAML.isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line - 1;
  }
  const key = top.key as YAML.Scalar;
  return key.range ? lineCounter.linePos(key.range[0]).line - 1 : undefined;
}

/** 1-based line of `text` a problem on `field` (with `message`) points at; 1 when nothing better is known. */
export function fieldLine(text: string, field: string, message: string): number {
  const m = FRONT_MATTER.exec(text);
  if (!m) return 1;
  const [whole, open = '', yamlText = ''] = m;
  const bodyStart = linesBefore(text, whole.length) + 1;
  if (field === 'body') {
    const heading = /"## ([^"]+)"/.exec(message)?.[1];
    const lines = text.split('\n');
    if (heading) {
      const at = lines.findIndex((l, i) => i >= bodyStart - 1 && l.trim() === `## ${heading}`);
      if (at >= 0) return at + 1;
    }
    let first = bodyStart - 1;
    while (first < lines.length - 1 && !lines[first]!.trim()) first++;
    return first + 1;
  }
  if (field === 'front-matter' || field === '(gốc)') return 1;
  try {
    const line = yamlLine(yamlText, pathOf(field));
    return line === undefined ? 1 : linesBefore(text, open.length) + line + 1;
  } catch {
    return 1;
  }
}
