// Small browser helpers for Monfri: theme memory, clipboard, idle sign-out.
window.monfri = {
  theme: {
    isDark() {
      const saved = localStorage.getItem("monfri.theme");
      if (saved) return saved === "dark";
      return window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches;
    },
    set(dark) { localStorage.setItem("monfri.theme", dark ? "dark" : "light"); },
  },
  copy(text) { return navigator.clipboard ? navigator.clipboard.writeText(text) : Promise.resolve(); },
};

// Idle timeout: a Blazor circuit sends no HTTP requests, so the cookie would expire under an active
// user and never under an idle one. Activity pings /account/keepalive (sliding the cookie); after the
// configured idle minutes without activity the page signs out.
(() => {
  const meta = document.querySelector('meta[name="monfri-idle-minutes"]');
  if (!meta) return;
  const idleMs = Number(meta.content) * 60_000;
  if (!(idleMs > 0)) return;
  let lastActivity = Date.now();
  let lastPing = Date.now();
  for (const name of ["mousemove", "keydown", "click", "scroll", "touchstart"]) {
    addEventListener(name, () => { lastActivity = Date.now(); }, { passive: true });
  }
  setInterval(() => {
    const now = Date.now();
    if (now - lastActivity >= idleMs) {
      const form = document.getElementById("monfri-idle-logout");
      if (form) form.submit(); else location.href = "/account/login?idle=1";
      return;
    }
    if (lastActivity > lastPing && now - lastPing >= 60_000) {
      lastPing = now;
      fetch("/account/keepalive", { method: "POST", credentials: "same-origin" })
        .then(r => { if (r.status === 401) location.href = "/account/login?idle=1"; })
        .catch(() => { /* offline: the next ping retries */ });
    }
  }, 10_000);
})();

// Ctrl+K / Cmd+K focuses the global search from anywhere in the app.
window.monfri.searchShortcut = (component) => {
  if (window.monfri._searchShortcut) removeEventListener("keydown", window.monfri._searchShortcut);
  window.monfri._searchShortcut = (e) => {
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "k") {
      e.preventDefault();
      component.invokeMethodAsync("FocusAsync");
    }
  };
  addEventListener("keydown", window.monfri._searchShortcut);
};
