// A steady stream through the unmodified @segment/analytics-node: 20 track calls every 50 ms (the SDK gives each
// a unique message id) until a line "stop" arrives on stdin; then it flushes what is pending and exits.
// Prints "ack <messageId>" for every event whose batch got a 2xx — from the SDK's own http_response event, which
// carries the request body — so the caller knows exactly which events Monfri acknowledged. Other lines are logs.
// Usage: node segment-stream.cjs <monfriUrl> <writeKey>
"use strict";
const readline = require("readline");
const { Analytics } = require("@segment/analytics-node");

const [host, writeKey] = process.argv.slice(2);
// Retries are the SDK's own (exponential backoff from 0.5 s); enough of them to outlast a restart.
const analytics = new Analytics({ writeKey, host, flushAt: 20, flushInterval: 50, maxRetries: 20, httpRequestTimeout: 5000 });
let sent = 0;
let failed = 0;
const statuses = {};
analytics.on("http_response", (response) => {
  statuses[response.status] = (statuses[response.status] || 0) + 1;
  if (response.status >= 200 && response.status < 300) {
    const lines = JSON.parse(response.body).batch.map((event) => "ack " + event.messageId);
    process.stdout.write(lines.join("\n") + "\n");
  }
});
const settled = (err) => { if (err) failed++; };

const timer = setInterval(() => {
  for (let i = 0; i < 20; i++, sent++) {
    analytics.track({ userId: `crash-user-${sent % 40}`, event: "Heartbeat", properties: { n: sent } }, settled);
  }
}, 50);

readline.createInterface({ input: process.stdin }).on("line", async (line) => {
  if (line.trim() !== "stop") return;
  clearInterval(timer);
  await analytics.closeAndFlush({ timeout: 90000 });
  console.log(`done sent=${sent} failed=${failed} statuses=${JSON.stringify(statuses)}`);
  process.exit(0);
});
