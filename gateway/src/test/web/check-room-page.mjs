// Static checks of the room page, no dependencies: `node gateway/src/test/web/check-room-page.mjs`
// (from the repository root). Exits 1 with one line per problem.
//  - room.js parses; the English and French tables have the same keys, none empty;
//  - every data-i18n key of room.html and every t('key') of room.js has a string;
//  - every error code of docs/signalling.md has a message in both languages;
//  - room.html loads its assets from /static/ (the gateway serves them there).
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const web = path.join(root, 'gateway/src/main/resources/web');
const html = fs.readFileSync(path.join(web, 'room.html'), 'utf8');
const js = fs.readFileSync(path.join(web, 'room.js'), 'utf8');
const protocol = fs.readFileSync(path.join(root, 'docs/signalling.md'), 'utf8');
const problems = [];
let serverCodeCount = 0;

try {
  new vm.Script(js, { filename: 'room.js' });
} catch (error) {
  problems.push(`room.js does not parse: ${error.message}`);
}

// The MESSAGES literal is plain data: evaluate just that object.
const table = /const MESSAGES = (\{[\s\S]*?\n {2}\});/.exec(js);
if (!table) {
  problems.push('room.js: no `const MESSAGES = {...};` table found');
} else {
  const messages = vm.runInNewContext(`(${table[1]})`);
  const languages = Object.keys(messages);
  if (languages.join() !== 'en,fr') problems.push(`languages are ${languages}, expected en,fr`);
  const keys = new Set(languages.flatMap((lang) => Object.keys(messages[lang])));
  for (const key of keys) {
    for (const lang of languages) {
      const text = messages[lang][key];
      if (typeof text !== 'string' || text.trim() === '') problems.push(`${lang}.${key}: missing or empty`);
    }
  }
  const used = new Set();
  for (const [, key] of html.matchAll(/data-i18n="([^"]+)"/g)) used.add(key);
  for (const [, key] of js.matchAll(/\bt\('([^']+)'/g)) used.add(key);
  for (const [, key] of js.matchAll(/(?:fail\(s, |showJoinForm\()'([^']+)'/g)) used.add(key);
  for (const key of used) if (!keys.has(key)) problems.push(`string '${key}' is used but has no entry`);

  const codes = /Error codes:([\s\S]*?)\n\n/.exec(protocol)?.[1] ?? '';
  const serverCodes = [...codes.matchAll(/`([a-z]+(?:-[a-z]+)+)`/g)].map((m) => m[1]);
  serverCodeCount = serverCodes.length;
  if (serverCodes.length === 0) problems.push('docs/signalling.md: no error codes found');
  for (const code of serverCodes) {
    if (!keys.has(code)) problems.push(`server error code '${code}' has no message`);
    if (!new RegExp(`SERVER_ERRORS = \\[[^\\]]*'${code}'`).test(js)) {
      problems.push(`server error code '${code}' is missing from SERVER_ERRORS`);
    }
  }
}

for (const asset of ['/static/room.js', '/static/room.css']) {
  if (!html.includes(`"${asset}"`)) problems.push(`room.html does not load ${asset}`);
}

if (problems.length > 0) {
  for (const problem of problems) console.error(`FAIL ${problem}`);
  process.exit(1);
}
console.log(`room page: strings, assets and ${serverCodeCount} server error codes OK`);
