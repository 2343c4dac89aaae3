// The retailer's page (GET /) in a real browser: Debian's chromium, headless,
// driven by playwright-core, against the real `khaacho serve` with its whole
// pipeline (Tesseract, the rules extractor, the demo catalog of data/catalog).
// Signs in with the development token button, uploads rendered order lists
// through the file input, follows each order to its end, checks the items
// table against the status document, corrects a PENDING_REVIEW order in the
// review form and sees it complete; refusals are shown in plain words.
//
//   KHAACHO_TEST_PG_ADMIN_URL  set by scripts/test.sh (required)
//   KHAACHO_BINARY             the khaacho binary (default build/khaacho)
//   KHAACHO_SCREENSHOT_DIR     where to save retailer-upload.png and retailer-review.png (optional)
//   KHAACHO_CHROMIUM           the browser (default /usr/bin/chromium)
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { launchBrowser, runBrowserTest } from './harness.mjs';

const fixture = (name) => fileURLToPath(new URL('../fixtures/images/' + name, import.meta.url));
const catalog = fileURLToPath(new URL('../../data/catalog', import.meta.url));
const shots = process.env.KHAACHO_SCREENSHOT_DIR;

await runBrowserTest('retailer page', async (server) => {
  await server.start(['--auth.dev-tokens=true', '--normalize.catalog-poll=100ms']);
  server.run(['import-catalog', catalog]);
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems = [];
    page.on('pageerror', (e) => problems.push('page error: ' + e));
    // A Content-Security-Policy refusal is a console error: none may happen.
    page.on('console', (m) => { if (m.type() === 'error' && /Content Security Policy/.test(m.text())) problems.push(m.text()); });
    await page.goto(server.base + '/');
    const ids = await page.$$eval('[id]', (els) => els.map((e) => e.id));
    assert.equal(new Set(ids).size, ids.length, 'duplicate ids: ' + ids);

    // A bad pasted token is refused in words.
    await page.fill('#token', 'not-a-token');
    await page.click('#token-form button[type=submit]');
    await page.waitForFunction(() => document.getElementById('signin-message').textContent !== '');
    assert.match(await page.textContent('#signin-message'), /not accepted/);
    assert.equal(await page.isHidden('#upload-card'), true);

    // Development mode: the button mints a retailer token.
    await page.click('#dev-token');
    await page.waitForSelector('#upload-card:not([hidden])');
    const token = await page.evaluate(() => sessionStorage.getItem('khaacho.token'));
    const api = async (path, init = {}) => {
      const res = await fetch(server.base + path, { ...init, headers: { Authorization: 'Bearer ' + token, ...(init.headers || {}) } });
      return { status: res.status, json: await res.json() };
    };
    assert.equal((await api('/api/orders/uploads')).status, 200);
    assert.match(await page.textContent('#who'), /retailer · shop [0-9a-f]{8}/);
    await page.waitForSelector('#order-list td.muted');  // "No orders yet"

    // Wait until the catalog is loaded (the import ran after the start).
    for (let i = 0; ; i++) {
      const r = await api('/api/products?q=chini');
      if (r.status === 200 && r.json.items.length > 0) break;
      if (i > 200) throw new Error('the catalog was not loaded');
      await new Promise((ok) => setTimeout(ok, 100));
    }

    // ---- an order that completes
    await page.setInputFiles('#photo', fixture('order_list_complete.png'));
    await page.waitForSelector('#preview:not([hidden])');
    await page.click('#upload-button');
    await page.waitForSelector('#order[data-status="PROCESSING"], #order[data-status="COMPLETED"]');
    assert.equal(await page.getAttribute('#upload-progress', 'value'), '100');
    assert.match(await page.textContent('#upload-message'), /Uploaded/);
    await page.waitForSelector('#order[data-status="COMPLETED"]', { timeout: 120000 });
    const done = await page.getAttribute('#order', 'data-order-id');
    const doc = (await api('/api/orders/uploads/' + done)).json;
    assert.equal(doc.status, 'COMPLETED');
    const rows = await page.$$eval('#items tbody tr', (trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
    assert.equal(rows.length, 2, JSON.stringify(rows));
    assert.equal(doc.items.length, 2);
    for (let i = 0; i < 2; i++) {
      assert.equal(rows[i][0], doc.items[i].rawName);
      assert.equal(rows[i][1], doc.items[i].productName);
      assert.equal(Number(rows[i][2]), doc.items[i].quantity);
      assert.equal(rows[i][3], doc.items[i].unit);
      assert.match(rows[i][4], /^\d+ %$/);
    }
    assert.match(rows[0][0], /chini/i);
    assert.equal(rows[0][1], 'Sugar (Chini)');
    assert.deepEqual([rows[0][2], rows[0][3]], ['10', 'kg']);
    assert.equal(rows[1][1], 'Wai Wai Veg Noodles 75 g');
    // Every stage shown done, the photo beside the items, the wholesalers asked.
    const stages = await page.$$eval('#stages li', (lis) => lis.map((li) => li.dataset.status));
    assert.deepEqual(stages, Array(6).fill('succeeded'));
    await page.waitForSelector('#order-photo:not([hidden])');
    assert.equal(await page.$eval('#order-photo', (img) => img.naturalWidth), 2600);
    const rfqRows = await page.$$eval('#rfqs tbody tr', (trs) => trs.map((tr) => tr.textContent));
    assert.equal(rfqRows.length, doc.rfqs.length);
    assert.ok(doc.rfqs.length >= 1);
    assert.ok(rfqRows[0].includes(doc.rfqs[0].wholesalerName), rfqRows[0]);
    assert.match(rfqRows.join(' '), /(whatsapp|email): sent/);
    if (shots) await page.screenshot({ path: join(shots, 'retailer-upload.png'), fullPage: true });

    // ---- an order that needs review, corrected in the page
    await page.setInputFiles('#photo', fixture('order_list_review.png'));
    await page.click('#upload-button');
    await page.waitForFunction((prev) => {
      const o = document.getElementById('order');
      return o.dataset.orderId !== prev && o.dataset.status === 'PENDING_REVIEW';
    }, done, { timeout: 120000 });
    const pending = await page.getAttribute('#order', 'data-order-id');
    const flagged = await page.$$eval('#items tbody tr[data-needs-review="true"]', (trs) => trs.map((tr) => tr.textContent));
    assert.ok(flagged.some((t) => /zorkmid/.test(t)), JSON.stringify(flagged));
    await page.waitForSelector('#review-form:not([hidden])');
    // The photo beside the items; once it is in, the form below stops moving.
    await page.waitForSelector('#order-photo:not([hidden])');
    const unknownRow = page.locator('.review-row', { hasText: 'zorkmid' });
    await unknownRow.locator('input.product-search').fill('waiwai veg');
    await unknownRow.locator('.product-results button', { hasText: 'Wai Wai Veg Noodles' }).first().waitFor();
    await unknownRow.locator('.product-results button', { hasText: 'Wai Wai Veg Noodles' }).first().click();
    await unknownRow.locator('.chosen', { hasText: 'Wai Wai Veg Noodles 75 g' }).waitFor({ timeout: 5000 });
    await unknownRow.locator('input.qty').fill('3');
    await unknownRow.locator('select.unit').selectOption('packet');
    // (A full-page screenshot resizes the viewport: taken before the click, it made the click miss.)
    if (shots) await page.screenshot({ path: join(shots, 'retailer-review.png'), fullPage: true });
    await page.click('#review-submit');
    await page.waitForSelector(`#order[data-order-id="${pending}"][data-status="COMPLETED"]`, { timeout: 120000 });
    const reviewed = (await api('/api/orders/uploads/' + pending)).json;
    assert.equal(reviewed.status, 'COMPLETED');
    assert.deepEqual(reviewed.items.map((i) => i.productName).sort(), ['Sugar (Chini)', 'Wai Wai Veg Noodles 75 g']);
    assert.equal(await page.isHidden('#review-form'), true);

    // ---- the list, filtered by status
    await page.selectOption('#status-filter', 'COMPLETED');
    await page.waitForFunction(() => document.querySelectorAll('#order-list tbody tr[data-order-id]').length === 2);
    await page.selectOption('#status-filter', 'FAILED');
    await page.waitForSelector('#order-list tbody td.muted');
    assert.equal(await page.$$eval('#order-list tbody tr[data-order-id]', (t) => t.length), 0);
    await page.selectOption('#status-filter', '');
    await page.click(`#order-list tr[data-order-id="${done}"]`);
    await page.waitForSelector(`#order[data-order-id="${done}"][data-status="COMPLETED"]`);

    // ---- refusals in plain words, never the JSON body
    const notImage = join(server.storage, 'notes.png');
    writeFileSync(notImage, 'this is a shopping list typed as text, not a photo\n');
    await page.setInputFiles('#photo', notImage);
    await page.click('#upload-button');
    await page.waitForSelector('#upload-message.error');
    const refusal = await page.textContent('#upload-message');
    assert.match(refusal, /not a photo the service can read/);
    assert.ok(!refusal.includes('{') && !refusal.includes('unsupported_media_type'), refusal);

    // ---- a phone screen: nothing wider than the screen
    await page.setViewportSize({ width: 390, height: 844 });
    const widths = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
    assert.ok(widths[0] <= widths[1], 'page wider than a phone: ' + widths);

    // Signing out forgets the token; pasting it signs in again.
    await page.click('#sign-out');
    assert.equal(await page.evaluate(() => sessionStorage.getItem('khaacho.token')), null);
    await page.fill('#token', token);
    await page.click('#token-form button[type=submit]');
    await page.waitForSelector(`#order-list tr[data-order-id="${pending}"]`);
    assert.deepEqual(problems, []);
  } finally {
    await browser.close().catch(() => {});
  }
});
