// The preview page's end-to-end test: a real `mixdown watch -serve`, a real
// headless Chromium (Debian's), driven by playwright-core. Run it through
// scripts/e2e-preview.sh, which installs what it needs:
//
//	node e2e.mjs MIXDOWN MIXDIR ARTIFACTS
//
// MIXDOWN is the mixdown binary, MIXDIR a mix made by genmix (edited in
// place), ARTIFACTS the folder for screenshots. PLAYWRIGHT_DIR names the
// folder whose node_modules holds playwright-core; CHROMIUM the browser.
//
// Steps, each with a generous timeout and no fixed sleeps:
//  1. start `mixdown watch -serve 127.0.0.1:0 song.mix.hcl`, read the URL it prints;
//  2. open the page; wait for the first render's meters; start playback;
//  3. edit the mix file (the chord's gain -6 -> 0, saved by rename as editors do);
//     the page must show the new loudness and the changed parameter within
//     EDIT_DEADLINE_MS;
//  4. the A/B toggle switches the audible source to the previous render and
//     back, at the same position;
//  5. screenshot (ARTIFACTS/preview.png);
//  6. a broken edit shows its diagnostic with file and line and keeps the last
//     good render; fixing it clears the diagnostic (ARTIFACTS/preview-broken.png).
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';

const [mixdownArg, mixDir, artifacts] = process.argv.slice(2);
if (!artifacts) {
  console.error('usage: node e2e.mjs MIXDOWN MIXDIR ARTIFACTS');
  process.exit(2);
}
const mixdown = path.resolve(mixdownArg || '');
const require = createRequire(path.join(process.env.PLAYWRIGHT_DIR || '.', 'node_modules', '/'));
const { chromium } = require('playwright-core');

const EDIT_DEADLINE_MS = 10000; // "within a few seconds"; the render itself takes < 1 s
const START_TIMEOUT_MS = 90000; // build caches are cold on CI
const mixFile = path.join(mixDir, 'song.mix.hcl');
fs.mkdirSync(artifacts, { recursive: true });

const log = [];
const note = (...a) => {
  const line = a.join(' ');
  log.push(line);
  console.log('e2e:', line);
};

// saveByRename writes the mix the way editors save: a new file renamed over.
function saveByRename(text) {
  const tmp = mixFile + '.tmp-e2e';
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, mixFile);
}

function edit(from, to) {
  const src = fs.readFileSync(mixFile, 'utf8');
  if (!src.includes(from)) throw new Error(`mix file has no ${JSON.stringify(from)}`);
  saveByRename(src.replace(from, to));
}

// 1. watch
const watch = spawn(mixdown, ['watch', '-serve', '127.0.0.1:0', 'song.mix.hcl'], {
  cwd: mixDir,
  stdio: ['ignore', 'pipe', 'pipe'],
});
let watchOut = '';
const urlSeen = new Promise((resolve, reject) => {
  const onData = (d) => {
    watchOut += d;
    const m = watchOut.match(/https?:\/\/(127\.0\.0\.1|localhost|\[::1\]):\d+\/?/);
    if (m) resolve(m[0].endsWith('/') ? m[0] : m[0] + '/');
  };
  watch.stdout.on('data', onData);
  watch.stderr.on('data', onData);
  watch.on('exit', (code) => reject(new Error(`mixdown watch exited (${code}) before printing a URL`)));
  setTimeout(() => reject(new Error('mixdown watch printed no URL within ' + START_TIMEOUT_MS + ' ms')), START_TIMEOUT_MS);
});

let browser;
let page;
let failed = false;
try {
  const url = await urlSeen;
  note('page at', url);

  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    chromiumSandbox: process.getuid ? process.getuid() !== 0 : true, // root cannot use the sandbox
    args: ['--autoplay-policy=no-user-gesture-required', '--mute-audio'],
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 780 }, deviceScaleFactor: 1 });
  const problems = [];
  page.on('pageerror', (e) => problems.push('page error: ' + e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push('console error: ' + m.text());
  });
  page.on('requestfailed', (r) => problems.push('request failed: ' + r.url()));

  // 2. open the page
  await page.goto(url);
  const lufsCell = page.locator('#meter-rows tr[data-output="main"] td.lufs');
  await page.waitForFunction(() => /render #\d+/.test(document.getElementById('status').textContent), null, { timeout: START_TIMEOUT_MS });
  await lufsCell.waitFor({ timeout: START_TIMEOUT_MS });
  const lufsOf = (text) => Number(text.replace('−', '-').match(/-?\d+(\.\d+)?/)[0]);
  const lufs1 = lufsOf(await lufsCell.textContent());
  const seq1 = Number((await page.textContent('#status')).match(/\d+/)[0]);
  note(`render #${seq1}: main at ${lufs1} LUFS`);
  await page.waitForFunction(() => !document.getElementById('play').disabled, null, { timeout: 30000 });
  await page.click('#play');
  await page.waitForFunction(() => document.getElementById('play').textContent === 'Pause');

  // 3. edit: the chord 6 dB louder
  const t0 = Date.now();
  edit('gain   = -6', 'gain   = 0');
  await page.waitForFunction(
    ([seq, before]) => {
      const st = document.getElementById('status').textContent;
      const m = st.match(/render #(\d+)/);
      if (!m || Number(m[1]) <= seq) return false;
      const cell = document.querySelector('#meter-rows tr[data-output="main"] td.lufs');
      const changes = [...document.querySelectorAll('#change-list li')].map((li) => li.textContent);
      return cell && !cell.textContent.startsWith(before) && changes.some((c) => c.startsWith('track.chord.gain'));
    },
    [seq1, (await lufsCell.textContent()).split(' ')[0]],
    { timeout: EDIT_DEADLINE_MS },
  );
  const shown = Date.now() - t0;
  const lufs2 = lufsOf(await lufsCell.textContent());
  const changes = await page.locator('#change-list li').allTextContents();
  note(`edit shown after ${shown} ms: main ${lufs1} -> ${lufs2} LUFS; changes: ${changes.join('; ')}`);
  if (!(lufs2 > lufs1 + 1)) throw new Error(`a 6 dB louder chord should raise the loudness: ${lufs1} -> ${lufs2}`);
  if (!changes.some((c) => /track\.chord\.gain.*-6.*0/.test(c.replace('−', '-')))) {
    throw new Error('the change list does not show track.chord.gain -6 -> 0: ' + changes.join('; '));
  }

  // 4. A/B
  const state = await page.evaluate(() => fetch('/state').then((r) => r.json()));
  const pair = state.snapshots.find((p) => p.output === 'main');
  if (!pair || !pair.previous) throw new Error('the server offers no previous render: ' + JSON.stringify(pair));
  // The new pair is decoded and playing when the button says so.
  await page.waitForFunction(
    (cur) => document.getElementById('ab').dataset.source === cur && !document.getElementById('ab').disabled,
    pair.current.audio, { timeout: 30000 });
  const clock = async () => {
    const t = (await page.textContent('#time')).split(' / ')[0].split(':');
    return Number(t[0]) * 60 + Number(t[1]);
  };
  const before = await clock();
  await page.click('#ab');
  const ab = page.locator('#ab');
  const sideA = await ab.getAttribute('data-side');
  const sourceA = await ab.getAttribute('data-source');
  if (sideA !== 'A' || sourceA !== pair.previous.audio) {
    throw new Error(`A/B did not switch to the previous render: side ${sideA}, source ${sourceA}, want A, ${pair.previous.audio}`);
  }
  note(`A/B: now hearing ${await ab.textContent()} (${sourceA})`);
  await page.waitForFunction((t) => {
    const s = document.getElementById('time').textContent.split(' / ')[0].split(':');
    return Number(s[0]) * 60 + Number(s[1]) > t;
  }, before, { timeout: 10000 });
  const after = await clock();
  if (!(after > before)) throw new Error(`playback position went back across the A/B switch: ${before} -> ${after}`);
  await page.check('#match');
  note('level match:', await page.textContent('#match-info'));
  // A loop region over the middle of the song, for the picture.
  const box = await page.locator('#wave').boundingBox();
  await page.mouse.move(box.x + box.width * 0.35, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2, { steps: 6 });
  await page.mouse.up();
  await page.waitForFunction(() => !document.getElementById('loop-clear').hidden);
  await page.click('#ab');
  if ((await ab.getAttribute('data-side')) !== 'B' || (await ab.getAttribute('data-source')) !== pair.current.audio) {
    throw new Error('A/B did not switch back to the current render');
  }
  note('A/B: back to', await ab.textContent());

  // 5. the screenshot
  await page.waitForFunction(() => document.querySelectorAll('#change-list li').length > 0);
  await page.screenshot({ path: path.join(artifacts, 'preview.png') });
  note('screenshot', path.join(artifacts, 'preview.png'));

  // 6. a broken edit, then the fix
  edit('output "main" {', 'output "main" {\n  bit_depth = 13');
  await page.locator('#diag').waitFor({ state: 'visible', timeout: EDIT_DEADLINE_MS });
  const diag = (await page.locator('#diag-list').textContent()) || '';
  note('diagnostic shown:', diag);
  if (!/song\.mix\.hcl:\d+/.test(diag)) throw new Error('the diagnostic does not name the file and line: ' + diag);
  if ((await ab.getAttribute('data-source')) !== pair.current.audio || !(await page.textContent('#play')).includes('Pause')) {
    throw new Error('a broken edit stopped the last good render');
  }
  await page.screenshot({ path: path.join(artifacts, 'preview-broken.png') });
  edit('output "main" {\n  bit_depth = 13', 'output "main" {');
  await page.locator('#diag').waitFor({ state: 'hidden', timeout: EDIT_DEADLINE_MS });
  note('fixed: diagnostics gone');

  if (problems.length) throw new Error('the page reported problems:\n  ' + problems.join('\n  '));
  note('PASS');
} catch (e) {
  failed = true;
  console.error('e2e: FAIL:', e.message);
  console.error('--- mixdown watch output ---\n' + watchOut);
  if (page) {
    await page.screenshot({ path: path.join(artifacts, 'preview-failure.png') }).catch(() => {});
    console.error('failure screenshot: ' + path.join(artifacts, 'preview-failure.png'));
  }
} finally {
  if (browser) await browser.close().catch(() => {});
  if (watch.exitCode === null) {
    const exited = new Promise((r) => watch.on('exit', r));
    watch.kill('SIGINT');
    const timer = setTimeout(() => watch.kill('SIGKILL'), 10000);
    await exited;
    clearTimeout(timer);
  }
  fs.writeFileSync(path.join(artifacts, 'e2e-preview.log'), log.join('\n') + '\n--- watch ---\n' + watchOut);
}
process.exit(failed ? 1 : 0);
