/** Links and heading anchors of a Markdown file, as GitHub renders it (GFM tables included). */
import GithubSlugger from 'github-slugger';
import type { Root } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmFromMarkdown } from 'mdast-util-gfm';
import { toString } from 'mdast-util-to-string';
import { gfm } from 'micromark-extension-gfm';
import { visit } from 'unist-util-visit';

const parse = (markdown: string): Root => fromMarkdown(markdown, { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] });

/** Every link, image and link definition: its URL and the line it is on. */
export function markdownLinks(markdown: string): { url: string; line: number }[] {
  const links: { url: string; line: number }[] = [];
  visit(parse(markdown), ['link', 'image', 'definition'], (node) => {
    if ('url' in node && typeof node.url === 'string') links.push({ url: node.url, line: node.position?.start.line ?? 0 });
  });
  return links;
}

/** The anchors of its headings (`## Two planes of authority` → `two-planes-of-authority`, repeats numbered). */
export function markdownAnchors(markdown: string): Set<string> {
  const slugger = new GithubSlugger();
  const anchors = new Set<string>();
  visit(parse(markdown), 'heading', (node) => void anchors.add(slugger.slug(toString(node))));
  return anchors;
}
