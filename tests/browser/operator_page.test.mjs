// The operator page in a real browser: Debian's chromium, headless, driven by
// playwright-core. Starts the real `khaacho serve` with its pipeline against
// a scratch database of the PostgreSQL that scripts/test.sh runs, and checks
// that the page shows the orders in flight and that its buttons act: pause a
// stage (orders then wait in flight), retry a FAILED order (it leaves FAILED
// and its attempt counter moves), resume the stage (everything finishes).
//
//   KHAACHO_TEST_PG_ADMIN_URL  set by scripts/test.sh (required)
//   KHAACHO_BINARY             the khaacho binary (default build/khaacho)
//   KHAACHO_SCREENSHOT         where to save a screenshot (optional)
//   KHAACHO_CHROMIUM           the browser (default /usr/bin/chromium)
import { deflateSync } from 'node:zlib';
import assert from 'node:assert/strict';
import { launchBrowser, runBrowserTest, waitFor } from './harness.mjs';

const retailer = '0b7f2c1e-9f0a-4c4e-8a53-2f6f0a1d9c11';

// ---- a tiny PNG encoder: a blank page is a real image OCR reads as empty.
const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}
function blankPng(width, height, seed) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // grayscale
  const rows = Buffer.alloc((width + 1) * height, 0xff);
  for (let y = 0; y < height; y++) rows[y * (width + 1)] = 0; // filter: none
  rows[width + 2] = seed & 0xff; // one pixel differs: a distinct image per seed
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
}
// A well-formed PNG frame (the upload checks the signature, IHDR and chunk
// layout) around image data that is not zlib: OCR cannot decode it, and the
// order FAILs at once (a permanent error).
function corruptPng() {
  const good = blankPng(64, 48, 0);
  const ihdrEnd = 8 + 12 + 13;
  return Buffer.concat([good.subarray(0, ihdrEnd), chunk('IDAT', Buffer.from('garbage, not an image')),
    chunk('IEND', Buffer.alloc(0))]);
}

await runBrowserTest('operator page', async (server) => {
  await server.start();
  const base = server.base;
  const admin = server.token('admin');
  const shop = server.token('retailer', ['--retailer', retailer]);

  const api = async (method, path, body, tok = admin) => {
    const res = await fetch(base + path, { method, body, headers: { Authorization: 'Bearer ' + tok } });
    const json = await res.json();
    return { status: res.status, json };
  };
  const upload = async (bytes, name) => {
    const form = new FormData();
    form.append('image', new Blob([bytes], { type: 'image/png' }), name);
    const r = await api('POST', '/api/orders/upload-image', form, shop);
    assert.equal(r.status, 202, JSON.stringify(r.json));
    return r.json.id;
  };
  const statusOf = async (id) => (await api('GET', '/api/orders/uploads/' + id)).json.status;

  // A FAILED order to retry.
  const failed = await upload(corruptPng(), 'broken.png');
  await waitFor('the corrupt order to fail', async () => (await statusOf(failed)) === 'FAILED');

  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    const pageErrors = [];
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    await page.goto(base + '/admin');
    await page.fill('#token', admin);
    await page.click('#token-form button[type=submit]');
    await page.waitForSelector('#pipeline:text("running")');
    assert.equal(await page.evaluate(() => sessionStorage.getItem('khaacho.admin.token') !== null), true);

    // Pause OCR from the page: new orders then wait in flight at its gate.
    await page.click('#gates tr[data-stage="ocr"] button[data-action="pause"]');
    await page.waitForSelector('#gates tr[data-stage="ocr"] button[data-action="resume"]');
    const waiting = [await upload(blankPng(400, 300, 1), 'a.png'), await upload(blankPng(400, 300, 2), 'b.png')];
    for (const id of waiting)
      await page.waitForSelector(`#actors tr[data-order-id="${id}"][data-state="waiting"]`, { timeout: 15000 });
    assert.match(await page.textContent(`#actors tr[data-order-id="${waiting[0]}"]`), /ocr/);
    assert.match(await page.textContent(`#actors tr[data-order-id="${waiting[0]}"]`), /stage paused/);

    // The failure is listed with its reason and a retry button.
    const failureRow = `#failures tr[data-order-id="${failed}"]`;
    await page.waitForSelector(failureRow);
    if (process.env.KHAACHO_SCREENSHOT)
      await page.screenshot({ path: process.env.KHAACHO_SCREENSHOT, fullPage: true });
    const attemptsBefore = (await api('GET', '/admin/actors/' + failed)).json.attempts.length;
    assert.equal(attemptsBefore, 1);
    await page.click(`${failureRow} button[data-action="retry"]`);
    await page.waitForFunction(() => /^retry /.test(document.getElementById('message').textContent));
    assert.match(await page.textContent('#message'), /^retry .*: PROCESSING$/);
    assert.equal(await page.getAttribute('#message', 'class'), 'ok');
    assert.notEqual(await statusOf(failed), 'FAILED');
    // Retried, it is in flight again (OCR is still paused) with its next attempt.
    const retriedRow = `#actors tr[data-order-id="${failed}"]`;
    await page.waitForSelector(retriedRow, { timeout: 15000 });
    const cells = await page.$$eval(`${retriedRow} td`, (tds) => tds.map((td) => td.textContent));
    assert.equal(cells[3], '2', 'the attempt counter moved: ' + cells.join(' | '));

    // Resume from the page: nothing was lost while OCR was held.
    await page.click('#gates tr[data-stage="ocr"] button[data-action="resume"]');
    for (const id of [...waiting, failed])
      await waitFor('order ' + id + ' to finish', async () => (await statusOf(id)) !== 'PROCESSING');
    const after = (await api('GET', '/admin/actors/' + failed)).json;
    assert.equal(after.attempts.length, 2, JSON.stringify(after.attempts));
    await page.waitForSelector('#actors td.empty');
    // The page shows the audit of what was clicked.
    await page.waitForFunction(() => document.querySelectorAll('#audit tbody tr').length >= 3);
    const audit = await page.textContent('#audit');
    for (const action of ['pause', 'retry', 'resume']) assert.match(audit, new RegExp(action));
    assert.deepEqual(pageErrors, []);
  } finally {
    await browser.close().catch(() => {});
  }
});
