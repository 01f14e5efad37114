/**
 * The coordinates a `pom.xml` declares for its own project: `groupId`,
 * `artifactId` and `version` directly under `<project>`, the group and
 * version inherited from `<parent>` when the project leaves them out (as
 * Maven does). Values still holding a `${property}` are not coordinates.
 * A linear scan over the tags, not an XML parser: bounded whatever the input.
 */
export interface PomCoordinates {
  groupId?: string;
  artifactId?: string;
  version?: string;
}

const MAX_POM_CHARS = 4 * 1024 * 1024;
const TAG = /<(\/?)([A-Za-z_][\w.:-]*)[^<>]*?(\/?)>|<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<\?[\s\S]*?\?>|<![^<>]*>/g;
const FIELDS = new Set(['groupId', 'artifactId', 'version']);

function decode(text: string): string {
  return text
    .trim()
    .replace(
      /&(lt|gt|amp|quot|apos);/g,
      (_m, e: string) => (({ lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }) as Record<string, string>)[e]!,
    );
}

export function pomCoordinates(xml: string): PomCoordinates {
  const own: PomCoordinates = {};
  const parent: PomCoordinates = {};
  const path: string[] = [];
  let textStart = 0;
  const text = xml.slice(0, MAX_POM_CHARS);
  TAG.lastIndex = 0;
  for (let m = TAG.exec(text); m; m = TAG.exec(text)) {
    const [whole, closing, rawName, selfClosing] = m;
    if (!rawName) continue; // a comment, CDATA, processing instruction or declaration
    const name = rawName.includes(':') ? rawName.slice(rawName.indexOf(':') + 1) : rawName;
    if (closing) {
      // <project><x> is depth 2; <project><parent><x> is depth 3.
      if (path.at(-1) === name && FIELDS.has(name) && path[0] === 'project') {
        const value = decode(text.slice(textStart, m.index));
        const key = name as keyof PomCoordinates;
        if (path.length === 2) own[key] ??= value;
        else if (path.length === 3 && path[1] === 'parent') parent[key] ??= value;
      }
      if (path.at(-1) === name) path.pop();
    } else if (!selfClosing) {
      path.push(name);
      textStart = m.index + whole.length;
    }
  }
  const usable = (v: string | undefined): string | undefined => (v && !v.includes('${') ? v : undefined);
  const out: PomCoordinates = {};
  const groupId = usable(own.groupId) ?? usable(parent.groupId);
  const artifactId = usable(own.artifactId);
  const version = usable(own.version) ?? usable(parent.version);
  if (groupId) out.groupId = groupId;
  if (artifactId) out.artifactId = artifactId;
  if (version) out.version = version;
  return out;
}
