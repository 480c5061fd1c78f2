import { existsSync, statSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { headingAnchors, markdownLinks, projectMarkdownFiles, readRepoFile, REPO_ROOT } from '../../support/markdown';

/** Every relative link in the project's markdown resolves: the file or folder exists, and so does the #anchor. */
describe('documentation links', () => {
  const files = projectMarkdownFiles();
  const anchorsOf = new Map<string, Set<string>>();
  const anchors = (path: string) => {
    if (!anchorsOf.has(path)) anchorsOf.set(path, headingAnchors(readRepoFile(path)));
    return anchorsOf.get(path)!;
  };

  it('covers the pages a reader starts from', () => {
    expect(files).toEqual(expect.arrayContaining(['README.md', 'SECURITY.md', 'bench/README.md', 'docs/api.md', 'docs/clients.md', 'docs/operations.md']));
  });

  it.each(projectMarkdownFiles())('%s: every relative link and anchor resolves', (file) => {
    const broken: string[] = [];
    for (const { line, target } of markdownLinks(readRepoFile(file))) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//')) continue;
      const [rawPath = '', anchor] = target.split('#', 2);
      const path = decodeURIComponent(rawPath);
      const resolved = path === '' ? file : normalize(join(dirname(file), path));
      if (resolved.startsWith('..') || !existsSync(join(REPO_ROOT, resolved))) {
        broken.push(`${file}:${line} ${target}: no such file`);
        continue;
      }
      if (anchor === undefined || anchor === '') continue;
      if (!resolved.endsWith('.md') || statSync(join(REPO_ROOT, resolved)).isDirectory()) {
        broken.push(`${file}:${line} ${target}: an anchor into something that is not a markdown page`);
      } else if (!anchors(resolved).has(decodeURIComponent(anchor))) {
        broken.push(`${file}:${line} ${target}: ${resolved} has no heading #${anchor}`);
      }
    }
    expect(broken).toEqual([]);
  });
});

describe('headingAnchors', () => {
  it("makes GitHub's anchors: lower case, punctuation dropped, spaces as hyphens, repeats numbered", () => {
    const page = '# The `exchangeAuthCode` API\n## Drive answers 403 / 429 (rate limits)\n## Notes\n## Notes\n```\n# not a heading\n```\n<a id="custom"></a>\n### [Linked](x.md) USER_EVENTS_TOPIC';
    expect([...headingAnchors(page)]).toEqual(['the-exchangeauthcode-api', 'drive-answers-403--429-rate-limits', 'notes', 'notes-1', 'custom', 'linked-user_events_topic']);
  });
});

describe('markdownLinks', () => {
  it('finds inline links, titles, reference definitions and href, but not code', () => {
    const page = 'See [a](docs/a.md#x "title") and ![img](i.png).\n`[no](code.md)`\n```\n[no](fence.md)\n```\n[ref]: docs/ref.md\n<a href="h.md">h</a>';
    expect(markdownLinks(page).map((link) => link.target)).toEqual(['docs/a.md#x', 'i.png', 'docs/ref.md', 'h.md']);
  });
});
