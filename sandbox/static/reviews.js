// The sandbox page's Reviews panel (sandbox/page_reviews.py): every review platform
// the sandbox runs, as the customer sees the business's public page there — their
// review with its stars, and the owner's answer under it once staff replied in
// the review's Slack thread. The customer may edit or delete their own review.
// Generic: drawn from STATE.reviews, one entry per platform. Uses index.html's
// STATE, esc(), el(), post() and refresh().
(function () {
  const editing = {};   // review id → {stars, title, text} being edited (kept through the page's redraws)
  const stars = n => "★".repeat(n) + "☆".repeat(5 - n);
  const when = iso => iso ? slackDate(Date.parse(iso) / 1000, "{date_short_pretty} {time}") : "";

  function starsSelect(value, label) {
    const select = el("select");
    select.setAttribute("aria-label", label);
    for (let n = 1; n <= 5; n++) select.append(new Option(`${stars(n)} ${n} star${n > 1 ? "s" : ""}`, String(n)));
    select.value = String(value);
    return select;
  }

  function editForm(site, review) {
    const draft = editing[review.id];
    const form = el("form", "edit-review");
    const rating = starsSelect(draft.stars, "new stars");
    const title = el("input"); title.value = draft.title; title.setAttribute("aria-label", "new title");
    const text = el("textarea"); text.rows = 2; text.value = draft.text; text.setAttribute("aria-label", "new text");
    rating.onchange = () => { draft.stars = Number(rating.value); };
    title.oninput = () => { draft.title = title.value; };
    text.oninput = () => { draft.text = text.value; };
    const cancel = el("button", "", "Cancel"); cancel.type = "button";
    cancel.onclick = () => { delete editing[review.id]; drawReviews(true); };
    form.append(rating, title, text, el("button", "", "Save my changes"), cancel);
    form.onsubmit = async e => {
      e.preventDefault();
      const r = await post("/review/edit", {platform: site.platform, id: review.id, stars: draft.stars,
                                            title: draft.title, text: draft.text});
      if (r.ok) { delete editing[review.id]; refresh(); }
    };
    return form;
  }

  function reviewBox(site, review) {
    const box = el("div", "tweet review");
    box.dataset.id = review.id;
    const changed = review.updated_at ? ` · edited ${esc(when(review.updated_at))}` : "";
    box.append(el("div", "context", `<b>${esc(review.name)}</b> · ${esc(site.label)} · ${esc(when(review.created_at))}${changed}`));
    box.append(el("div", "", `<span class="stars" aria-label="${review.stars} stars">${stars(review.stars)}</span> `
      + `<b>${esc(review.title || "")}</b>`));
    box.append(el("div", "section", esc(review.text)));
    if (review.reply) {
      box.append(el("div", "owner", `<div class="context"><b>Reply from Acme</b> · ${esc(when(review.reply.created_at))}</div>`
        + `<div class="section">${esc(review.reply.text)}</div>`));
    }
    if (editing[review.id]) {
      box.append(editForm(site, review));
      return box;
    }
    const row = el("div", "actions");
    const edit = el("button", "", "✏️ Edit my review");
    edit.type = "button";
    edit.onclick = () => { editing[review.id] = {stars: review.stars, title: review.title || "", text: review.text}; drawReviews(true); };
    row.append(edit);
    if (site.deletable) {   // Yelp: no delete (it never tells an app of a removal; site.deleted_note says so)
      const remove = el("button", "danger", "🗑️ Delete my review");
      remove.type = "button";
      remove.onclick = () => post("/review/delete", {platform: site.platform, id: review.id}).then(refresh);
      row.append(remove);
    }
    box.append(row);
    return box;
  }

  window.drawReviews = function (force) {
    const sites = STATE.reviews || [];
    const platform = document.getElementById("review-platform");
    if (!platform.options.length) sites.forEach(s => platform.append(new Option(s.label, s.platform)));
    const polled = sites.map(s => `${s.label} reviews are polled ${s.polled_every}.`).join(" ");
    document.getElementById("reviews-polled").textContent = polled;
    const panel = document.getElementById("reviews");
    // Re-drawing would lose the caret of someone editing a review; their draft survives anyway.
    if (!force && panel.contains(document.activeElement) && document.activeElement.tagName !== "BUTTON") return;
    const boxes = [];
    for (const site of sites) {
      const note = [site.note, site.deleted_note].filter(Boolean).map(n => ` <small>${esc(n)}.</small>`).join("");
      boxes.push(el("div", "context", `${esc(site.label)} <small>(emulator: ${esc(site.url)})</small>${note}`));
      if (!site.reviews.length) boxes.push(el("p", "empty", "No reviews yet."));
      site.reviews.forEach(review => boxes.push(reviewBox(site, review)));
    }
    panel.replaceChildren(...(boxes.length ? boxes : [el("p", "empty", "This sandbox runs no review platform.")]));
  };

  document.getElementById("review-form").onsubmit = async e => {
    e.preventDefault();
    await post("/review", {platform: document.getElementById("review-platform").value,
      name: document.getElementById("review-name").value, stars: Number(document.getElementById("review-stars").value),
      title: document.getElementById("review-title").value, text: document.getElementById("review-text").value});
    refresh();
  };
})();
