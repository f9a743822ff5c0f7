import { createRequire } from 'node:module';

interface SaxParser {
  onerror: (e: Error) => void;
  onopentag: (t: { name: string; attributes: Record<string, string> }) => void;
  write(s: string): SaxParser;
  close(): void;
}
// sax (a dependency of xml2js, installed with web-ext): its strict mode rejects malformed XML
const sax = createRequire(import.meta.url)('sax') as { parser(strict: boolean): SaxParser };

/** Parses `svg` as strict XML; returns the elements seen, throwing on any well-formedness error. */
export function parseXml(svg: string): { name: string; attributes: Record<string, string> }[] {
  const tags: { name: string; attributes: Record<string, string> }[] = [];
  const p = sax.parser(true);
  p.onerror = (e) => {
    throw e;
  };
  p.onopentag = (t) => tags.push(t);
  p.write(svg).close();
  return tags;
}
