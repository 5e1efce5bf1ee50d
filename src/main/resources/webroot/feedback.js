// ragd chat page: thumbs up/down under each finished answer, sent as native "feedback" frames.
// A thumb is kept at once; "Not helpful" then offers an optional reason, which replaces the rating
// (the server keeps the last one). Server text is shown with textContent only.
'use strict';

window.RagdFeedback = (() => {
  const MAX_REASON = 1000; // the server's limit
  const pending = new Map(); // feedback frame id -> the bar waiting for its answer
  let counter = 0;

  function make(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function thumb(symbol, label) {
    const button = make('button', 'thumb', symbol);
    button.type = 'button';
    button.setAttribute('aria-label', label);
    button.title = label;
    button.setAttribute('aria-pressed', 'false');
    return button;
  }

  /** The rating bar for the answer with this log id; {@code send} sends a frame on the socket. */
  function bar(logId, send) {
    const box = make('div', 'feedback');
    box.setAttribute('role', 'group');
    box.setAttribute('aria-label', 'Rate this answer');
    const up = thumb('👍', 'Helpful');
    const down = thumb('👎', 'Not helpful');
    const status = make('span', 'feedback-status');
    status.setAttribute('role', 'status');
    const form = make('form', 'feedback-reason');
    form.hidden = true;
    const reasonId = `reason-${logId}`;
    const label = make('label', 'visually-hidden', 'What was wrong with this answer? (optional)');
    label.htmlFor = reasonId;
    const reason = make('textarea');
    reason.id = reasonId;
    reason.rows = 2;
    reason.maxLength = MAX_REASON;
    reason.placeholder = 'What was wrong? (optional)';
    const submit = make('button', null, 'Send reason');
    submit.type = 'submit';
    form.append(label, reason, submit);
    box.append(up, down, status, form);

    function rate(rating, text) {
      counter += 1;
      const id = `fb-${counter}-${Date.now().toString(36)}`;
      up.setAttribute('aria-pressed', String(rating === 'up'));
      down.setAttribute('aria-pressed', String(rating === 'down'));
      status.textContent = 'Saving…';
      pending.set(id, status);
      const frame = { type: 'feedback', id, log_id: logId, rating };
      if (text) frame.reason = text;
      send(frame);
    }

    up.addEventListener('click', () => {
      form.hidden = true;
      rate('up', null);
    });
    down.addEventListener('click', () => {
      rate('down', null);
      form.hidden = false;
      reason.focus();
    });
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const text = reason.value.trim();
      form.hidden = true;
      if (text) rate('down', text);
    });
    return box;
  }

  /** True when {@code frame} answers a rating (then it is shown on its bar). */
  function handle(frame) {
    const status = pending.get(frame.id);
    if (!status) return false;
    pending.delete(frame.id);
    status.textContent = frame.type === 'feedback'
      ? 'Thanks — your rating is saved.'
      : `Not saved: ${frame.message || 'the server refused it'}${frame.code ? ` (${frame.code})` : ''}`;
    status.dataset.state = frame.type === 'feedback' ? 'saved' : 'failed';
    return true;
  }

  return { bar, handle };
})();
