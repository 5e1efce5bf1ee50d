// ragd chat page: past conversations kept by the server (GET/DELETE /v1/conversations), listed
// above the current one; opening one shows its turns and continues it, "New conversation" starts
// another. Server text is shown with textContent only.
'use strict';

window.RagdConversations = (() => {
  const panel = document.getElementById('past');
  const list = document.getElementById('past-list');
  const status = document.getElementById('past-status');
  const newButton = document.getElementById('new-conversation');
  let hooks = null;
  let loading = 0; // the newest refresh wins: an older reply is dropped
  let opening = 0; // likewise for opening a conversation

  function make(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function query() {
    const email = hooks.email();
    return email ? `?user_email=${encodeURIComponent(email)}` : '';
  }

  async function call(path, method) {
    const reply = await fetch(path, { method: method || 'GET', headers: hooks.headers(), cache: 'no-store' });
    let body = null;
    try { body = await reply.json(); } catch (e) { body = null; }
    if (!reply.ok) {
      const error = body && body.error ? body.error : {};
      throw Object.assign(new Error(error.message || `HTTP ${reply.status}`), { status: reply.status });
    }
    return body;
  }

  function when(iso) {
    const d = new Date(iso);
    return isNaN(d) ? '' : d.toLocaleString();
  }

  function render(items) {
    const current = hooks.current();
    list.replaceChildren();
    for (const c of items) {
      if (!c || typeof c.conversation_id !== 'string') continue;
      const title = typeof c.title === 'string' && c.title ? c.title : 'Untitled';
      const item = make('li', 'past-item');
      if (c.conversation_id === current) item.setAttribute('aria-current', 'true');
      const open = make('button', 'past-open', title);
      open.type = 'button';
      open.title = `${title} — ${when(c.started_at)}`;
      open.dataset.conversation = c.conversation_id;
      open.addEventListener('click', () => openConversation(c.conversation_id));
      const remove = make('button', 'past-delete', '✕');
      remove.type = 'button';
      remove.setAttribute('aria-label', `Delete conversation: ${title}`);
      remove.title = 'Delete this conversation';
      remove.addEventListener('click', () => deleteConversation(c.conversation_id, title));
      item.append(open, remove);
      list.append(item);
    }
    status.textContent = list.children.length ? '' : 'No past conversations yet.';
  }

  async function refresh() {
    if (!hooks) return;
    const mine = ++loading;
    try {
      const page = await call(`/v1/conversations${query()}`);
      if (mine !== loading) return;
      panel.hidden = false;
      render(Array.isArray(page.conversations) ? page.conversations : []);
    } catch (e) {
      if (mine !== loading) return;
      // 501: this server keeps no chat log; 401: not signed in yet (the list comes after sign-in)
      if (e.status === 501 || e.status === 401) panel.hidden = true;
      else status.textContent = 'Past conversations could not be loaded just now.';
    }
  }

  /** Shows conversation {@code id}; {@code restoring}: after a reload, beside the answers it resumes. */
  async function openConversation(id, restoring) {
    if (hooks.busy() && !restoring) {
      hooks.notice('Please wait for the answer to finish (or stop it) before opening another conversation.');
      return;
    }
    const mine = ++opening;
    try {
      const c = await call(`/v1/conversations/${encodeURIComponent(id)}${query()}`);
      if (mine !== opening) return; // another was opened meanwhile
      if (hooks.busy() && !restoring) {
        hooks.notice('Please wait for the answer to finish (or stop it) before opening another conversation.');
        return;
      }
      hooks.show(id, Array.isArray(c.turns) ? c.turns : []);
    } catch (e) {
      if (e.status === 404) {
        if (id === hooks.current()) hooks.clear();
        hooks.notice('That conversation no longer exists.');
      } else {
        hooks.notice(`The conversation could not be opened: ${e.message}`);
      }
    }
    refresh();
  }

  async function deleteConversation(id, title) {
    if (id === hooks.current() && hooks.busy()) {
      hooks.notice('Please wait for the answer to finish (or stop it) before deleting this conversation.');
      return;
    }
    if (!window.confirm(`Delete the conversation “${title}”? This cannot be undone.`)) return;
    try {
      await call(`/v1/conversations/${encodeURIComponent(id)}${query()}`, 'DELETE');
    } catch (e) {
      if (e.status !== 404) {
        hooks.notice(`The conversation could not be deleted: ${e.message}`);
        return;
      }
    }
    if (id === hooks.current() && !hooks.busy()) hooks.clear();
    refresh();
  }

  newButton.addEventListener('click', () => {
    if (hooks.busy()) {
      hooks.notice('Please wait for the answer to finish (or stop it) before starting a new conversation.');
      return;
    }
    hooks.clear();
    refresh();
  });

  /** hooks: headers(), email(), current(), busy(), show(id, turns), clear(), notice(text). */
  function init(h) {
    hooks = h;
  }

  return { init, refresh, open: openConversation };
})();
