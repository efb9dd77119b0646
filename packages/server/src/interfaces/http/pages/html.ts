/** Escapes text for HTML; every value on a server-rendered page goes through it. */
export const esc = (v: unknown): string =>
  String(v ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

/** A small, mobile-first, script-free page: patients open these from a message on a phone. */
export const page = (lang: 'ru' | 'en', title: string, body: string): string => `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${esc(title)}</title>
<style>
:root{color-scheme:light}body{margin:0;font:17px/1.5 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#111;background:#f6f7f9}
main{max-width:36rem;margin:0 auto;padding:1rem}h1{font-size:1.4rem;margin:.5rem 0 1rem}
.card{background:#fff;border:1px solid #d4d7dd;border-radius:.75rem;padding:1rem;margin:.75rem 0}
.row{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;justify-content:space-between}
.state{font-size:.95rem;color:#333}.on{color:#0a6b2d;font-weight:600}.off{color:#555}
button{font:inherit;min-height:44px;padding:.5rem 1rem;border-radius:.5rem;border:2px solid #1d4ed8;background:#fff;color:#1d4ed8;cursor:pointer}
button.primary{background:#1d4ed8;color:#fff}button:focus-visible{outline:3px solid #f59e0b;outline-offset:2px}
.note{font-size:.95rem;color:#333}.done{background:#e7f6ec;border-color:#0a6b2d}
</style></head><body><main>${body}</main></body></html>`;
