// One visitor's story through the unmodified @segment/analytics-node: two anonymous page views, identify
// (which ties the anonymous id to the user id), track, group, screen and alias. Exits after the final flush and
// prints what was delivered: {"messageIds": [...]} — or exits 1 naming what failed.
// Usage: node segment-node.cjs <monfriUrl> <writeKey> <userId> <anonymousId> <previousId>
"use strict";
const { Analytics } = require("@segment/analytics-node");

const [host, writeKey, userId, anonymousId, previousId] = process.argv.slice(2);
const analytics = new Analytics({ writeKey, host, flushAt: 3, flushInterval: 200, maxRetries: 3 });
const failures = [];
const delivered = [];
const statuses = [];
analytics.on("http_response", (response) => statuses.push(response.status));
const done = (err, ctx) => {
  if (err) failures.push(`${ctx && ctx.event && ctx.event.type}: ${(err.reason || err).message || err}`);
  else delivered.push(ctx.event.messageId);
};

analytics.page({ anonymousId, category: "Docs", name: "Pricing", properties: { path: "/pricing", url: "https://example.test/pricing" } }, done);
analytics.page({ anonymousId, name: "Signup", properties: { path: "/signup" } }, done);
analytics.identify({ userId, anonymousId, traits: { email: `${userId}@example.test`, firstName: "Ada", lastName: "Lovelace", plan: "pro" } }, done);
analytics.track({ userId, event: "Order Completed", properties: { orderId: "o-1", revenue: 42.5, currency: "EUR" } }, done);
analytics.group({ userId, groupId: "acme", traits: { name: "Acme Ltd", employees: 50 } }, done);
analytics.screen({ userId, name: "Dashboard", properties: { tab: "overview" } }, done);
analytics.alias({ userId, previousId }, done);

analytics.closeAndFlush({ timeout: 20000 }).then(() => {
  if (failures.length || delivered.length !== 7) {
    console.error(`delivered ${delivered.length} of 7; statuses ${statuses.join(",")}; ${failures.join("; ")}`);
    process.exit(1);
  }
  console.log(JSON.stringify({ messageIds: delivered, statuses }));
});
