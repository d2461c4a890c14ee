// One visitor's story through the unmodified @rudderstack/rudder-sdk-node (gzip on, its default): two anonymous
// page views, identify, track, group, screen and alias. Exits after the final flush and prints what was
// delivered: {"messageIds": [...], "gzipped": true} — or exits 1 naming what failed.
// Usage: node rudder-node.cjs <monfriUrl> <writeKey> <userId> <anonymousId> <previousId>
"use strict";
const zlib = require("zlib");
const Analytics = require("@rudderstack/rudder-sdk-node");

const [dataPlaneUrl, writeKey, userId, anonymousId, previousId] = process.argv.slice(2);
const failures = [];
const delivered = new Set();
let gzipped = true;
const client = new Analytics(writeKey, {
  dataPlaneUrl,
  flushAt: 100,
  flushInterval: 60000,
  retryCount: 1,
  logLevel: "error",
  errorHandler: (err) => failures.push(`${err.response ? err.response.status : err.code} ${err.message}`),
});
// A callback gets the request body it was sent in: gzipped JSON when the SDK compressed it.
const done = (err, body) => {
  if (err) return failures.push(String(err.message || err));
  if (!Buffer.isBuffer(body)) gzipped = false;
  const batch = Buffer.isBuffer(body) ? JSON.parse(zlib.gunzipSync(body)) : body;
  batch.batch.forEach((event) => delivered.add(event.messageId));
};

client.page({ anonymousId, category: "Docs", name: "Pricing", properties: { path: "/pricing", url: "https://example.test/pricing" } }, done);
client.page({ anonymousId, name: "Signup", properties: { path: "/signup" } }, done);
client.identify({ userId, anonymousId, traits: { email: `${userId}@example.test`, firstName: "Grace", lastName: "Hopper", plan: "team" } }, done);
client.track({ userId, event: "Order Completed", properties: { orderId: "o-2", revenue: 10, currency: "USD" } }, done);
client.group({ userId, groupId: "initech", traits: { name: "Initech" } }, done);
client.screen({ userId, name: "Dashboard", properties: { tab: "billing" } }, done);
client.alias({ userId, previousId }, done);

(async () => {
  // The SDK sends the first event at once and the rest on flush; flush until nothing is pending.
  for (let i = 0; i < 3; i++) await client.flush().catch((err) => failures.push(String(err.message || err)));
  await new Promise((resolve) => setTimeout(resolve, 20));
  if (failures.length || delivered.size !== 7) {
    console.error(`delivered ${delivered.size} of 7; ${failures.join("; ")}`);
    process.exit(1);
  }
  console.log(JSON.stringify({ messageIds: [...delivered], gzipped }));
  process.exit(0);
})();
