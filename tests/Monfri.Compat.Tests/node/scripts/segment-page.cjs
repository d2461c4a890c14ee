// One page view through the unmodified @segment/analytics-node, as a website's backend would send it.
// Exits after the flush and prints {"messageId": "..."} — or exits 1 naming what failed.
// Usage: node segment-page.cjs <monfriUrl> <writeKey> <anonymousId> <pageName> <pageUrl>
"use strict";
const { Analytics } = require("@segment/analytics-node");

const [host, writeKey, anonymousId, name, url] = process.argv.slice(2);
const analytics = new Analytics({ writeKey, host, flushAt: 1, flushInterval: 100, maxRetries: 3 });
let delivered = null;
let failure = null;
analytics.page({ anonymousId, name, properties: { url, title: name, referrer: "https://search.example/?q=monfri" } }, (err, ctx) => {
  if (err) failure = (err.reason || err).message || String(err);
  else delivered = ctx.event.messageId;
});

analytics.closeAndFlush({ timeout: 20000 }).then(() => {
  if (!delivered) {
    console.error(`not delivered: ${failure}`);
    process.exit(1);
  }
  console.log(JSON.stringify({ messageId: delivered }));
});
