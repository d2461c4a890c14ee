// A steady stream through the unmodified @segment/analytics-node: 20 track calls every 50 ms (the SDK gives each
// a unique message id) until a line "stop" arrives on stdin; then it flushes what is pending and exits, with 1 if
// the SDK gave up on any event.
// Prints "ack <messageId>" for every event whose batch got a 2xx — from the SDK's own http_response event, which
// carries the request body — so the caller knows exactly which events Monfri acknowledged; "ack-retry <messageId>"
// when that 2xx answered a retry (the SDK's X-Retry-Count header). Other lines are logs.
// Usage: node segment-stream.cjs <monfriUrl> <writeKey>
"use strict";
const readline = require("readline");
const { Analytics } = require("@segment/analytics-node");

const [host, writeKey] = process.argv.slice(2);
// Retries are the SDK's own (exponential backoff from 0.5 s); enough of them to outlast a restart.
const analytics = new Analytics({ writeKey, host, flushAt: 20, flushInterval: 50, maxRetries: 20, httpRequestTimeout: 5000 });
let sent = 0;
let failed = 0;
let retries = 0;
const statuses = {};
const retried = new Set();
analytics.on("http_request", (request) => {
  if (request.headers["X-Retry-Count"]) {
    retries++;
    retried.add(request.body);
  }
});
analytics.on("http_response", (response) => {
  statuses[response.status] = (statuses[response.status] || 0) + 1;
  const prefix = retried.delete(response.body) ? "ack-retry " : "ack ";
  if (response.status >= 200 && response.status < 300) {
    const lines = JSON.parse(response.body).batch.map((event) => prefix + event.messageId);
    process.stdout.write(lines.join("\n") + "\n");
  }
});
const settled = (err) => { if (err) failed++; };

const timer = setInterval(() => {
  for (let i = 0; i < 20; i++, sent++) {
    analytics.track({ userId: `crash-user-${sent % 40}`, event: "Heartbeat", properties: { n: sent } }, settled);
  }
}, 50);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  clearInterval(timer);
  await analytics.closeAndFlush({ timeout: 90000 });
  console.log(`done sent=${sent} failed=${failed} retries=${retries} statuses=${JSON.stringify(statuses)}`);
  // Every event must have been acknowledged in the end: the SDK gave up on none.
  process.exit(failed === 0 ? 0 : 1);
}

// "stop" from the test, or the test runner gone (stdin closed).
readline.createInterface({ input: process.stdin })
  .on("line", (line) => { if (line.trim() === "stop") stop(); })
  .on("close", stop);
