/* global document, window, HTMLFormElement */
// Progressive enhancement of the console page: confirm fault actions in place, and refresh the
// live sections every 2 seconds from /api/state. Without this script the forms still work
// (the server asks for confirmation on a page of its own) and a reload shows fresh data.
'use strict';

const POLL_MS = 2000;
const rendered = new Map();

document.addEventListener('submit', (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.dataset.confirm) return;
  if (!window.confirm(form.dataset.confirm)) {
    event.preventDefault();
    return;
  }
  const confirmed = form.querySelector('input[name="confirmed"]');
  if (confirmed) confirmed.value = 'yes';
});

function patch(sections) {
  for (const [name, html] of Object.entries(sections)) {
    const target = document.querySelector(`[data-section="${name}"]`);
    // The HTML was rendered by the server's escaping templates; unchanged sections are left
    // alone so a select being used is not reset under the pointer.
    if (target && rendered.get(name) !== html) {
      target.innerHTML = html;
      rendered.set(name, html);
    }
  }
}

async function poll() {
  const stale = document.querySelector('[data-stale]');
  try {
    // The order list keeps the status filter the page was opened with.
    const filter = document.querySelector('[data-status-filter]')?.getAttribute('data-status-filter');
    const query = filter ? `?status=${encodeURIComponent(filter)}` : '';
    const response = await fetch(`/api/state${query}`, { headers: { accept: 'application/json' } });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const state = await response.json();
    patch(state.sections);
    const readAt = document.querySelector('[data-read-at]');
    if (readAt) readAt.textContent = state.readAt;
    if (stale) stale.hidden = true;
  } catch {
    if (stale) stale.hidden = false;
  } finally {
    setTimeout(poll, POLL_MS);
  }
}

setTimeout(poll, POLL_MS);
