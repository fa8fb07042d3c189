// The sandbox page's Slack modals (the ✍️ Reply composer), drawn from their
// Block Kit blocks: context, section, input blocks (plain_text_input,
// radio_buttons, static_select), Send and Cancel. Keystrokes go to the bot as
// block_actions (sandbox/page_modals.py); what the person typed is kept in
// the page while the bot's views.update redraws the rest. Uses index.html's
// me(), esc(), mrkdwn(), el() and post().
(function () {
  let shown = null;            // the view id drawn now
  const typed = {};            // "block_id/action_id" → what was typed (the client keeps it, as Slack's does)
  let timer = null;
  let flush = null;            // the keystrokes not yet sent to the bot (the 250 ms burst below)

  function inputElement(view, block) {
    const element = block.element, key = block.block_id + "/" + element.action_id;
    const value = ((view.values[block.block_id] || {})[element.action_id]) || {};
    if (element.type === "plain_text_input") {
      const box = el(element.multiline ? "textarea" : "input");
      box.setAttribute("aria-label", block.label.text);
      box.value = key in typed ? typed[key] : (value.value || element.initial_value || "");
      box.oninput = () => {
        typed[key] = box.value;
        clearTimeout(timer);  // on_character_entered: Slack sends a burst of characters as one action
        flush = () => post("/modal/edit", {user: me(), view_id: view.view_id, action_id: element.action_id, value: box.value});
        timer = setTimeout(() => { const send = flush; flush = null; send(); }, 250);
      };
      return box;
    }
    if (element.type === "radio_buttons" || element.type === "static_select") {
      const chosen = (value.selected_option || element.initial_option || {}).value;
      const send = v => post("/modal/edit", {user: me(), view_id: view.view_id, action_id: element.action_id, value: v});
      if (element.type === "static_select") {
        const select = el("select");
        select.setAttribute("aria-label", block.label.text);
        select.append(new Option(element.placeholder ? element.placeholder.text : "—", ""));
        element.options.forEach(o => select.append(new Option(o.text.text, o.value)));
        select.value = chosen || "";
        select.onchange = () => select.value && send(select.value);
        return select;
      }
      const group = el("div", "radios");
      element.options.forEach(o => {
        const label = el("label"), radio = el("input");
        radio.type = "radio"; radio.name = key; radio.value = o.value; radio.checked = o.value === chosen;
        radio.onchange = () => send(o.value);
        label.append(radio, " " + o.text.text);
        group.append(label);
      });
      return group;
    }
    return el("div", "context", esc("(" + element.type + ")"));
  }

  function draw(view) {
    let box = document.getElementById("modal");
    if (!view) { if (box) box.remove(); shown = null; return; }
    const focused = document.activeElement, keep = box && focused && box.contains(focused) ? focused : null;
    if (!box || shown !== view.view_id) {
      if (box) box.remove();
      box = el("div", "modal");
      box.id = "modal";
      box.setAttribute("role", "dialog");
      document.body.append(box);
      shown = view.view_id;
    }
    const inputs = {};  // reuse the elements being typed in: a redraw must not steal the cursor
    box.querySelectorAll("[data-key]").forEach(e => { inputs[e.dataset.key] = e; });
    const body = el("div", "modal-body");
    body.append(el("h3", "", esc(view.title)));
    for (const block of view.blocks) {
      if (block.type === "context") {
        body.append(el("div", "context", block.elements.map(e => e.type === "mrkdwn" ? mrkdwn(e.text) : esc(e.text || "")).join("<br>")));
      } else if (block.type === "section") {
        body.append(el("div", "section", block.text.type === "mrkdwn" ? mrkdwn(block.text.text) : esc(block.text.text)));
      } else if (block.type === "input") {
        const key = block.block_id + "/" + block.element.action_id, wrap = el("div", "input");
        wrap.append(el("label", "", esc(block.label.text)));
        const input = inputs[key] || inputElement(view, block);
        input.dataset.key = key;
        wrap.append(input);
        if (view.errors[block.block_id]) wrap.append(el("div", "error", "⚠️ " + esc(view.errors[block.block_id])));
        body.append(wrap);
      }
    }
    const row = el("div", "actions"), cancel = el("button", "", esc(view.close)), send = el("button", "primary", esc(view.submit));
    cancel.onclick = async () => { await post("/modal/close", {user: me(), view_id: view.view_id}); draw(null); };
    send.onclick = async () => {
      // Slack submits what is in the box: the last burst of typing first (pressing Send within 250 ms of a keystroke
      // sent the text as it was before it — with the words of a cancelled reply brought back, the whole old reply).
      clearTimeout(timer);
      if (flush) { const send = flush; flush = null; await send(); }
      const answer = await (await post("/modal/submit", {user: me(), view_id: view.view_id})).json();
      if (answer.ok && !Object.keys(answer.errors || {}).length) { Object.keys(typed).forEach(k => delete typed[k]); draw(null); }
      else poll();
    };
    row.append(cancel, send);
    body.append(row);
    box.replaceChildren(body);
    if (keep && document.activeElement !== keep) keep.focus();
  }

  async function poll() {
    if (!me()) return;
    const views = await (await fetch("/modals?user=" + encodeURIComponent(me()))).json();
    draw(views.length ? views[views.length - 1] : null);
  }

  const style = document.createElement("style");
  style.textContent = `.modal { position: fixed; inset: 0; background: rgba(0,0,0,.35); display: flex; align-items: center;
      justify-content: center; z-index: 10; }
    .modal-body { background: #fff; border-radius: 8px; padding: 16px 20px; width: min(560px, 92vw); max-height: 90vh;
      overflow: auto; box-shadow: 0 8px 30px rgba(0,0,0,.3); }
    .modal-body textarea { width: 100%; min-height: 6em; box-sizing: border-box; }
    .modal-body .input { margin: 10px 0; } .modal-body .input > label { display: block; font-weight: bold; }
    .modal-body .radios label { margin-right: 12px; } .modal-body .error { color: #e01e5a; }`;
  document.head.append(style);
  setInterval(poll, 700);
})();
