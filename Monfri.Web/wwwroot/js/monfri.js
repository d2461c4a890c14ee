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
  // Resolves true when the text is on the clipboard. Plain http on a LAN address has no navigator.clipboard (not a
  // secure context), so a hidden selection with the copy command is the fallback there.
  async copy(text) {
    if (navigator.clipboard && window.isSecureContext) {
      try { await navigator.clipboard.writeText(text); return true; } catch { /* refused: try the fallback */ }
    }
    const area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    try { return document.execCommand("copy"); } catch { return false; } finally { area.remove(); }
  },
  // The browser's time zone, so "today" and times shown are the user's own (IANA id, or an offset).
  timeZone() {
    const id = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (id) return id;
    const minutes = -new Date().getTimezoneOffset(), abs = Math.abs(minutes);
    return (minutes < 0 ? "-" : "+") + String(Math.floor(abs / 60)).padStart(2, "0") + ":" + String(abs % 60).padStart(2, "0");
  },
  // Rich-text editor (RichTextEditor.razor): a contenteditable box; the server sanitizes what it sends.
  editor: {
    // Chromium may still wrap lines in <div>, which the server's sanitizer drops with its content: make them paragraphs.
    html(el) {
      if (!el) return "";
      const copy = el.cloneNode(true);
      copy.querySelectorAll("div").forEach(div => {
        const p = document.createElement("p");
        p.append(...div.childNodes);
        div.replaceWith(p);
      });
      return copy.innerHTML;
    },
    set(el, html) { if (el) el.innerHTML = html || ""; },
    focus(el) { if (el) el.focus(); },
  },
};

// Toolbar buttons of rich-text editors, wired once for the whole page so re-renders need no set-up.
// mousedown (not click) keeps the text selection in the editor while the command runs.
document.addEventListener("mousedown", event => {
  const button = event.target.closest && event.target.closest("[data-rte-command]");
  if (!button) return;
  const editor = button.closest(".monfri-rte")?.querySelector("[contenteditable]");
  if (!editor) return;
  event.preventDefault();
  if (document.activeElement !== editor) editor.focus();
  const command = button.dataset.rteCommand;
  if (command === "createLink") {
    let url = (prompt("Link address") || "").trim();
    if (!url) return;
    if (!/^(https?:|mailto:)/i.test(url)) url = "https://" + url;
    document.execCommand("createLink", false, url);
  } else {
    document.execCommand(command, false);
  }
  // Blazor does not see execCommand edits; tell it the content changed.
  editor.dispatchEvent(new Event("input", { bubbles: true }));
});

// New lines are paragraphs (not <div>s) in every editor.
document.addEventListener("focusin", event => {
  if (event.target.classList && event.target.classList.contains("monfri-rte-box")) {
    document.execCommand("defaultParagraphSeparator", false, "p");
  }
});

// Pasting brings text only: other sites' markup (styles, spans, divs) would be stripped or mangled anyway.
document.addEventListener("paste", event => {
  const box = event.target.closest && event.target.closest(".monfri-rte-box");
  if (!box) return;
  event.preventDefault();
  document.execCommand("insertText", false, (event.clipboardData || window.clipboardData).getData("text/plain"));
});

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

// Pipeline board: Blazor handles the drag events (dragstart, drop); this only does what must happen in the
// browser — give the drag a payload (Firefox starts no drag without one) and outline the zone under the cursor.
(() => {
  let over = null;
  const mark = zone => {
    if (over === zone) return;
    if (over) over.classList.remove("board-drop--over");
    over = zone;
    if (over) over.classList.add("board-drop--over");
  };
  document.addEventListener("dragstart", event => {
    const card = event.target.closest && event.target.closest("[data-board-card]");
    if (card && event.dataTransfer) {
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", card.dataset.dealId || "");
    }
  });
  document.addEventListener("dragover", event => mark(event.target.closest ? event.target.closest("[data-drop-zone]") : null));
  document.addEventListener("drop", () => mark(null));
  document.addEventListener("dragend", () => mark(null));
})();

window.monfri.board = {
  // After a keyboard move the card is drawn in another column: keep the focus on it.
  focus(dealId) {
    const card = document.querySelector(`[data-board-card][data-deal-id="${dealId}"]`);
    if (card) card.focus();
  },
};
