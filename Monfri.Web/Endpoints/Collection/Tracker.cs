namespace Monfri.Web.Endpoints.Collection;

/// <summary>
/// The first-party tracker served at /t.js: no dependencies, ~2 KB. It keeps an anonymous id in a first-party
/// cookie, sends an automatic <c>page</c> with UTM parameters and referrer, exposes <c>monfri.track</c>,
/// <c>monfri.identify</c> and <c>monfri.page</c>, batches to <c>/v1/batch</c> as text/plain (no CORS preflight)
/// and flushes with <c>sendBeacon</c> when the page is hidden or unloaded.
/// </summary>
public static class Tracker
{
    public static string Snippet(string baseUrl, string writeKey) =>
        $"<script async src=\"{baseUrl.TrimEnd('/')}/t.js\" data-write-key=\"{writeKey}\"></script>";

    public const string Script = """
        (function (w, d) {
          "use strict";
          var me = d.currentScript, key = me && me.getAttribute("data-write-key");
          if (!key) return;
          var api = me.src.replace(/\/t\.js(\?.*)?$/, "") + "/v1/batch";
          var queued = w.monfri && w.monfri.push ? w.monfri : [];
          var buffer = [], timer = null, userId = null;
          function uuid() {
            if (w.crypto && crypto.randomUUID) return crypto.randomUUID();
            return "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx".replace(/[xy]/g, function (c) {
              var r = Math.random() * 16 | 0; return (c === "x" ? r : (r & 3 | 8)).toString(16);
            });
          }
          function cookie(name, value) {
            if (value === undefined) {
              var m = d.cookie.match(new RegExp("(?:^|; )" + name + "=([^;]*)"));
              return m ? decodeURIComponent(m[1]) : null;
            }
            d.cookie = name + "=" + encodeURIComponent(value) + "; path=/; max-age=31536000; SameSite=Lax" + (location.protocol === "https:" ? "; Secure" : "");
          }
          var anonymousId = cookie("mf_aid") || uuid();
          cookie("mf_aid", anonymousId);
          userId = cookie("mf_uid");
          function campaign() {
            var out = {}, q = new URLSearchParams(location.search), found = false;
            ["source", "medium", "name", "term", "content"].forEach(function (k) {
              var v = q.get("utm_" + (k === "name" ? "campaign" : k));
              if (v) { out[k] = v; found = true; }
            });
            return found ? out : undefined;
          }
          function context() {
            return {
              library: { name: "monfri-t.js", version: "1" },
              page: { path: location.pathname, referrer: d.referrer, search: location.search, title: d.title, url: location.href },
              campaign: campaign(), userAgent: navigator.userAgent, locale: navigator.language,
              timezone: (w.Intl && Intl.DateTimeFormat().resolvedOptions().timeZone) || undefined
            };
          }
          function enqueue(type, fields) {
            var e = { type: type, messageId: uuid(), anonymousId: anonymousId, timestamp: new Date().toISOString(), context: context() };
            if (userId) e.userId = userId;
            for (var k in fields) if (fields[k] !== undefined) e[k] = fields[k];
            buffer.push(e);
            if (buffer.length >= 20) flush(false); else if (!timer) timer = setTimeout(function () { flush(false); }, 1000);
          }
          function flush(unloading) {
            clearTimeout(timer); timer = null;
            if (!buffer.length) return;
            var body = JSON.stringify({ writeKey: key, sentAt: new Date().toISOString(), batch: buffer.splice(0, 100) });
            var blob = new Blob([body], { type: "text/plain" });
            if (unloading && navigator.sendBeacon && navigator.sendBeacon(api, blob)) return;
            if (w.fetch) fetch(api, { method: "POST", body: body, headers: { "Content-Type": "text/plain" }, keepalive: body.length < 60000 }).catch(function () {});
            if (buffer.length) flush(unloading);
          }
          var monfri = {
            page: function (name, properties) { enqueue("page", { name: name, properties: properties || {} }); },
            track: function (event, properties) { enqueue("track", { event: event, properties: properties || {} }); },
            identify: function (id, traits) {
              if (id && typeof id === "object") { traits = id; id = null; }
              if (id) { userId = String(id); cookie("mf_uid", userId); }
              enqueue("identify", { traits: traits || {} });
            },
            reset: function () { userId = null; cookie("mf_uid", ""); anonymousId = uuid(); cookie("mf_aid", anonymousId); },
            flush: function () { flush(false); },
            anonymousId: function () { return anonymousId; },
            push: function (call) { monfri[call[0]].apply(monfri, call.slice(1)); }
          };
          w.monfri = monfri;
          d.addEventListener("visibilitychange", function () { if (d.visibilityState === "hidden") flush(true); });
          w.addEventListener("pagehide", function () { flush(true); });
          if (!me.hasAttribute("data-no-page")) monfri.page();
          for (var i = 0; i < queued.length; i++) monfri.push(queued[i]);
        })(window, document);
        """;
}
