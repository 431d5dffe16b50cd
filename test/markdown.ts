import MarkdownIt from 'markdown-it';

/**
 * DingTalk's markdown as a maintained CommonMark renderer shows it, at its most
 * permissive: raw HTML passes (DingTalk renders some tags) and bare URLs become links
 * (DingTalk links them). What attacker text could do here, it could do in DingTalk.
 */
const md = new MarkdownIt({ html: true, linkify: true });

export function renderMarkdown(text: string): string {
  return md.render(text);
}
