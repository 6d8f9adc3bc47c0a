// One page per kind of record of the admin API (teams, users, organizations, customers): the list (paged
// where the API pages), a create form, and per row: edit, the kind's own actions, delete once confirmed.
import { h, replace, errorBox, loading, count, table } from '../dom.js';
import { input, createBody, changedBody } from './forms.js';
import { membersCard } from './members.js';

/**
 * c: {id, title, noun, list(page) -> {rows, total, pages}, key(row), label(row), columns: [[header, row => cell]],
 * fields (create and edit), createFields (create only), create(body) -> answer, created(answer) -> element,
 * update(row, body), remove(row), actions(row) -> [{label, cls, run}], members (see members.js), empty}.
 */
export function recordsPage(view, c) {
  const list = h('div', { id: c.id + '-list' });
  const panel = h('div', { id: c.id + '-panel' });
  const notice = h('div', { id: c.id + '-created', 'aria-live': 'polite' });
  let page = 1;
  const refresh = async () => {
    replace(list, loading(c.title.toLowerCase()));
    try {
      const answer = await c.list(page);
      const pager = answer.pages > 1 ? h('div', { class: 'row', id: c.id + '-pager' },
        h('button', { type: 'button', class: 'block', id: c.id + '-prev', disabled: page <= 1 || undefined,
          onclick: () => { page -= 1; refresh(); } }, 'Previous'),
        h('span', { class: 'muted' }, 'Page ' + page + ' of ' + answer.pages),
        h('button', { type: 'button', class: 'block', id: c.id + '-next', disabled: page >= answer.pages || undefined,
          onclick: () => { page += 1; refresh(); } }, 'Next')) : null;
      replace(list, h('p', { class: 'muted' }, count(answer.total, c.noun)),
        table([...c.columns.map(column => column[0]), ''], answer.rows.map(row => rowOf(c, row, refresh, panel)),
          c.empty || 'None yet: create one above.'),
        pager);
    } catch (e) {
      replace(list, errorBox(e));
    }
  };
  replace(view, h('h1', null, c.title), notice, createCard(c, notice, refresh),
    h('section', { class: 'card' }, h('h2', null, 'All ' + c.title.toLowerCase()), list), panel);
  refresh();
}

function rowOf(c, row, refresh, panel) {
  const actions = h('td', { class: 'actions' });
  const act = async run => {
    try {
      await run();
      refresh();
    } catch (e) {
      replace(actions, errorBox(e), h('button', { type: 'button', onclick: buttons }, 'Back'));
    }
  };
  const buttons = () => replace(actions,
    h('button', { type: 'button', class: 'edit', onclick: () => edit(c, row, panel, refresh) }, 'Edit'),
    (c.actions ? c.actions(row) : []).map(action =>
      h('button', { type: 'button', class: 'block ' + action.cls, onclick: () => act(action.run) }, action.label)),
    h('button', { type: 'button', class: 'danger delete', onclick: confirm }, 'Delete'));
  function confirm() {
    replace(actions, h('span', null, 'Delete ' + c.label(row) + '? '),
      h('button', { type: 'button', class: 'danger confirm-delete', onclick: () => act(async () => {
        await c.remove(row);
        if (panel.dataset.key === c.key(row)) replace(panel);
      }) }, 'Delete for good'),
      h('button', { type: 'button', class: 'cancel', onclick: buttons }, 'Cancel'));
    actions.querySelector('.confirm-delete').focus();
  }
  buttons();
  return h('tr', { 'data-id': c.key(row), 'data-name': c.label(row) },
    c.columns.map(column => h('td', { class: column[2] }, column[1](row))), actions);
}

function createCard(c, notice, refresh) {
  const prefix = c.id + '-';
  const fields = [...(c.createFields || []), ...c.fields];
  const message = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'grid', id: c.id + '-create' },
    fields.map(spec => input(spec, prefix)),
    h('div', { class: 'row' }, h('button', { type: 'submit', id: c.id + '-create-submit' }, 'Create ' + c.noun)),
    message);
  form.addEventListener('submit', async event => {
    event.preventDefault();
    replace(message);
    try {
      const answer = await c.create(createBody(fields, form, prefix));
      form.reset();
      replace(notice, c.created ? c.created(answer) : null);
      refresh();
    } catch (e) {
      replace(message, errorBox(e));
    }
  });
  return h('details', { class: 'card' }, h('summary', { id: c.id + '-create-open' }, 'Create a ' + c.noun), form);
}

function edit(c, row, panel, refresh) {
  const prefix = c.id + '-edit-';
  const message = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'grid', id: c.id + '-edit' },
    c.fields.map(spec => input(spec, prefix, row)),
    h('div', { class: 'row' }, h('button', { type: 'submit', id: c.id + '-edit-save' }, 'Save'),
      h('button', { type: 'button', class: 'block', onclick: () => replace(panel) }, 'Close')),
    message);
  form.addEventListener('submit', async event => {
    event.preventDefault();
    let body;
    try {
      body = changedBody(c.fields, form, prefix, row);
    } catch (e) {
      replace(message, errorBox(e));
      return;
    }
    if (!Object.keys(body).length) {
      replace(message, h('p', { class: 'muted' }, 'Nothing changed.'));
      return;
    }
    try {
      await c.update(row, body);
      replace(panel);
      refresh();
    } catch (e) {
      replace(message, errorBox(e));
    }
  });
  panel.dataset.key = c.key(row);
  replace(panel, h('section', { class: 'card' }, h('h2', null, 'Edit ' + c.label(row)), form),
    c.members ? membersCard(c.members, row, refresh) : null);
  form.elements[prefix + c.fields[0].name].focus();
}
