// ragd chat page: speaks the native WebSocket protocol at /v1/chat. No dependencies, no build step.
// All server text is inserted with textContent / text nodes, never as HTML.
'use strict';

(() => {
  const EMAIL_KEY = 'ragd.email';
  const CREDENTIAL_KEY = 'ragd.credential';
  const PENDING_KEY = 'ragd.pending'; // answers streaming in this tab, resumed after a reload
  const CONVERSATION_KEY = 'ragd.conversation'; // the server-kept conversation this tab continues
  const MAX_RECONNECT_MS = 10000;

  const el = {
    email: document.getElementById('email'),
    signin: document.getElementById('signin'),
    credential: document.getElementById('credential'),
    credentialError: document.getElementById('credential-error'),
    emailError: document.getElementById('email-error'),
    connection: document.getElementById('connection'),
    connectionText: document.getElementById('connection-text'),
    notice: document.getElementById('notice'),
    conversation: document.getElementById('conversation'),
    empty: document.getElementById('empty'),
    form: document.getElementById('ask'),
    question: document.getElementById('question'),
    send: document.getElementById('send'),
    stop: document.getElementById('stop'),
  };

  const history = [];          // completed turns, oldest first: {role, content} (sent when the server keeps none)
  let conversationId = null;   // the server-kept conversation the next question continues
  const turns = new Map();     // request id -> turn view of an answer in flight
  const outbox = [];           // frames waiting for the socket to open
  let socket = null;
  let reconnectMs = 500;
  let reconnectTimer = null;

  // ---------- small helpers ----------

  function make(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function uuid() {
    if (window.crypto && typeof crypto.randomUUID === 'function') return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16)); // randomUUID needs a secure context
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  function duration(ms) {
    if (typeof ms !== 'number' || !isFinite(ms)) return '?';
    return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
  }

  function safeUrl(url) {
    if (typeof url !== 'string' || url === '') return null;
    try {
      const parsed = new URL(url, location.href);
      return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : null;
    } catch (e) {
      return null;
    }
  }

  function nearBottom() {
    return window.innerHeight + window.scrollY >= document.documentElement.scrollHeight - 120;
  }

  function keepInView(wasNearBottom) {
    if (wasNearBottom) window.scrollTo(0, document.documentElement.scrollHeight);
  }

  function storage(action, value) {
    try {
      if (action === 'get') return localStorage.getItem(EMAIL_KEY) || '';
      if (value) localStorage.setItem(EMAIL_KEY, value); else localStorage.removeItem(EMAIL_KEY);
    } catch (e) { /* storage may be disabled; the field still works */ }
    return '';
  }

  // ---------- connection ----------

  function setConnection(state, text) {
    el.connection.dataset.state = state;
    el.connectionText.textContent = text;
  }

  function socketUrl() {
    return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/v1/chat`;
  }

  // ---------- sign-in ----------
  // With RAGD_AUTH on, a browser cannot put its credential on a WebSocket as a header: the page
  // trades it (sent as a header over HTTP) for a single-use ticket and opens the socket with the
  // ticket as its subprotocol. The credential stays in this tab's sessionStorage, never in a URL.

  function credential(value) {
    try {
      if (value === undefined) return sessionStorage.getItem(CREDENTIAL_KEY) || '';
      if (value) sessionStorage.setItem(CREDENTIAL_KEY, value); else sessionStorage.removeItem(CREDENTIAL_KEY);
    } catch (e) { /* storage disabled: the credential lasts until the page is reloaded */ }
    return value || '';
  }

  let memoryCredential = '';

  function askToSignIn(message) {
    el.signin.hidden = false;
    el.credentialError.textContent = message || '';
    el.credentialError.hidden = !message;
    setConnection('offline', 'Sign in to ask questions');
    el.credential.focus();
  }

  /** The subprotocols to open the socket with: none when the server needs no credential. */
  async function protocols() {
    const cred = credential() || memoryCredential;
    const headers = cred ? { authorization: 'Bearer ' + cred } : {};
    const reply = await fetch('/v1/ws-ticket', { method: 'POST', headers, cache: 'no-store' });
    if (reply.status === 400) return [];            // RAGD_AUTH=none: no tickets, none needed
    if (reply.status === 401) {
      credential('');
      memoryCredential = '';
      let message = '';
      try { message = cred ? (await reply.json()).error.message : ''; } catch (e) { /* keep it short */ }
      throw Object.assign(new Error('sign-in needed'), { signIn: true, message });
    }
    if (!reply.ok) throw new Error('ticket refused: ' + reply.status);
    const ticket = await reply.json();
    return ['ragd', ticket.subprotocol];
  }

  el.signin.addEventListener('submit', (event) => {
    event.preventDefault();
    const value = el.credential.value.trim();
    if (!value) return;
    memoryCredential = value;
    credential(value);
    el.credential.value = '';
    el.signin.hidden = true;
    connect();
  });

  async function connect() {
    clearTimeout(reconnectTimer);
    reconnectTimer = null;
    setConnection('connecting', 'Connecting…');
    let ws;
    try {
      ws = new WebSocket(socketUrl(), await protocols());
    } catch (e) {
      if (e.signIn) {
        askToSignIn(e.message);
      } else {
        scheduleReconnect();
      }
      return;
    }
    socket = ws;
    ws.onopen = () => {
      reconnectMs = 500;
      setConnection('online', 'Connected');
      if (window.RagdConversations && restoreConversation) {
        window.RagdConversations.open(restoreConversation, true);
        restoreConversation = null;
      } else if (window.RagdConversations) {
        window.RagdConversations.refresh();
      }
      // Answers cut by the drop (or a reload) pick up after the last frame received, on any replica.
      for (const turn of turns.values()) {
        if (turn.resuming) {
          turn.resuming = false;
          ws.send(JSON.stringify({ type: 'resume', id: turn.id, log_id: turn.logId, after: turn.seq || 0 }));
        }
      }
      while (outbox.length && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(outbox.shift()));
    };
    ws.onmessage = (event) => {
      let frame;
      try {
        frame = JSON.parse(event.data);
      } catch (e) {
        showNotice('The server sent something this page could not read.');
        return;
      }
      if (frame && typeof frame === 'object') handleFrame(frame);
    };
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      for (const turn of Array.from(turns.values())) {
        if (turn.logId) {
          turn.resuming = true; // the server keeps generating it for a while: resume on reconnect
        } else {
          fail(turn, { code: 'connection_lost', message: 'The connection to the server was lost before the answer finished.', retryable: true });
        }
      }
      scheduleReconnect();
    };
  }

  function scheduleReconnect() {
    const wait = reconnectMs;
    reconnectMs = Math.min(reconnectMs * 2, MAX_RECONNECT_MS);
    setConnection('offline', `Disconnected — reconnecting in ${Math.ceil(wait / 1000)} s…`);
    reconnectTimer = setTimeout(connect, wait);
  }

  function reconnectNow() {
    if (!socket && reconnectTimer) {
      reconnectMs = 500;
      connect();
    }
  }

  function sendFrame(frame) {
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify(frame));
    } else {
      outbox.push(frame);
      reconnectNow();
    }
  }

  // ---------- conversation ----------

  function showNotice(text) {
    el.notice.textContent = text;
    el.notice.hidden = false;
  }

  function setBusy(busy) {
    el.send.disabled = busy;
    el.send.textContent = busy ? 'Answering…' : 'Send';
    el.stop.hidden = !busy;
    el.stop.disabled = false;
  }

  // Stops every answer in flight: the server ends each with status "stopped", keeping what was said.
  function stopAnswers() {
    el.stop.disabled = true;
    for (const id of turns.keys()) {
      const queued = outbox.findIndex((f) => f.id === id && !f.type);
      if (queued >= 0) {
        outbox.splice(queued, 1); // never sent: nothing to stop
        const turn = turns.get(id);
        turn.answer.replaceChildren(make('span', 'waiting', 'Stopped before it was sent.'));
        finish(turn);
      } else {
        sendFrame({ type: 'stop', id });
      }
    }
  }

  function createTurn(id, question) {
    el.empty.hidden = true;
    const article = make('article', 'turn');
    const asked = make('div', 'msg user');
    asked.append(make('h2', 'visually-hidden', 'You asked'), make('p', 'question', question));
    const reply = make('div', 'msg assistant');
    const heading = make('h2', 'visually-hidden', 'Answer');
    const answer = make('p', 'answer streaming');
    answer.setAttribute('aria-busy', 'true');
    answer.append(make('span', 'waiting', 'Searching the documents…'));
    const error = make('div', 'error');
    error.setAttribute('role', 'alert');
    error.hidden = true;
    const sources = make('details', 'sources');
    sources.hidden = true;
    const meta = make('p', 'meta');
    meta.hidden = true;
    reply.append(heading, answer, error, sources, meta);
    article.append(asked, reply);
    const wasNearBottom = nearBottom();
    el.conversation.append(article);
    keepInView(wasNearBottom);
    return { id, question, text: '', items: [], article, answer, error, sources, meta };
  }

  function renderAnswer(turn) {
    const nodes = [];
    const pattern = /\[(\d+)\]/g;
    let last = 0;
    let match;
    while ((match = pattern.exec(turn.text)) !== null) {
      const n = Number(match[1]);
      const item = turn.items[n - 1];
      if (!item) continue;
      nodes.push(document.createTextNode(turn.text.slice(last, match.index)));
      const link = make('a', 'cite', `[${n}]`);
      link.href = `#${sourceId(turn, n)}`;
      link.setAttribute('aria-label', `Source ${n}: ${item.title || 'untitled'}`);
      link.addEventListener('click', (event) => {
        event.preventDefault();
        revealSource(turn, n);
      });
      nodes.push(link);
      last = match.index + match[0].length;
    }
    nodes.push(document.createTextNode(turn.text.slice(last)));
    turn.answer.replaceChildren(...nodes);
  }

  function sourceId(turn, n) {
    return `src-${turn.id}-${n}`;
  }

  function revealSource(turn, n) {
    const target = document.getElementById(sourceId(turn, n));
    if (!target) return;
    turn.sources.open = true;
    for (const li of turn.sources.querySelectorAll('li.highlight')) li.classList.remove('highlight');
    target.classList.add('highlight');
    target.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
    target.focus({ preventScroll: true });
  }

  function renderSources(turn, items) {
    turn.items = Array.isArray(items) ? items.filter((x) => x && typeof x === 'object') : [];
    if (turn.items.length === 0) {
      turn.sources.hidden = true;
      return;
    }
    const titles = turn.items.map((item) => item.title || item.doc_id || 'untitled');
    const summary = make('summary', null,
      `${turn.items.length} source${turn.items.length === 1 ? '' : 's'}: ${titles.join(' · ')}`);
    const list = make('ol', 'source-list');
    turn.items.forEach((item, i) => {
      const li = make('li', 'source');
      li.id = sourceId(turn, i + 1);
      li.tabIndex = -1;
      const head = make('div', 'source-head');
      head.append(make('span', 'source-num', `[${i + 1}]`));
      const url = safeUrl(item.url);
      const title = make(url ? 'a' : 'span', 'source-title', item.title || item.doc_id || 'untitled');
      if (url) {
        title.href = url;
        title.target = '_blank';
        title.rel = 'noopener noreferrer';
      }
      head.append(title);
      if (typeof item.score === 'number' && isFinite(item.score)) {
        head.append(make('span', 'source-score', `score ${item.score.toFixed(3)}`));
      }
      li.append(head);
      if (item.snippet) li.append(make('p', 'source-snippet', item.snippet));
      list.append(li);
    });
    turn.sources.replaceChildren(summary, list);
    turn.sources.hidden = false;
    if (turn.text) renderAnswer(turn);
  }

  function renderMeta(turn, frame) {
    const t = frame.timings || {};
    const parts = [`answered in ${duration(t.total_ms)}`, `retrieval ${duration(t.retrieval_ms)}`];
    if (typeof t.first_token_ms === 'number') parts.push(`first word ${duration(t.first_token_ms)}`);
    if (typeof t.completion_tokens === 'number') parts.push(`${t.completion_tokens} tokens`);
    parts.push(frame.language_model === false || frame.model === 'extractive'
      ? 'offline extractive answerer — not a language model'
      : `model ${frame.model || 'unknown'}`);
    turn.meta.textContent = parts.join(' · ');
    turn.meta.hidden = false;
  }

  function setConversation(id) {
    conversationId = id;
    try {
      if (id) sessionStorage.setItem(CONVERSATION_KEY, id); else sessionStorage.removeItem(CONVERSATION_KEY);
    } catch (e) { /* storage off: a reload starts a new conversation */ }
  }

  function savedConversation() {
    try {
      const id = sessionStorage.getItem(CONVERSATION_KEY);
      return typeof id === 'string' && /^[A-Za-z0-9._-]{1,128}$/.test(id) ? id : null;
    } catch (e) { return null; }
  }

  // Empties the view of finished turns (answers in flight stay) and forgets the conversation.
  function clearConversation() {
    for (const article of Array.from(el.conversation.querySelectorAll('article.turn'))) {
      if (!Array.from(turns.values()).some((t) => t.article === article)) article.remove();
    }
    history.length = 0;
    setConversation(null);
    el.notice.hidden = true;
    el.empty.hidden = turns.size > 0;
  }

  // Shows a kept conversation's turns (oldest first) and continues it with the next question.
  function showConversation(id, past) {
    clearConversation();
    setConversation(id);
    const inFlight = new Set(Array.from(turns.values()).map((t) => t.logId));
    const before = el.conversation.querySelector('article.turn');
    for (const t of past) {
      if (!t || typeof t.question !== 'string' || inFlight.has(t.log_id)) continue;
      const turn = createTurn(`past-${t.log_id}`, t.question);
      if (before) el.conversation.insertBefore(turn.article, before);
      turn.text = typeof t.answer === 'string' ? t.answer : '';
      turn.answer.classList.remove('streaming');
      turn.answer.setAttribute('aria-busy', 'false');
      if (turn.text) renderAnswer(turn); else turn.answer.replaceChildren(make('span', 'waiting', 'No answer was given.'));
      turn.meta.textContent = [t.status === 'completed' ? null : t.status, t.at ? new Date(t.at).toLocaleString() : null]
        .filter(Boolean).join(' · ');
      turn.meta.hidden = !turn.meta.textContent;
      if ((t.status === 'completed' || t.status === 'stopped') && typeof t.log_id === 'string' && window.RagdFeedback) {
        turn.meta.after(window.RagdFeedback.bar(t.log_id, sendFrame));
      }
      if (turn.text) history.push({ role: 'user', content: t.question }, { role: 'assistant', content: turn.text });
    }
    el.empty.hidden = el.conversation.querySelector('article.turn') !== null;
  }

  // The answers in flight that have a log id, kept in this tab so that a reload can resume them.
  function savePending() {
    try {
      const list = Array.from(turns.values()).filter((t) => t.logId)
        .map((t) => ({ id: t.id, log_id: t.logId, question: t.question }));
      if (list.length) sessionStorage.setItem(PENDING_KEY, JSON.stringify(list));
      else sessionStorage.removeItem(PENDING_KEY);
    } catch (e) { /* storage off: no resume after a reload */ }
  }

  function restorePending() {
    let list = [];
    try {
      list = JSON.parse(sessionStorage.getItem(PENDING_KEY) || '[]');
    } catch (e) { list = []; }
    if (!Array.isArray(list)) return;
    for (const p of list.slice(0, 8)) {
      if (!p || typeof p.id !== 'string' || typeof p.log_id !== 'string' || typeof p.question !== 'string') continue;
      const turn = createTurn(p.id, p.question);
      turn.logId = p.log_id;
      turn.seq = 0; // the whole answer again, from its first frame
      turn.resuming = true;
      turns.set(p.id, turn);
      setBusy(true);
    }
  }

  function finish(turn) {
    turns.delete(turn.id);
    savePending();
    turn.answer.classList.remove('streaming');
    turn.answer.setAttribute('aria-busy', 'false');
    if (turns.size === 0) setBusy(false);
  }

  function complete(turn, frame) {
    const wasNearBottom = nearBottom();
    renderAnswer(turn);
    renderMeta(turn, frame);
    if (frame.status === 'stopped') {
      turn.meta.textContent = `stopped · ${turn.meta.textContent}`;
      if (!turn.text) turn.answer.replaceChildren(make('span', 'waiting', 'Stopped before the answer began.'));
    }
    if (typeof frame.log_id === 'string' && window.RagdFeedback) {
      turn.meta.after(window.RagdFeedback.bar(frame.log_id, sendFrame));
    }
    history.push({ role: 'user', content: turn.question }, { role: 'assistant', content: turn.text });
    finish(turn);
    keepInView(wasNearBottom);
    if (window.RagdConversations) window.RagdConversations.refresh();
  }

  function fail(turn, frame) {
    if (frame.code === 'not_found' && turn.conversation) {
      // The conversation was deleted (here or in another tab) or is another user's: ask in a new one.
      if (turn.conversation === conversationId) {
        setConversation(null);
        history.length = 0; // that conversation's turns are not the new one's
      }
      frame = { code: frame.code, retryable: true,
        message: 'This conversation is no longer available. Try again to ask in a new conversation.' };
    }
    const message = frame.message || 'Something went wrong while answering.';
    const box = turn.error;
    box.replaceChildren(make('strong', null, 'Error: '), document.createTextNode(message));
    if (frame.code) box.append(make('span', 'error-code', ` (${frame.code})`));
    if (frame.retryable) {
      const wait = typeof frame.retry_after_ms === 'number' ? frame.retry_after_ms : 0;
      box.append(make('span', 'retry-hint', wait > 0
        ? ` You can try again in ${Math.ceil(wait / 1000)} s.`
        : ' You can try again.'));
      const retry = make('button', 'retry', 'Try again');
      retry.type = 'button';
      if (wait > 0) {
        retry.disabled = true;
        setTimeout(() => { retry.disabled = false; }, wait);
      }
      retry.addEventListener('click', () => {
        retry.disabled = true;
        ask(turn.question);
      });
      box.append(' ', retry);
    }
    box.hidden = false;
    const queued = outbox.findIndex((f) => f.id === turn.id);
    if (queued >= 0) outbox.splice(queued, 1);
    if (!turn.text) turn.answer.hidden = true;
    finish(turn);
  }

  function handleFrame(frame) {
    if (window.RagdFeedback && window.RagdFeedback.handle(frame)) return;
    const turn = turns.get(frame.id);
    if (!turn) {
      // not_found: a stop that crossed its answer's end; nothing to show
      if (frame.type === 'error' && frame.code !== 'not_found') showNotice(`Error: ${frame.message || 'request failed'}${frame.code ? ` (${frame.code})` : ''}`);
      return;
    }
    const wasNearBottom = nearBottom();
    if (typeof frame.seq === 'number') turn.seq = frame.seq;
    switch (frame.type) {
      case 'start':
        // the "Searching…" placeholder stays until the first token
        if (typeof frame.log_id === 'string') {
          turn.logId = frame.log_id;
          savePending();
        }
        // A first question names its new conversation; a later one's is the one it was sent in.
        if (!turn.conversation && typeof frame.conversation_id === 'string') {
          turn.conversation = frame.conversation_id;
          setConversation(frame.conversation_id);
        }
        break;
      case 'sources':
        renderSources(turn, frame.items);
        break;
      case 'token':
        if (typeof frame.text === 'string') {
          turn.text += frame.text;
          renderAnswer(turn);
        }
        break;
      case 'end':
        complete(turn, frame);
        break;
      case 'answer':
        turn.text = typeof frame.answer === 'string' ? frame.answer : '';
        renderSources(turn, frame.sources);
        complete(turn, frame);
        break;
      case 'error':
        fail(turn, frame);
        break;
      default:
        break; // unknown frame types are ignored so the server can add new ones
    }
    keepInView(wasNearBottom);
  }

  function ask(question) {
    const email = el.email.value.trim();
    const id = uuid();
    // In a server-kept conversation the server adds the earlier turns; otherwise the page sends them.
    const frame = conversationId
      ? { id, conversation_id: conversationId, messages: [{ role: 'user', content: question }], stream: true }
      : { id, messages: history.concat([{ role: 'user', content: question }]), stream: true };
    if (email) frame.user_email = email;
    const turn = createTurn(id, question);
    turn.conversation = conversationId;
    turns.set(id, turn);
    setBusy(true);
    sendFrame(frame);
  }

  // ---------- wiring ----------

  function emailProblem() {
    const value = el.email.value.trim();
    if (value && !el.email.checkValidity()) return 'Please enter a valid email address, or leave it empty.';
    return null;
  }

  el.email.value = storage('get');
  el.email.addEventListener('input', () => {
    el.emailError.hidden = true;
    el.email.removeAttribute('aria-invalid');
    if (!emailProblem()) storage('set', el.email.value.trim());
  });

  el.form.addEventListener('submit', (event) => {
    event.preventDefault();
    const question = el.question.value.trim();
    if (!question || el.send.disabled) return;
    const problem = emailProblem();
    if (problem) {
      el.emailError.textContent = problem;
      el.emailError.hidden = false;
      el.email.setAttribute('aria-invalid', 'true');
      el.email.focus();
      return;
    }
    el.notice.hidden = true;
    el.question.value = '';
    ask(question);
  });

  el.question.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      el.form.requestSubmit();
    }
  });

  el.stop.addEventListener('click', stopAnswers);

  window.addEventListener('online', reconnectNow);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') reconnectNow();
  });

  if (window.RagdConversations) {
    window.RagdConversations.init({
      headers: () => {
        const cred = credential() || memoryCredential;
        return cred ? { authorization: 'Bearer ' + cred } : {};
      },
      email: () => (emailProblem() ? '' : el.email.value.trim()),
      current: () => conversationId,
      busy: () => turns.size > 0,
      show: showConversation,
      clear: clearConversation,
      notice: showNotice,
    });
  }
  let emailTimer = null;
  el.email.addEventListener('input', () => {
    // Another email is another user: their questions start a conversation of their own.
    if (conversationId && turns.size === 0) clearConversation();
    clearTimeout(emailTimer);
    emailTimer = setTimeout(() => window.RagdConversations && window.RagdConversations.refresh(), 400);
  });

  restorePending();
  // A reload continues this tab's conversation; its turns are shown once the socket is open (signed in).
  let restoreConversation = savedConversation();
  setConversation(restoreConversation);
  connect();
  el.question.focus();
})();
